package dev.voxpipe.ingest;

import dev.voxpipe.core.blob.BlobStore;
import dev.voxpipe.core.config.VoxConfig;
import dev.voxpipe.core.serde.SchemaRegistryClient;
import dev.voxpipe.core.worker.Worker;
import dev.voxpipe.core.worker.WorkerContext;
import dev.voxpipe.core.worker.WorkerMain;
import dev.voxpipe.ingest.api.ApiRouter;
import dev.voxpipe.ingest.api.Services;
import dev.voxpipe.ingest.api.TrainingClaims;
import dev.voxpipe.ingest.upload.UploadSlots;
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
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The ingest service: {@code java dev.voxpipe.ingest.IngestApp}, configured from the environment
 * (see README), on the worker skeleton's main. {@link #start} is also the embedded entry point for
 * tests and the launcher. It serves {@code /health/*} on its HTTP port, and {@code /metrics} with
 * {@code /health/*} on its management port (never the public one).
 */
public final class IngestApp implements Worker {

    public static final String SERVICE = "ingest";

    private static final Logger log = LoggerFactory.getLogger(IngestApp.class);

    private final Vertx vertx;
    private final Views views;
    private final EventPublisher publisher;
    private final BlobStore blobs;
    private final IngestMetrics metrics;
    private final int port;
    private final int managementPort;
    private final ApiRouter.Built router;
    private final WorkerContext ownedContext;
    private final CountDownLatch stopped = new CountDownLatch(1);

    private IngestApp(Vertx vertx, Views views, EventPublisher publisher, BlobStore blobs, IngestMetrics metrics,
                      int port, int managementPort, ApiRouter.Built router, WorkerContext ownedContext) {
        this.vertx = vertx;
        this.views = views;
        this.publisher = publisher;
        this.blobs = blobs;
        this.metrics = metrics;
        this.port = port;
        this.managementPort = managementPort;
        this.router = router;
        this.ownedContext = ownedContext;
    }

    public static void main(String[] args) {
        // No metrics server of the skeleton (-1): ingest serves /metrics on its own management port.
        WorkerMain.run(SERVICE, -1, IngestApp::start);
    }

    /** Starts ingest with its own blob store, closed with it; for tests. */
    public static IngestApp start(VoxConfig config) throws Exception {
        WorkerContext context = WorkerContext.standalone(config, SERVICE, -1);
        try {
            return start(context, context);
        } catch (Exception e) {
            context.close();
            throw e;
        }
    }

    /** Starts everything and waits until the HTTP port is bound (the views may still be restoring). */
    public static IngestApp start(WorkerContext context) throws Exception {
        return start(context, null);
    }

    private static IngestApp start(WorkerContext context, WorkerContext owned) throws Exception {
        VoxConfig config = context.config();
        IngestSettings settings = IngestSettings.from(config);
        ApiKeys keys = ApiKeys.load(settings.apiKeys(), settings.apiKeysFile(), settings.rateLimitPerSecond(), settings.rateLimitBurst());
        if (keys.size() == 0) log.warn("no API keys are configured: every /v1 request will be refused with 401");
        // Load the format sniffer now: a broken class path fails the start, not the first upload.
        dev.voxpipe.ingest.upload.FormatSniffing.sniff(new byte[dev.voxpipe.ingest.upload.FormatSniffing.HEAD_BYTES]);
        context.ensureTopics();
        SchemaRegistryClient registry = context.registry();
        IngestMetrics metrics = new IngestMetrics();
        BlobStore blobs = context.blobs();
        Views views = new Views(config, registry, settings.applicationId(), settings.stateDir(), settings.retryAfterSeconds());
        EventPublisher publisher = new EventPublisher(config, registry, settings.deliveryTimeout(),
                settings.brokerProbeInterval(), settings.retryAfterSeconds(), metrics);
        metrics.gauge("voxpipe.ingest.views.running", "1 when the Kafka Streams views are RUNNING", () -> views.running() ? 1 : 0);
        metrics.gauge("voxpipe.ingest.kafka.available", "1 when the broker answers and sends succeed", () -> publisher.available() ? 1 : 0);
        for (String stage : dev.voxpipe.ingest.views.DeadLetterView.STAGES) { // issue 17: dead letters counted per stage
            metrics.gauge("voxpipe.dead.letters." + stage.replace('-', '.'), "Dead letters on the topic (30 d retention) from " + stage,
                    () -> deadLetterCount(views, stage));
        }

        UploadSlots uploads = new UploadSlots(settings.maxConcurrentUploadsPerKey(), settings.maxConcurrentUploads());
        metrics.gauge("voxpipe.ingest.uploads.in.flight", "Uploads streaming now (each holds a blob thread)", uploads::inFlight);
        metrics.gauge("voxpipe.ingest.uploads.capacity", "Upload slots of this instance", uploads::capacity);
        metrics.gauge("voxpipe.ingest.uploads.saturated", "1 while every upload slot is taken (readiness is 503)",
                () -> uploads.saturated() ? 1 : 0);

        Vertx vertx = Vertx.vertx(new VertxOptions().setWorkerPoolSize(Math.max(8, settings.blobWorkerThreads() / 4)));
        Services services = new Services(settings, views, publisher, blobs, metrics, keys, new ConcurrentHashMap<>(),
                uploads, new TrainingClaims(), new dev.voxpipe.ingest.erase.Eraser(config, registry, blobs, views, publisher),
                new dev.voxpipe.ingest.api.Idempotency(views, publisher, settings.idempotencyTtl(), settings.retryAfterSeconds()));
        AtomicReference<ApiRouter.Built> router = new AtomicReference<>();
        AtomicReference<Integer> port = new AtomicReference<>();
        java.util.concurrent.atomic.AtomicInteger managementPort = new java.util.concurrent.atomic.AtomicInteger(-1);
        try {
            vertx.deployVerticle(new PublisherVerticle(publisher))
                    .compose(id -> vertx.deployVerticle(new ViewsVerticle(views)))
                    .compose(id -> settings.managementPort() < 0 ? io.vertx.core.Future.succeededFuture(id)
                            : vertx.deployVerticle(new ManagementVerticle(services, managementPort)))
                    .compose(id -> vertx.deployVerticle(() -> new HttpVerticle(services, router, port),
                            new DeploymentOptions().setInstances(settings.httpInstances())))
                    .await(60, TimeUnit.SECONDS);
            reloadKeysPeriodically(vertx, settings, keys);
            new dev.voxpipe.ingest.watchdog.StallWatchdog(dev.voxpipe.ingest.watchdog.StallWatchdog.Settings.from(config), views,
                    publisher).schedule(vertx); // issue 17: fails what stalls, with the reason
        } catch (Exception e) {
            vertx.close().await(30, TimeUnit.SECONDS);
            throw e;
        }
        log.info("ingest up on {}://{}:{}, management on {}:{} ({} API keys, blobs in {})", settings.tls() ? "https" : "http",
                settings.host(), port.get(),
                settings.managementHost(), managementPort.get(), keys.size(), blobs.describe());
        return new IngestApp(vertx, views, publisher, blobs, metrics, port.get(), managementPort.get(), router.get(), owned);
    }

    /** The dead letters of a stage counted by the view (0 while the views are not running). */
    private static long deadLetterCount(Views views, String stage) {
        try {
            if (!views.running()) return 0;
            var e = views.scan(dev.voxpipe.ingest.views.ViewStores.DEAD_LETTERS, "c/" + stage, null, 1);
            return e.isEmpty() || !e.get(0).getKey().equals("c/" + stage) ? 0 : Long.parseLong(e.get(0).getValue());
        } catch (RuntimeException e) {
            return 0;
        }
    }

    /**
     * Keys rotate without a restart: the key file (and the inline setting) are read again every
     * {@code api-keys-reload-interval}. A file that does not parse is logged and the keys in use stay.
     */
    private static void reloadKeysPeriodically(Vertx vertx, IngestSettings settings, ApiKeys keys) {
        if (settings.apiKeysFile() == null || settings.apiKeysFile().isBlank()) return;
        long interval = Math.max(100, settings.apiKeysReloadInterval().toMillis());
        vertx.setPeriodic(interval, id -> vertx.executeBlocking(() -> {
            try {
                if (keys.reload(settings.apiKeys(), settings.apiKeysFile(), settings.rateLimitPerSecond(), settings.rateLimitBurst())) {
                    log.info("API keys reloaded from {}: {} keys", settings.apiKeysFile(), keys.size());
                }
            } catch (RuntimeException e) {
                log.error("API key file {} not reloaded, the keys in use stay: {}", settings.apiKeysFile(), e.getMessage());
            }
            return null;
        }, false));
    }

    public int port() {
        return port;
    }

    /** The port of /metrics and /health/*; -1 when disabled. */
    public int managementPort() {
        return managementPort;
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
    public boolean live() {
        return stopped.getCount() > 0;
    }

    @Override
    public boolean ready() {
        return views.running();
    }

    @Override
    public void awaitStopped() throws InterruptedException {
        stopped.await();
    }

    @Override
    public void close() {
        if (stopped.getCount() == 0) return;
        try {
            vertx.close().await(60, TimeUnit.SECONDS); // undeploys: HTTP stops first, then the views and the producer
        } catch (Exception e) {
            log.warn("ingest did not stop cleanly: {}", e.toString());
        }
        if (ownedContext != null) ownedContext.close(); // the blob store, when ingest opened it
        metrics.close();
        stopped.countDown();
    }
}
