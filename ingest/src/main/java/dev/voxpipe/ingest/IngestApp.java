package dev.voxpipe.ingest;

import dev.voxpipe.core.serde.HttpSchemaRegistryClient;
import dev.voxpipe.core.blob.BlobStore;
import dev.voxpipe.core.blob.BlobStores;
import dev.voxpipe.core.config.VoxConfig;
import dev.voxpipe.core.messaging.KafkaSettings;
import dev.voxpipe.core.serde.SchemaRegistryClient;
import dev.voxpipe.core.serde.SchemaRegistryConfig;
import dev.voxpipe.core.topics.TopicCatalogue;
import dev.voxpipe.ingest.api.ApiRouter;
import dev.voxpipe.ingest.api.Services;
import dev.voxpipe.ingest.auth.ApiKeys;
import dev.voxpipe.ingest.kafka.EventPublisher;
import dev.voxpipe.ingest.metrics.IngestMetrics;
import dev.voxpipe.ingest.views.Views;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.ext.web.Router;
import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.admin.Admin;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The ingest service: {@code java dev.voxpipe.ingest.IngestApp}, configured from the environment
 * (see README). {@link #start} is also the embedded entry point for tests and the launcher.
 */
public final class IngestApp implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(IngestApp.class);

    private final Vertx vertx;
    private final Views views;
    private final EventPublisher publisher;
    private final BlobStore blobs;
    private final IngestMetrics metrics;
    private final int port;
    private final ApiRouter.Built router;

    private IngestApp(Vertx vertx, Views views, EventPublisher publisher, BlobStore blobs, IngestMetrics metrics,
                      int port, ApiRouter.Built router) {
        this.vertx = vertx;
        this.views = views;
        this.publisher = publisher;
        this.blobs = blobs;
        this.metrics = metrics;
        this.port = port;
        this.router = router;
    }

    public static void main(String[] args) throws Exception {
        IngestApp app = start(VoxConfig.fromEnvironment());
        Runtime.getRuntime().addShutdownHook(new Thread(app::close, "ingest-shutdown"));
        log.info("ingest listening on port {}", app.port());
    }

    /** Starts everything and waits until the HTTP port is bound (the views may still be restoring). */
    public static IngestApp start(VoxConfig config) throws Exception {
        IngestSettings settings = IngestSettings.from(config);
        ApiKeys keys = ApiKeys.load(settings.apiKeys(), settings.apiKeysFile(), settings.rateLimitPerSecond(), settings.rateLimitBurst());
        if (keys.size() == 0) log.warn("no API keys are configured: every /v1 request will be refused with 401");
        // Load the format sniffer now: a broken class path fails the start, not the first upload.
        dev.voxpipe.ingest.upload.FormatSniffing.sniff(new byte[dev.voxpipe.ingest.upload.FormatSniffing.HEAD_BYTES]);
        ensureTopics(config);
        SchemaRegistryClient registry = new HttpSchemaRegistryClient(SchemaRegistryConfig.from(config));
        IngestMetrics metrics = new IngestMetrics();
        BlobStore blobs = BlobStores.fromConfig(config);
        Views views = new Views(config, registry, settings.applicationId(), settings.stateDir(), settings.retryAfterSeconds());
        EventPublisher publisher = new EventPublisher(config, registry, settings.deliveryTimeout(),
                settings.brokerProbeInterval(), settings.retryAfterSeconds(), metrics);
        metrics.gauge("voxpipe.ingest.views.running", "1 when the Kafka Streams views are RUNNING", () -> views.running() ? 1 : 0);
        metrics.gauge("voxpipe.ingest.kafka.available", "1 when the broker answers and sends succeed", () -> publisher.available() ? 1 : 0);

        Vertx vertx = Vertx.vertx(new VertxOptions().setWorkerPoolSize(Math.max(8, settings.blobWorkerThreads() / 4)));
        Services services = new Services(settings, views, publisher, blobs, metrics, keys, new ConcurrentHashMap<>());
        AtomicReference<ApiRouter.Built> router = new AtomicReference<>();
        AtomicReference<Integer> port = new AtomicReference<>();
        try {
            vertx.deployVerticle(new PublisherVerticle(publisher))
                    .compose(id -> vertx.deployVerticle(new ViewsVerticle(views)))
                    .compose(id -> vertx.deployVerticle(() -> new HttpVerticle(services, router, port),
                            new DeploymentOptions().setInstances(settings.httpInstances())))
                    .await(60, TimeUnit.SECONDS);
        } catch (Exception e) {
            vertx.close().await(30, TimeUnit.SECONDS);
            throw e;
        }
        log.info("ingest up on {}:{} ({} API keys, blobs in {})", settings.host(), port.get(), keys.size(), blobs.describe());
        return new IngestApp(vertx, views, publisher, blobs, metrics, port.get(), router.get());
    }

    private static void ensureTopics(VoxConfig config) {
        try (Admin admin = Admin.create(KafkaSettings.common(config))) {
            int replication = TopicCatalogue.replicationFactor(config);
            TopicCatalogue.standard(replication).ensure(admin);
        }
    }

    public int port() {
        return port;
    }

    public Views views() {
        return views;
    }

    public Router router() {
        return router.router();
    }

    public IngestMetrics metrics() {
        return metrics;
    }

    /** Waits for the views to finish restoring; for tests and start-up scripts. */
    public boolean awaitReady(Duration timeout) throws InterruptedException {
        return views.awaitRunning(timeout);
    }

    @Override
    public void close() {
        try {
            vertx.close().await(60, TimeUnit.SECONDS); // undeploys: HTTP stops first, then the views and the producer
        } catch (Exception e) {
            log.warn("ingest did not stop cleanly: {}", e.toString());
        }
        try {
            blobs.close();
        } catch (Exception e) {
            log.debug("closing the blob store", e);
        }
        metrics.close();
    }
}
