package dev.voxpipe.trainer;

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
import dev.voxpipe.schemas.TrainingJob;
import dev.voxpipe.trainer.data.VoiceFeatureIndex;
import dev.voxpipe.trainer.job.TrainingJobConsumer;
import dev.voxpipe.trainer.job.TrainingJobRunner;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.util.Properties;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * trainer-worker: consumes training jobs and fine-tunes per-voice models. Many instances share
 * the job topic as one consumer group; each runs {@code voxpipe.trainer.concurrent-jobs} at once.
 */
public final class TrainerWorkerApp implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(TrainerWorkerApp.class);

    private final VoiceFeatureIndex features;
    private final VoiceModelCatalog models;
    private final KafkaProducer<String, SpecificRecord> producer;
    private final TrainingJobConsumer consumer;
    private final Thread loop;
    private final MetricsServer metricsServer;

    public TrainerWorkerApp(VoxConfig config, VoiceModelRuntime runtime, BlobStore blobs,
                            PrometheusMeterRegistry metrics) throws Exception {
        TrainerWorkerConfig settings = TrainerWorkerConfig.from(config);
        SchemaRegistryClient registry = new HttpSchemaRegistryClient(SchemaRegistryConfig.from(config));
        Properties kafka = KafkaSettings.common(config);
        this.features = new VoiceFeatureIndex(kafka, registry).start();
        this.models = new VoiceModelCatalog(kafka, registry).start();
        this.producer = new KafkaProducer<>(KafkaSettings.durableProducer(config, settings.workerId()),
                new StringSerializer(), new AvroWireSerializer<>(registry, true));
        features.awaitCaughtUp(Duration.ofSeconds(60));
        models.awaitCaughtUp(Duration.ofSeconds(60));
        TrainingJobRunner runner = new TrainingJobRunner(runtime, blobs, features, models, producer, settings, metrics);
        this.consumer = new TrainingJobConsumer(kafka, settings.groupId(),
                new AvroWireDeserializer<>(registry, TrainingJob.class), runner, producer, settings.concurrentJobs());
        this.loop = new Thread(consumer, "trainer-poll");
        this.metricsServer = MetricsServer.start(metrics, settings.metricsPort(), loop::isAlive);
        loop.start();
        log.info("trainer-worker {} started", settings.workerId());
    }

    public static void main(String[] args) throws Exception {
        VoxConfig config = VoxConfig.fromEnvironment();
        VoiceModelRuntime runtime = VoiceModelRuntime.loadConfigured(config.find(VoiceModelRuntime.BASE_DIR_SETTING));
        BlobStore blobs = BlobStores.fromConfig(config);
        TrainerWorkerApp app = new TrainerWorkerApp(config, runtime, blobs, MetricsServer.newRegistry("trainer-worker"));
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            app.close();
            runtime.close();
        }, "trainer-shutdown"));
        app.loop.join();
    }

    @Override
    public void close() {
        consumer.close();
        try {
            loop.join(90_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        consumer.shutdownExecutor();
        producer.close(Duration.ofSeconds(10));
        features.close();
        models.close();
        metricsServer.close();
    }
}
