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
        int maxPageSize,
        String managementHost,
        int managementPort,
        int maxConcurrentUploadsPerKey,
        int maxConcurrentUploads,
        Duration uploadIdleTimeout,
        long uploadMinBytesPerSecond,
        Duration uploadRateGrace,
        int maxFormFieldBytes,
        Duration apiKeysReloadInterval,
        Duration idempotencyTtl,
        Duration trainingHeartbeatTimeout,
        Path tlsCert,
        Path tlsKey) {

    public static final String PREFIX = "voxpipe.ingest.";

    public static IngestSettings from(VoxConfig config) {
        int cores = Runtime.getRuntime().availableProcessors();
        String host = config.get(PREFIX + "host", "0.0.0.0");
        int blobWorkers = config.getInt(PREFIX + "blob-workers", 64);
        // Uploads may hold at most this many blob threads: the rest stay free for audio downloads and text blobs.
        int defaultUploadSlots = Math.max(1, blobWorkers - Math.max(2, blobWorkers / 4));
        IngestSettings settings = new IngestSettings(
                host,
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
                blobWorkers,
                config.getDuration(PREFIX + "delivery-timeout", Duration.ofSeconds(15)),
                config.getDuration(PREFIX + "broker-probe-interval", Duration.ofSeconds(2)),
                config.getInt(PREFIX + "retry-after-seconds", 5),
                config.getDuration(PREFIX + "sse-interval", Duration.ofMillis(500)),
                config.getInt(PREFIX + "page-size", 50),
                config.getInt(PREFIX + "max-page-size", 500),
                config.get(PREFIX + "management-host", host),
                config.getInt(PREFIX + "management-port", 9400),
                config.getInt(PREFIX + "uploads.max-concurrent-per-key", 4),
                config.getInt(PREFIX + "uploads.max-concurrent", defaultUploadSlots),
                config.getDuration(PREFIX + "uploads.idle-timeout", Duration.ofSeconds(15)),
                config.getLong(PREFIX + "uploads.min-bytes-per-second", 8 * 1024),
                config.getDuration(PREFIX + "uploads.rate-grace", Duration.ofSeconds(10)),
                config.getInt(PREFIX + "max-form-field-bytes", 512 * 1024),
                config.getDuration(PREFIX + "api-keys-reload-interval", Duration.ofSeconds(10)),
                config.getDuration(PREFIX + "idempotency-ttl", Duration.ofHours(24)),
                // trainers report at least every 10 s (voxpipe.trainer.heartbeat-interval): six missed reports
                config.getDuration(PREFIX + "training-heartbeat-timeout", Duration.ofSeconds(60)),
                // HTTPS on the API port when both are set (PEM files; compose sets them, ./voxpipe serve does not)
                config.find(PREFIX + "tls.cert").filter(v -> !v.isBlank()).map(Path::of).orElse(null),
                config.find(PREFIX + "tls.key").filter(v -> !v.isBlank()).map(Path::of).orElse(null));
        settings.check();
        return settings;
    }

    /** Refuses settings that would disable a protection by accident; the message names the setting. */
    private void check() {
        if (maxConcurrentUploadsPerKey < 1) throw new IllegalArgumentException(PREFIX + "uploads.max-concurrent-per-key must be at least 1");
        if (maxConcurrentUploads < 1) throw new IllegalArgumentException(PREFIX + "uploads.max-concurrent must be at least 1");
        if (maxConcurrentUploads > blobWorkerThreads) {
            throw new IllegalArgumentException(PREFIX + "uploads.max-concurrent (" + maxConcurrentUploads
                    + ") must not exceed " + PREFIX + "blob-workers (" + blobWorkerThreads + "): downloads need threads too");
        }
        if (uploadIdleTimeout.isZero() || uploadIdleTimeout.isNegative()) {
            throw new IllegalArgumentException(PREFIX + "uploads.idle-timeout must be positive");
        }
        if (idempotencyTtl.isNegative() || idempotencyTtl.isZero() || idempotencyTtl.compareTo(dev.voxpipe.ingest.views.IdempotencyView.KEEP) > 0) {
            throw new IllegalArgumentException(PREFIX + "idempotency-ttl must be positive and at most " + dev.voxpipe.ingest.views.IdempotencyView.KEEP.toDays() + " days");
        }
        if (trainingHeartbeatTimeout.isNegative() || trainingHeartbeatTimeout.isZero()) {
            throw new IllegalArgumentException(PREFIX + "training-heartbeat-timeout must be positive");
        }
        if ((tlsCert == null) != (tlsKey == null)) {
            throw new IllegalArgumentException(PREFIX + "tls.cert (VOXPIPE_INGEST_TLS_CERT) and " + PREFIX
                    + "tls.key (VOXPIPE_INGEST_TLS_KEY) go together: only the " + (tlsCert == null ? "key" : "certificate") + " is set");
        }
        for (Path file : tls() ? new Path[] {tlsCert, tlsKey} : new Path[0]) {
            if (!java.nio.file.Files.isReadable(file)) {
                throw new IllegalArgumentException(PREFIX + "tls." + (file == tlsCert ? "cert" : "key") + ": cannot read " + file);
            }
        }
        if (managementPort >= 0 && managementPort == port && port != 0) {
            throw new IllegalArgumentException(PREFIX + "management-port must differ from " + PREFIX + "port");
        }
    }

    /** HTTPS on the API port (the management port stays plain HTTP: it is never published). */
    public boolean tls() {
        return tlsCert != null && tlsKey != null;
    }

    /**
     * Largest multipart body: the upload limit plus room for the form fields (a transcript) and
     * the part headers. Past it the answer is 413, whatever the parts are.
     */
    public long maxMultipartBytes() {
        return maxUploadBytes + 4L * maxFormFieldBytes + 64 * 1024;
    }

    /**
     * Largest JSON body of a synthesis request: the text limit at up to 4 bytes a character (UTF-8,
     * or escapes) plus room for the other fields. The text limit itself is checked on the parsed text.
     */
    public long maxSynthesisBodyBytes() {
        return (long) maxTextChars * 4 + maxJsonBytes;
    }
}
