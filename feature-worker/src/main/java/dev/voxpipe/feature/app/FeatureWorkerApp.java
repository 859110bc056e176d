package dev.voxpipe.feature.app;

import dev.voxpipe.core.serde.HttpSchemaRegistryClient;
import dev.voxpipe.core.blob.BlobStore;
import dev.voxpipe.core.blob.BlobStores;
import dev.voxpipe.core.config.VoxConfig;
import dev.voxpipe.core.messaging.KafkaSettings;
import dev.voxpipe.core.metrics.MetricsServer;
import dev.voxpipe.core.serde.SchemaRegistryClient;
import dev.voxpipe.core.topics.TopicCatalogue;
import dev.voxpipe.feature.topology.FeatureMetrics;
import dev.voxpipe.feature.topology.FeatureSerdes;
import dev.voxpipe.feature.topology.FeatureTopology;
import io.micrometer.core.instrument.binder.kafka.KafkaStreamsMetrics;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.CountDownLatch;

/**
 * Runs the feature worker: checks/creates topics, starts Kafka Streams (exactly_once_v2), serves
 * Prometheus metrics on {@code voxpipe.metrics.port}, and stops cleanly on SIGTERM.
 */
public final class FeatureWorkerApp implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(FeatureWorkerApp.class);

    private final KafkaStreams streams;
    private final BlobStore blobs;
    private final MetricsServer metricsServer;
    private final KafkaStreamsMetrics streamsMetrics;

    private FeatureWorkerApp(KafkaStreams streams, BlobStore blobs, MetricsServer metricsServer, KafkaStreamsMetrics streamsMetrics) {
        this.streams = streams;
        this.blobs = blobs;
        this.metricsServer = metricsServer;
        this.streamsMetrics = streamsMetrics;
    }

    /** Starts a worker; {@code close()} stops it. Used by main, the integration tests and the scaling bench. */
    public static FeatureWorkerApp start(FeatureWorkerConfig config) throws Exception {
        try (Admin admin = Admin.create(KafkaSettings.common(config.source()))) {
            TopicCatalogue.Outcome outcome = TopicCatalogue.standard(config.replicationFactor()).ensure(admin);
            if (!outcome.problems().isEmpty()) log.warn("topic problems: {}", outcome.problems());
        }
        BlobStore blobs = BlobStores.fromConfig(config.source());
        PrometheusMeterRegistry registry = MetricsServer.newRegistry("feature-worker");
        FeatureSerdes serdes = new FeatureSerdes(new HttpSchemaRegistryClient(config.registry()));
        StreamsBuilder builder = FeatureTopology.build(new StreamsBuilder(), config.features(), serdes, blobs, new FeatureMetrics(registry));
        KafkaStreams streams = new KafkaStreams(builder.build(), config.streamsProperties());
        // Bad records never reach here (they become dead letters); anything else is a bug or an
        // infrastructure failure: replace the thread rather than let the instance die.
        streams.setUncaughtExceptionHandler(e -> {
            log.error("stream thread failed; replacing it", e);
            return StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse.REPLACE_THREAD;
        });
        KafkaStreamsMetrics streamsMetrics = new KafkaStreamsMetrics(streams);
        streamsMetrics.bindTo(registry);
        MetricsServer server = MetricsServer.start(registry, config.metricsPort(),
                () -> streams.state().isRunningOrRebalancing(), () -> streams.state() == KafkaStreams.State.RUNNING);
        streams.start();
        log.info("feature worker {} started: {} threads, metrics on port {}", config.applicationId(), config.streamThreads(),
                server.port() == 0 ? "-" : server.port());
        return new FeatureWorkerApp(streams, blobs, server, streamsMetrics);
    }

    public KafkaStreams streams() {
        return streams;
    }

    public int metricsPort() {
        return metricsServer.port() == 0 ? -1 : metricsServer.port();
    }

    @Override
    public void close() {
        streams.close(java.time.Duration.ofSeconds(30));
        streamsMetrics.close();
        metricsServer.close();
        try {
            blobs.close();
        } catch (Exception e) {
            log.warn("closing blob store", e);
        }
    }

    public static void main(String[] args) throws Exception {
        FeatureWorkerApp app = start(FeatureWorkerConfig.from(VoxConfig.fromEnvironment()));
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            app.close();
            stopped.countDown();
        }, "feature-worker-shutdown"));
        stopped.await();
    }
}
