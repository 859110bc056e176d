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
import dev.voxpipe.synth.chunk.ProgressSignal;
import dev.voxpipe.core.messaging.KafkaSettings;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.StringSerializer;
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

    /**
     * The progress signal's producer: outside the transactions, acks=1, and never holding the synth
     * loop more than a moment when the broker is away (a lost signal only delays progress).
     */
    static java.util.Properties progressProducer(WorkerContext context, String workerId) {
        java.util.Properties props = KafkaSettings.common(context.config());
        props.put(ProducerConfig.CLIENT_ID_CONFIG, workerId + "-progress");
        props.put(ProducerConfig.ACKS_CONFIG, "1");
        props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, false);
        props.put(ProducerConfig.LINGER_MS_CONFIG, 0);
        props.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 500);
        props.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 30_000);
        props.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 10_000);
        return props;
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
            ProgressSignal progress = new ProgressSignal(new KafkaProducer<>(progressProducer(context, settings.workerId()),
                    new StringSerializer(), new AvroWireSerializer<>(context.registry(), true)), context.metrics());
            synthesizer.withProgress(progress, settings.renderSliceChunks());
            ChunkConsumerLoop loop = new ChunkConsumerLoop(context.kafka(), settings.groupId(), settings.workerId(),
                    new AvroWireDeserializer<>(context.registry(), SynthesisChunk.class),
                    new AvroWireSerializer<>(context.registry(), true), synthesizer, settings.maxBatchChunks(),
                    settings.transactionTimeout(), settings.retryPause());
            LoopWorker worker = LoopWorker.start(context, "synth-poll", loop, Duration.ofSeconds(60), progress, models, gate);
            log.info("synth-worker {} started with base model {}", settings.workerId(), runtime.baseModelId());
            return worker;
        } catch (InterruptedException | RuntimeException e) {
            models.close();
            gate.close();
            throw e;
        }
    }
}
