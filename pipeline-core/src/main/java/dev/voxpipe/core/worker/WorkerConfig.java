package dev.voxpipe.core.worker;

import dev.voxpipe.core.config.VoxConfig;
import dev.voxpipe.core.topics.TopicCatalogue;

/**
 * What every worker reads the same way, in one place: its service name, the port of its metrics and
 * health server ({@code voxpipe.metrics.port}: 0 takes a free port, a negative port serves none, as in
 * the local launcher where ingest's {@code /metrics} serves the whole process) and the replication
 * factor of the topics it creates. A worker's own settings live in its own config record next to this.
 *
 * @param defaultMetricsPort each service's documented default (compose/README.md), so that services on
 *        one host do not collide when the setting is absent
 */
public record WorkerConfig(String service, VoxConfig source, int metricsPort, int replicationFactor) {

    public static final String METRICS_PORT = "voxpipe.metrics.port";

    public WorkerConfig {
        if (service == null || service.isBlank()) throw new IllegalArgumentException("a worker needs a service name");
        if (metricsPort > 65_535) {
            throw new IllegalArgumentException(METRICS_PORT + "=" + metricsPort + " is not a port (0-65535, or negative for none)");
        }
    }

    public static WorkerConfig from(VoxConfig config, String service, int defaultMetricsPort) {
        return new WorkerConfig(service, config, config.getInt(METRICS_PORT, defaultMetricsPort),
                TopicCatalogue.replicationFactor(config));
    }
}
