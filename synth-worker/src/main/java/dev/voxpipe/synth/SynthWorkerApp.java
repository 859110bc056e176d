package dev.voxpipe.synth;

import dev.voxpipe.core.messaging.VoiceGate;
import dev.voxpipe.core.messaging.VoiceModelCatalog;
import dev.voxpipe.core.serde.AvroWireDeserializer;
import dev.voxpipe.core.serde.AvroWireSerializer;
import dev.voxpipe.core.worker.LoopWorker;
import dev.voxpipe.core.worker.WorkerContext;
import dev.voxpipe.core.worker.WorkerMain;
import dev.voxpipe.model.VoiceModelRuntime;
import dev.voxpipe.schemas.SynthesisChunk;
import dev.voxpipe.synth.chunk.ChunkConsumerLoop;
import dev.voxpipe.synth.chunk.ChunkSynthesizer;
import dev.voxpipe.synth.voice.VoiceCache;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * synth-worker: {@link SynthWorkerConfig} + the {@link ChunkConsumerLoop} (consume, synthesise,
 * produce in one transaction) + its stages {@link ChunkSynthesizer} and {@link VoiceCache}, on the
 * worker skeleton. The base model is loaded once per process; per-voice deltas come through an LRU
 * cache bounded by bytes.
 */
public final class SynthWorkerApp {

    private static final Logger log = LoggerFactory.getLogger(SynthWorkerApp.class);

    public static final String SERVICE = "synth-worker";
    public static final int DEFAULT_METRICS_PORT = 9103;

    private SynthWorkerApp() {}

    public static void main(String[] args) {
        WorkerMain.run(SERVICE, DEFAULT_METRICS_PORT, context -> start(context, context.own(
                VoiceModelRuntime.loadConfigured(context.config().find(VoiceModelRuntime.BASE_DIR_SETTING)))));
    }

    public static LoopWorker start(WorkerContext context, VoiceModelRuntime runtime) throws InterruptedException {
        SynthWorkerConfig settings = SynthWorkerConfig.from(context.config());
        VoiceModelCatalog models = new VoiceModelCatalog(context.kafka(), context.registry()).start();
        VoiceGate gate = new VoiceGate(context.kafka(), context.registry()).start();
        try {
            if (!models.awaitCaughtUp(Duration.ofSeconds(60)) || !gate.awaitCaughtUp(Duration.ofSeconds(60))) {
                throw new IllegalStateException("the models or voices view did not catch up within 60 s; not starting on a partial view");
            }
            VoiceCache voices = new VoiceCache(context.blobs(), settings.voiceCacheBytes(), context.metrics());
            ChunkSynthesizer synthesizer = new ChunkSynthesizer(runtime, models, gate, voices, context.blobs(), settings.workerId(),
                    settings.attemptsPerChunk(), settings.modelWait(), context.metrics(),
                    dev.voxpipe.core.fault.Retry.Policy.from(context.config()));
            ChunkConsumerLoop loop = new ChunkConsumerLoop(context.kafka(), settings.groupId(), settings.workerId(),
                    new AvroWireDeserializer<>(context.registry(), SynthesisChunk.class),
                    new AvroWireSerializer<>(context.registry(), true), synthesizer, settings.maxBatchChunks(),
                    settings.transactionTimeout(), settings.retryPause());
            LoopWorker worker = LoopWorker.start(context, "synth-poll", loop, Duration.ofSeconds(60), models, gate);
            log.info("synth-worker {} started with base model {}", settings.workerId(), runtime.baseModelId());
            return worker;
        } catch (InterruptedException | RuntimeException e) {
            models.close();
            gate.close();
            throw e;
        }
    }
}
