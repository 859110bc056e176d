package dev.voxpipe.trainer;

import dev.voxpipe.core.messaging.KafkaSettings;
import dev.voxpipe.core.messaging.VoiceGate;
import dev.voxpipe.core.messaging.VoiceModelCatalog;
import dev.voxpipe.core.serde.AvroWireDeserializer;
import dev.voxpipe.core.serde.AvroWireSerializer;
import dev.voxpipe.core.worker.LoopWorker;
import dev.voxpipe.core.worker.WorkerContext;
import dev.voxpipe.core.worker.WorkerMain;
import dev.voxpipe.model.VoiceModelRuntime;
import dev.voxpipe.schemas.TrainingJob;
import dev.voxpipe.trainer.data.VoiceFeatureIndex;
import dev.voxpipe.trainer.job.TrainingJobConsumer;
import dev.voxpipe.trainer.job.TrainingJobRunner;
import dev.voxpipe.trainer.carbon.CarbonIntensitySource;
import dev.voxpipe.trainer.carbon.CarbonScheduler;
import dev.voxpipe.trainer.energy.EnergyMeters;
import java.time.Clock;
import java.time.Duration;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * trainer-worker: {@link TrainerWorkerConfig} + the {@link TrainingJobConsumer} poll loop + its stages
 * ({@link TrainingJobRunner}, {@link VoiceFeatureIndex}, {@code JobLease}), on the worker skeleton.
 * Many instances share the job topic as one consumer group; each runs
 * {@code voxpipe.trainer.concurrent-jobs} at once.
 */
public final class TrainerWorkerApp {

    private static final Logger log = LoggerFactory.getLogger(TrainerWorkerApp.class);

    public static final String SERVICE = "trainer-worker";
    public static final int DEFAULT_METRICS_PORT = 9102;

    private TrainerWorkerApp() {}

    public static void main(String[] args) {
        WorkerMain.run(SERVICE, DEFAULT_METRICS_PORT, context -> start(context, context.own(
                VoiceModelRuntime.loadConfigured(context.config().find(VoiceModelRuntime.BASE_DIR_SETTING)))));
    }

    /** Fails the start (the process exits 1 and is restarted) when a view did not catch up. */
    static void requireCaughtUp(String view, boolean caughtUp) {
        if (!caughtUp) throw new IllegalStateException("the " + view + " view did not catch up within 60 s; not starting on a partial view");
    }

    public static LoopWorker start(WorkerContext context, VoiceModelRuntime runtime) throws InterruptedException {
        TrainerWorkerConfig settings = TrainerWorkerConfig.from(context.config());
        VoiceFeatureIndex features = new VoiceFeatureIndex(context.kafka(), context.registry()).start();
        VoiceModelCatalog models = new VoiceModelCatalog(context.kafka(), context.registry()).start();
        VoiceGate gate = new VoiceGate(context.kafka(), context.registry()).start();
        KafkaProducer<String, SpecificRecord> producer = new KafkaProducer<>(
                KafkaSettings.durableProducer(context.config(), settings.workerId()),
                new StringSerializer(), new AvroWireSerializer<>(context.registry(), true));
        AutoCloseable closeProducer = () -> producer.close(Duration.ofSeconds(10));
        try {
            // a worker on a partial view would retrain finished jobs and number versions twice: refuse to start
            requireCaughtUp("features", features.awaitCaughtUp(Duration.ofSeconds(60)));
            requireCaughtUp("models", models.awaitCaughtUp(Duration.ofSeconds(60)));
            requireCaughtUp("voices", gate.awaitCaughtUp(Duration.ofSeconds(60)));
            EnergyMeters energy = EnergyMeters.detect(settings.energyMeter(), settings.powercapDir(), settings.nvidiaSmi(),
                    ai.djl.engine.Engine.getInstance().getGpuCount() > 0);
            CarbonScheduler carbon = CarbonIntensitySource.fromSetting(settings.carbonForecast())
                    .map(source -> {
                        log.info("carbon-aware scheduling: jobs with a deadline wait for the cleanest window ({})", source.describe());
                        return new CarbonScheduler(source, Clock.systemUTC(), settings.carbonExpectedRun(), settings.carbonMinimumSaving());
                    })
                    .orElse(null);
            TrainingJobRunner runner = new TrainingJobRunner(runtime, context.blobs(), features, models, producer, settings,
                    context.metrics(), energy, carbon, Thread::sleep);
            TrainingJobConsumer consumer = new TrainingJobConsumer(context.kafka(), settings.groupId(),
                    new AvroWireDeserializer<>(context.registry(), TrainingJob.class), runner, producer, gate, settings.concurrentJobs(),
                    settings.retryPause());
            // A running job may take up to a minute to reach a checkpoint and stop.
            LoopWorker worker = LoopWorker.start(context, "trainer-poll", consumer, Duration.ofSeconds(90),
                    consumer::shutdownExecutor, runner, closeProducer, features, models, gate);
            log.info("trainer-worker {} started", settings.workerId());
            return worker;
        } catch (InterruptedException | RuntimeException e) {
            producer.close(Duration.ZERO);
            features.close();
            models.close();
            gate.close();
            throw e;
        }
    }
}
