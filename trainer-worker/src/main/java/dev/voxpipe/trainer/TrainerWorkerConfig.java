package dev.voxpipe.trainer;

import dev.voxpipe.core.config.VoxConfig;
import dev.voxpipe.core.fault.Retry;
import java.lang.management.ManagementFactory;
import java.time.Duration;

/**
 * The trainer's settings, from {@code voxpipe.trainer.*} keys (env {@code VOXPIPE_TRAINER_*}).
 * {@code retry}: the in-place retries of transient faults ({@code voxpipe.retry.*}); {@code retryPause}:
 * how long a job whose transient fault outlasted them waits before it runs again.
 */
public record TrainerWorkerConfig(
        String groupId,
        String workerId,
        int concurrentJobs,
        Duration progressInterval,
        int checkpointEverySteps,
        int defaultMaxSteps,
        double powerWatts,
        Duration featureWait,
        double minimumSeconds,
        Retry.Policy retry,
        Duration retryPause,
        Duration heartbeatInterval) {

    public static TrainerWorkerConfig from(VoxConfig config) {
        return new TrainerWorkerConfig(
                config.get("voxpipe.trainer.group-id", "voxpipe-trainer"),
                config.get("voxpipe.trainer.worker-id", defaultWorkerId()),
                config.getInt("voxpipe.trainer.concurrent-jobs", 1),
                config.getDuration("voxpipe.trainer.progress-interval", Duration.ofSeconds(5)),
                config.getInt("voxpipe.trainer.checkpoint-every-steps", 50),
                config.getInt("voxpipe.trainer.max-steps", 0),
                config.getDouble("voxpipe.trainer.power-watts", 65.0),
                config.getDuration("voxpipe.trainer.feature-wait", Duration.ofMinutes(3)),
                config.getDouble("voxpipe.trainer.minimum-seconds", 10.0),
                Retry.Policy.from(config),
                config.getDuration("voxpipe.trainer.retry-pause", Duration.ofSeconds(10)),
                // ingest shows a RUNNING job silent for voxpipe.ingest.training-heartbeat-timeout (60 s) as STALLED
                config.getDuration("voxpipe.trainer.heartbeat-interval", Duration.ofSeconds(10)));
    }

    static String defaultWorkerId() {
        return "trainer-" + ManagementFactory.getRuntimeMXBean().getName();
    }
}
