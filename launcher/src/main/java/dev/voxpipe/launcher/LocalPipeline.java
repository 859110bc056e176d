package dev.voxpipe.launcher;

import dev.voxpipe.core.blob.BlobStore;
import dev.voxpipe.core.blob.BlobStores;
import dev.voxpipe.core.config.VoxConfig;
import dev.voxpipe.core.serde.HttpSchemaRegistryClient;
import dev.voxpipe.core.serde.SchemaRegistryConfig;
import dev.voxpipe.core.topics.TopicCatalogue;
import dev.voxpipe.core.worker.WorkerContext;
import dev.voxpipe.feature.app.FeatureWorkerApp;
import dev.voxpipe.ingest.IngestApp;
import dev.voxpipe.ingest.auth.ApiKeys;
import dev.voxpipe.localstack.LocalStack;
import dev.voxpipe.model.VoiceModelRuntime;
import dev.voxpipe.synth.SynthWorkerApp;
import dev.voxpipe.synth.audiobook.AudiobookApp;
import dev.voxpipe.trainer.TrainerWorkerApp;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;

/**
 * Every VoxPipe worker in one process against a local stack: ingest, the feature worker, the
 * trainer, the synth worker and the audiobook flow. Production runs each as its own service
 * (see compose/); the code paths are the same.
 */
public final class LocalPipeline implements AutoCloseable {

    private final List<AutoCloseable> running = new ArrayList<>();
    private final IngestApp ingest;
    private final String apiKey;
    private final Map<String, String> settings;

    private LocalPipeline(Map<String, String> settings, IngestApp ingest, String apiKey, List<AutoCloseable> running) {
        this.settings = settings;
        this.ingest = ingest;
        this.apiKey = apiKey;
        this.running.addAll(running);
    }

    /** The settings every worker of the local pipeline shares; {@code extra} overrides any of them. */
    public static Map<String, String> settings(LocalStack stack, Path dataDir, String apiKeyHash, Map<String, String> extra) {
        Map<String, String> values = new HashMap<>();
        values.put("voxpipe.kafka.bootstrap", stack.bootstrapServers());
        values.put("voxpipe.registry.url", stack.registryUrl());
        values.put("voxpipe.blob.store", "fs");
        values.put("voxpipe.blob.root", dataDir.resolve("blobs").toString());
        values.put("voxpipe.metrics.port", "-1"); // one process: ingest's /metrics (its management port) serves
        values.put("voxpipe.ingest.management-port", System.getenv().getOrDefault("VOXPIPE_INGEST_MANAGEMENT_PORT", "0"));
        values.put("voxpipe.ingest.host", "127.0.0.1");
        values.put("voxpipe.ingest.port", System.getenv().getOrDefault("VOXPIPE_INGEST_PORT", "0"));
        values.put("voxpipe.ingest.api-keys", apiKeyHash + " local");
        values.put("voxpipe.ingest.state-dir", dataDir.resolve("state/ingest").toString());
        values.put("voxpipe.feature.state-dir", dataDir.resolve("state/feature").toString());
        values.put("voxpipe.feature.threads", "2");
        values.put("voxpipe.audiobook.state-dir", dataDir.resolve("state/audiobook").toString());
        values.putAll(extra);
        return Map.copyOf(values);
    }

    /** The workers this process can run; a test may run some of them as separate processes. */
    public enum Worker { FEATURE, TRAINER, SYNTH, AUDIOBOOK }

    public static LocalPipeline start(LocalStack stack, Path dataDir, VoiceModelRuntime runtime,
                                      Map<String, String> extra) throws Exception {
        return start(stack, dataDir, runtime, extra, EnumSet.allOf(Worker.class));
    }

    public static LocalPipeline start(LocalStack stack, Path dataDir, VoiceModelRuntime runtime,
                                      Map<String, String> extra, Set<Worker> workers) throws Exception {
        String apiKey = newApiKey();
        Map<String, String> settings = settings(stack, dataDir, ApiKeys.sha256Hex(apiKey), extra);
        // The launcher owns the wiring (broker, registry, blobs, state, keys); every other setting comes from the
        // environment, system properties or VOXPIPE_CONFIG, as it does for the services (compose/README.md).
        VoxConfig config = VoxConfig.fromEnvironment().withAll(settings);
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, stack.bootstrapServers()))) {
            TopicCatalogue.standard(1).ensure(admin);
        }
        SchemaPublisher.registerAll(new HttpSchemaRegistryClient(SchemaRegistryConfig.of(stack.registryUrl())));
        BlobStore blobs = BlobStores.fromConfig(config);
        List<AutoCloseable> started = new ArrayList<>();
        started.add(blobs); // closed last
        try {
            // Every worker starts the same way: its skeleton context over the shared blob store.
            if (workers.contains(Worker.FEATURE)) {
                started.add(FeatureWorkerApp.start(context(config, FeatureWorkerApp.SERVICE, blobs)));
            }
            if (workers.contains(Worker.TRAINER)) {
                started.add(TrainerWorkerApp.start(context(config, TrainerWorkerApp.SERVICE, blobs), runtime));
            }
            if (workers.contains(Worker.SYNTH)) {
                started.add(SynthWorkerApp.start(context(config, SynthWorkerApp.SERVICE, blobs), runtime));
            }
            if (workers.contains(Worker.AUDIOBOOK)) {
                started.add(AudiobookApp.start(context(config, AudiobookApp.SERVICE, blobs)));
            }
            IngestApp ingest = IngestApp.start(context(config, IngestApp.SERVICE, blobs));
            started.add(ingest);
            if (!ingest.awaitReady(Duration.ofSeconds(90))) {
                throw new IllegalStateException("ingest did not become ready within 90 s");
            }
            return new LocalPipeline(settings, ingest, apiKey, started);
        } catch (Exception e) {
            closeAll(started);
            throw e;
        }
    }

    // voxpipe.metrics.port is -1 in the settings: one process, no metrics server per worker.
    private static WorkerContext context(VoxConfig config, String service, BlobStore blobs) {
        return WorkerContext.sharingBlobs(config, service, -1, blobs);
    }

    public String baseUrl() {
        return "http://127.0.0.1:" + ingest.port();
    }

    /**
     * Waits until every worker of this process reports ready (a Streams app RUNNING, a poll loop
     * polling); returns the names of those that are not when the time is up.
     */
    public List<String> awaitWorkersReady(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            List<String> waiting = new ArrayList<>();
            for (AutoCloseable c : running) {
                if (c instanceof dev.voxpipe.core.worker.Worker w && !w.ready()) waiting.add(c.getClass().getSimpleName());
            }
            if (waiting.isEmpty() || System.nanoTime() > deadline) return waiting;
            Thread.sleep(100);
        }
    }

    /** The HTTP port ingest bound. */
    public int port() {
        return ingest.port();
    }

    public String apiKey() {
        return apiKey;
    }

    /** What a worker in another process needs to join this pipeline. */
    public Map<String, String> settings() {
        return settings;
    }

    static String newApiKey() {
        byte[] bytes = new byte[24];
        new SecureRandom().nextBytes(bytes);
        return "vxp_" + HexFormat.of().formatHex(bytes);
    }

    private static void closeAll(List<AutoCloseable> started) {
        // Front door first, then the stages behind it.
        for (int i = started.size() - 1; i >= 0; i--) {
            try {
                started.get(i).close();
            } catch (Exception ignored) {
                // keep closing the rest
            }
        }
    }

    @Override
    public void close() {
        closeAll(running);
    }
}
