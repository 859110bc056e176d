package dev.voxpipe.synth;

import dev.voxpipe.core.serde.HttpSchemaRegistryClient;
import dev.voxpipe.core.blob.BlobStore;
import dev.voxpipe.core.blob.BlobStores;
import dev.voxpipe.core.config.VoxConfig;
import dev.voxpipe.core.messaging.KafkaSettings;
import dev.voxpipe.core.messaging.VoiceModelCatalog;
import dev.voxpipe.core.metrics.MetricsServer;
import dev.voxpipe.core.serde.AvroWireDeserializer;
import dev.voxpipe.core.serde.AvroWireSerializer;
import dev.voxpipe.core.serde.SchemaRegistryClient;
import dev.voxpipe.core.serde.SchemaRegistryConfig;
import dev.voxpipe.model.VoiceModelRuntime;
import dev.voxpipe.schemas.SynthesisChunk;
import dev.voxpipe.synth.chunk.ChunkConsumerLoop;
import dev.voxpipe.synth.chunk.ChunkSynthesizer;
import dev.voxpipe.synth.voice.VoiceCache;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.util.Properties;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * synth-worker: synthesises chunks in the voice of each chunk's request. The base model is
 * loaded once per process; per-voice deltas come through an LRU cache bounded by bytes.
 */
public final class SynthWorkerApp implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(SynthWorkerApp.class);

    private final VoiceModelCatalog models;
    private final ChunkConsumerLoop loop;
    private final Thread thread;
    private final MetricsServer metricsServer;

    public SynthWorkerApp(VoxConfig config, VoiceModelRuntime runtime, BlobStore blobs, PrometheusMeterRegistry metrics)
            throws Exception {
        SynthWorkerConfig settings = SynthWorkerConfig.from(config);
        SchemaRegistryClient registry = new HttpSchemaRegistryClient(SchemaRegistryConfig.from(config));
        Properties kafka = KafkaSettings.common(config);
        this.models = new VoiceModelCatalog(kafka, registry).start();
        models.awaitCaughtUp(Duration.ofSeconds(60));
        VoiceCache voices = new VoiceCache(blobs, settings.voiceCacheBytes(), metrics);
        ChunkSynthesizer synthesizer = new ChunkSynthesizer(runtime, models, voices, blobs, settings.workerId(),
                settings.attemptsPerChunk(), settings.modelWait(), metrics);
        this.loop = new ChunkConsumerLoop(kafka, settings.groupId(), settings.workerId(),
                new AvroWireDeserializer<>(registry, SynthesisChunk.class), new AvroWireSerializer<>(registry, true),
                synthesizer, settings.maxBatchChunks());
        this.thread = new Thread(loop, "synth-poll");
        this.metricsServer = MetricsServer.start(metrics, settings.metricsPort(), loop::isPolling);
        thread.start();
        log.info("synth-worker {} started with base model {}", settings.workerId(), runtime.baseModelId());
    }

    public static void main(String[] args) throws Exception {
        VoxConfig config = VoxConfig.fromEnvironment();
        VoiceModelRuntime runtime = VoiceModelRuntime.loadConfigured(config.find(VoiceModelRuntime.BASE_DIR_SETTING));
        SynthWorkerApp app = new SynthWorkerApp(config, runtime, BlobStores.fromConfig(config),
                MetricsServer.newRegistry("synth-worker"));
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            app.close();
            runtime.close();
        }, "synth-shutdown"));
        app.thread.join();
    }

    @Override
    public void close() {
        loop.close();
        try {
            thread.join(60_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        models.close();
        metricsServer.close();
    }
}
