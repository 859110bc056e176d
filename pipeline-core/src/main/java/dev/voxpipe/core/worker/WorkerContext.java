package dev.voxpipe.core.worker;

import dev.voxpipe.core.blob.BlobStore;
import dev.voxpipe.core.blob.BlobStores;
import dev.voxpipe.core.config.VoxConfig;
import dev.voxpipe.core.messaging.KafkaSettings;
import dev.voxpipe.core.metrics.MetricsServer;
import dev.voxpipe.core.serde.SchemaRegistryClient;
import dev.voxpipe.core.serde.SchemaRegistryConfig;
import dev.voxpipe.core.topics.TopicCatalogue;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Properties;
import org.apache.kafka.clients.admin.Admin;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a worker is started with: its {@link WorkerConfig}, the blob store, the meter registry and the
 * schema registry client. A worker's own process ({@link WorkerMain}) makes one per service; the local
 * launcher makes one per worker over a shared blob store. Resources handed to
 * {@link #own} are closed, last first, when the context closes (after the worker).
 */
public final class WorkerContext implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(WorkerContext.class);

    private final WorkerConfig worker;
    private final BlobStore blobs;
    private final PrometheusMeterRegistry metrics;
    private final SchemaRegistryClient registry;
    private final Deque<AutoCloseable> owned = new ArrayDeque<>();

    public WorkerContext(WorkerConfig worker, BlobStore blobs, PrometheusMeterRegistry metrics, SchemaRegistryClient registry) {
        this.worker = worker;
        this.blobs = blobs;
        this.metrics = metrics;
        this.registry = registry;
    }

    /** A worker in its own process: its own blob store (closed with the context) and meter registry. */
    public static WorkerContext standalone(VoxConfig config, String service, int defaultMetricsPort) {
        BlobStore blobs = BlobStores.fromConfig(config);
        WorkerContext context = new WorkerContext(WorkerConfig.from(config, service, defaultMetricsPort), blobs,
                MetricsServer.newRegistry(service), SchemaRegistryClient.http(SchemaRegistryConfig.from(config)));
        context.own(blobs);
        return context;
    }

    /**
     * A worker sharing a process (the local launcher, tests): the caller owns the blob store. The
     * worker gets its own meter registry, so two workers' Kafka client metrics never collide.
     */
    public static WorkerContext sharingBlobs(VoxConfig config, String service, int defaultMetricsPort, BlobStore blobs) {
        return new WorkerContext(WorkerConfig.from(config, service, defaultMetricsPort), blobs,
                MetricsServer.newRegistry(service), SchemaRegistryClient.http(SchemaRegistryConfig.from(config)));
    }

    public WorkerConfig worker() {
        return worker;
    }

    public VoxConfig config() {
        return worker.source();
    }

    public String service() {
        return worker.service();
    }

    public BlobStore blobs() {
        return blobs;
    }

    public PrometheusMeterRegistry metrics() {
        return metrics;
    }

    public SchemaRegistryClient registry() {
        return registry;
    }

    /** Kafka client properties shared by every client of the worker (bootstrap, security). */
    public Properties kafka() {
        return KafkaSettings.common(config());
    }

    /** Creates the missing topics and reports (without failing) topics that differ from the catalogue. */
    public void ensureTopics() {
        Properties kafka = kafka();
        try (Admin admin = Admin.create(kafka)) {
            TopicCatalogue.Outcome outcome = TopicCatalogue.standard(worker.replicationFactor()).ensure(admin);
            if (!outcome.problems().isEmpty()) log.warn("{}: topic problems: {}", service(), outcome.problems());
        } catch (RuntimeException e) {
            // Refused credentials are the first thing a worker meets on a secured broker: say so plainly.
            throw KafkaSettings.authenticationFailure(kafka, e).<RuntimeException>map(m -> new IllegalStateException(m, e)).orElse(e);
        }
    }

    /** Closes {@code resource} when this context closes; returns it. */
    public synchronized <T extends AutoCloseable> T own(T resource) {
        owned.push(resource);
        return resource;
    }

    @Override
    public synchronized void close() {
        while (!owned.isEmpty()) Workers.closeQuietly(service(), owned.pop());
    }
}
