package dev.voxpipe.synth;

import dev.voxpipe.core.config.VoxConfig;
import java.lang.management.ManagementFactory;
import java.time.Duration;

/** The synth worker's settings, from {@code voxpipe.synth.*} keys (env {@code VOXPIPE_SYNTH_*}). */
public record SynthWorkerConfig(
        String groupId,
        String workerId,
        long voiceCacheBytes,
        int maxBatchChunks,
        int attemptsPerChunk,
        Duration modelWait,
        Duration transactionTimeout,
        Duration retryPause,
        int renderSliceChunks) {

    public static SynthWorkerConfig from(VoxConfig config) {
        return new SynthWorkerConfig(
                config.get("voxpipe.synth.group-id", "voxpipe-synth"),
                config.get("voxpipe.synth.worker-id", "synth-" + ManagementFactory.getRuntimeMXBean().getName()),
                config.getLong("voxpipe.synth.voice-cache-bytes", 256L * 1024 * 1024),
                config.getInt("voxpipe.synth.max-batch-chunks", 8),
                config.getInt("voxpipe.synth.attempts-per-chunk", 2),
                config.getDuration("voxpipe.synth.model-wait", Duration.ofSeconds(20)),
                config.getDuration("voxpipe.synth.transaction-timeout", Duration.ofSeconds(30)),
                config.getDuration("voxpipe.synth.retry-pause", Duration.ofSeconds(2)),
                // chunks rendered per model call (issue 22): the progress step and the native-memory peak; 2 keeps
                // the batch's throughput on 2 cores at 0.7x its RSS, 1 is chunk by chunk at about 2x the CPU time
                // (bench/synth-memory, README "Native memory")
                config.getInt("voxpipe.synth.render-slice-chunks", 2));
    }
}
