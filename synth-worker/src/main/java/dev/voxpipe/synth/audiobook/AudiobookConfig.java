package dev.voxpipe.synth.audiobook;

import dev.voxpipe.core.config.VoxConfig;
import dev.voxpipe.core.worker.StreamsSettings;
import java.time.Duration;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.streams.StreamsConfig;

/** The audiobook flow's own settings ({@code voxpipe.audiobook.*}). */
public record AudiobookConfig(VoxConfig source, String applicationId, String stateDir, int streamThreads,
                              int maxChunkChars, String ffmpeg, int commitIntervalMs, AudiobookTopology.Watchdog watchdog) {

    public static final String APPLICATION_ID = "voxpipe.audiobook.application-id";
    public static final String STATE_DIR = "voxpipe.audiobook.state-dir";
    public static final String THREADS = "voxpipe.audiobook.threads";
    public static final String MAX_CHUNK_CHARS = "voxpipe.audiobook.max-chunk-chars";
    public static final String FFMPEG = "voxpipe.audiobook.ffmpeg";
    /** A book with no new chunk result for this long is failed by the watchdog, which says which chunks are missing. */
    public static final String STALL_DEADLINE = "voxpipe.audiobook.stall-deadline";
    /** How long the marker of a finished book is kept (it makes late duplicate results harmless). */
    public static final String MARKER_TTL = "voxpipe.audiobook.marker-ttl";
    /**
     * Exactly-once commits: a split request's chunks become visible to the synth workers only when the
     * transaction commits, so this bounds the wait before the first chunk can be synthesised.
     */
    public static final String COMMIT_INTERVAL_MS = "voxpipe.audiobook.commit-interval-ms";

    public AudiobookConfig {
        if (maxChunkChars < 1) throw new IllegalArgumentException(MAX_CHUNK_CHARS + " must be at least 1, got " + maxChunkChars);
        if (commitIntervalMs < 1) throw new IllegalArgumentException(COMMIT_INTERVAL_MS + " must be at least 1, got " + commitIntervalMs);
    }

    public static AudiobookConfig from(VoxConfig config) {
        return new AudiobookConfig(config,
                config.get(APPLICATION_ID, "voxpipe-audiobook"),
                config.get(STATE_DIR, "data/state/audiobook"),
                config.getInt(THREADS, 1),
                config.getInt(MAX_CHUNK_CHARS, 400),
                config.get(FFMPEG, "ffmpeg"),
                config.getInt(COMMIT_INTERVAL_MS, 200),
                new AudiobookTopology.Watchdog(config.getDuration(STALL_DEADLINE, Duration.ofMinutes(30)),
                        config.getDuration(MARKER_TTL, Duration.ofDays(2))));
    }

    public Properties streamsProperties() {
        Properties props = StreamsSettings.exactlyOnce(source, applicationId, stateDir, streamThreads, commitIntervalMs);
        // Writing a long book happens inside one poll; give it time.
        props.put(StreamsConfig.consumerPrefix(ConsumerConfig.MAX_POLL_INTERVAL_MS_CONFIG), (int) Duration.ofMinutes(15).toMillis());
        return props;
    }
}
