package dev.voxpipe.ingest;

import dev.voxpipe.core.config.VoxConfig;
import java.nio.file.Path;
import java.time.Duration;

/**
 * Everything ingest reads from configuration, resolved once at start (env {@code VOXPIPE_INGEST_*},
 * system properties or the {@code VOXPIPE_CONFIG} file; see README for the table).
 */
public record IngestSettings(
        String host,
        int port,
        int httpInstances,
        long maxUploadBytes,
        int maxTextChars,
        int inlineTextBytes,
        int maxJsonBytes,
        double minTrainingSeconds,
        double rateLimitPerSecond,
        int rateLimitBurst,
        String apiKeys,
        String apiKeysFile,
        String applicationId,
        Path stateDir,
        int blobWorkerThreads,
        Duration deliveryTimeout,
        Duration brokerProbeInterval,
        int retryAfterSeconds,
        Duration sseInterval,
        int defaultPageSize,
        int maxPageSize) {

    public static final String PREFIX = "voxpipe.ingest.";

    public static IngestSettings from(VoxConfig config) {
        int cores = Runtime.getRuntime().availableProcessors();
        return new IngestSettings(
                config.get(PREFIX + "host", "0.0.0.0"),
                config.getInt(PREFIX + "port", 8080),
                config.getInt(PREFIX + "http-instances", Math.max(1, cores)),
                config.getLong(PREFIX + "max-upload-bytes", 200L * 1024 * 1024),
                config.getInt(PREFIX + "max-text-chars", 1_000_000),
                config.getInt(PREFIX + "inline-text-bytes", 64 * 1024),
                config.getInt(PREFIX + "max-json-bytes", 64 * 1024),
                config.getDouble(PREFIX + "min-training-seconds", 30.0),
                config.getDouble(PREFIX + "rate-limit.per-second", 50.0),
                config.getInt(PREFIX + "rate-limit.burst", 100),
                config.get(PREFIX + "api-keys", ""),
                config.get(PREFIX + "api-keys-file", ""),
                config.get(PREFIX + "application-id", "voxpipe-ingest"),
                Path.of(config.get(PREFIX + "state-dir", "data/ingest-state")),
                config.getInt(PREFIX + "blob-workers", 64),
                config.getDuration(PREFIX + "delivery-timeout", Duration.ofSeconds(15)),
                config.getDuration(PREFIX + "broker-probe-interval", Duration.ofSeconds(2)),
                config.getInt(PREFIX + "retry-after-seconds", 5),
                config.getDuration(PREFIX + "sse-interval", Duration.ofMillis(500)),
                config.getInt(PREFIX + "page-size", 50),
                config.getInt(PREFIX + "max-page-size", 500));
    }

    /**
     * Largest JSON body of a synthesis request: the text limit at up to 4 bytes a character (UTF-8,
     * or escapes) plus room for the other fields. The text limit itself is checked on the parsed text.
     */
    public long maxSynthesisBodyBytes() {
        return (long) maxTextChars * 4 + maxJsonBytes;
    }
}
