package dev.voxpipe.feature.app;

import dev.voxpipe.core.config.VoxConfig;
import dev.voxpipe.core.messaging.KafkaSettings;
import dev.voxpipe.core.serde.SchemaRegistryConfig;
import dev.voxpipe.feature.topology.FeatureSettings;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.streams.StreamsConfig;

import java.util.Properties;

/**
 * The worker's configuration, separate from {@code main}: Kafka Streams properties (exactly-once v2),
 * registry, metrics port and the topology's {@link FeatureSettings}.
 */
public record FeatureWorkerConfig(VoxConfig source, String applicationId, int streamThreads, String stateDir, int replicationFactor,
                                  int metricsPort, SchemaRegistryConfig registry, FeatureSettings features) {
    public static final String APPLICATION_ID = "voxpipe.feature.application-id";
    public static final String THREADS = "voxpipe.feature.threads";
    public static final String STATE_DIR = "voxpipe.feature.state-dir";
    public static final String REPLICATION = dev.voxpipe.core.topics.TopicCatalogue.REPLICATION_FACTOR;
    public static final String METRICS_PORT = "voxpipe.metrics.port";

    public static FeatureWorkerConfig from(VoxConfig c) {
        return new FeatureWorkerConfig(c,
                c.get(APPLICATION_ID, "voxpipe-feature-worker"),
                c.getInt(THREADS, Math.max(1, Runtime.getRuntime().availableProcessors())),
                c.get(STATE_DIR, System.getProperty("java.io.tmpdir") + "/voxpipe-feature-worker"),
                c.getInt(REPLICATION, 1),
                c.getInt(METRICS_PORT, 9404),
                SchemaRegistryConfig.from(c),
                FeatureSettings.from(c));
    }

    public Properties streamsProperties() {
        Properties p = KafkaSettings.common(source);
        p.put(StreamsConfig.APPLICATION_ID_CONFIG, applicationId);
        p.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
        p.put(StreamsConfig.NUM_STREAM_THREADS_CONFIG, streamThreads);
        p.put(StreamsConfig.STATE_DIR_CONFIG, stateDir);
        p.put(StreamsConfig.REPLICATION_FACTOR_CONFIG, replicationFactor);
        p.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, source.getInt("voxpipe.feature.commit-interval-ms", 200));
        // An upload can take a few seconds to decode and slice: poll fewer records at a time, so a
        // batch stays well inside max.poll.interval.ms.
        p.put(StreamsConfig.consumerPrefix(ConsumerConfig.MAX_POLL_RECORDS_CONFIG), source.getInt("voxpipe.feature.max-poll-records", 50));
        p.put(StreamsConfig.producerPrefix(ProducerConfig.MAX_REQUEST_SIZE_CONFIG), 8 * 1024 * 1024);
        p.put(StreamsConfig.producerPrefix(ProducerConfig.COMPRESSION_TYPE_CONFIG), "lz4");
        return p;
    }
}
