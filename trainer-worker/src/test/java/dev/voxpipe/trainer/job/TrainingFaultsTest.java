package dev.voxpipe.trainer.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.voxpipe.core.blob.BlobStore;
import dev.voxpipe.core.blob.FileSystemBlobStore;
import dev.voxpipe.core.blob.OutageBlobStore;
import dev.voxpipe.core.config.VoxConfig;
import dev.voxpipe.core.messaging.VoiceGate;
import dev.voxpipe.core.messaging.VoiceModelCatalog;
import dev.voxpipe.core.serde.AvroWireDeserializer;
import dev.voxpipe.core.serde.AvroWireSerializer;
import dev.voxpipe.core.serde.InMemorySchemaRegistry;
import dev.voxpipe.core.topics.Topics;
import dev.voxpipe.schemas.TrainingJob;
import dev.voxpipe.schemas.TrainingProgress;
import dev.voxpipe.schemas.TrainingState;
import dev.voxpipe.schemas.VoiceModelReady;
import dev.voxpipe.schemas.common.BlobRef;
import dev.voxpipe.trainer.TrainerWorkerConfig;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.MockConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 17 on the trainer: a broker outage longer than the publish timeout (failing commits and
 * publications) never ends the poll loop; a transient fault reruns the job instead of failing it; a
 * blob-store outage when a job starts is waited out; a redelivered finished job publishes SUCCEEDED
 * again and no second model.
 */
class TrainingFaultsTest {

    private static final TopicPartition PARTITION = new TopicPartition(Topics.TRAINING_JOBS, 0);
    private static final Duration WAIT = Duration.ofSeconds(10);

    @TempDir
    Path dir;

    private final InMemorySchemaRegistry registry = new InMemorySchemaRegistry();
    private final AvroWireSerializer<SpecificRecord> values = new AvroWireSerializer<>(registry, true);
    private final MockProducer<String, SpecificRecord> producer = new MockProducer<>(true, null, new StringSerializer(), values);
    private final AtomicInteger commitFailures = new AtomicInteger();
    /** A consumer whose commits time out while {@code commitFailures} > 0, like a broker that is away. */
    private final MockConsumer<String, byte[]> consumer = new MockConsumer<>("earliest") {
        @Override
        public synchronized void commitSync(Map<TopicPartition, OffsetAndMetadata> offsets, Duration timeout) {
            if (commitFailures.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
                throw new TimeoutException("Timeout of 10000ms expired before successfully committing offsets");
            }
            super.commitSync(offsets, timeout);
        }
    };
    private TrainingJobConsumer loop;
    private PollLoopRun run;

    private void start(TrainingJobConsumer.JobRun runner, ConsumerRecord<String, byte[]> first) {
        loop = new TrainingJobConsumer(consumer, new AvroWireDeserializer<>(registry, TrainingJob.class), runner, producer,
                new VoiceGate(), 1, Duration.ofMillis(50));
        run = PollLoopRun.start(loop, consumer, PARTITION, first);
    }

    @AfterEach
    void stop() throws InterruptedException {
        if (run == null) return;
        run.stop(WAIT);
    }

    @Test
    void failingCommitsDuringABrokerOutageNeverEndThePollLoop() throws Exception {
        commitFailures.set(5);
        AtomicInteger runs = new AtomicInteger();
        start((job, revoked) -> {
            runs.incrementAndGet();
            return TrainingJobRunner.Outcome.SUCCEEDED;
        }, record(0, job("job-c")));

        assertTrue(awaitCondition(() -> commitFailures.get() == 0), "the commit was retried through the outage");
        assertTrue(awaitCondition(() -> new OffsetAndMetadata(1).equals(consumer.committed(Set.of(PARTITION)).get(PARTITION))),
                "the commit landed once the broker was back");
        assertTrue(run.alive() && loop.polling(), "the poll loop survived the failed commits");
        assertEquals(1, runs.get(), "the job ran once");
    }

    @Test
    void aDeadLetterThatCannotBePublishedIsRetriedNotLostAndTheLoopLives() throws Exception {
        producer.sendException = new TimeoutException("Expiring 1 record(s): 30000 ms has passed since batch creation");
        start((job, revoked) -> TrainingJobRunner.Outcome.SUCCEEDED,
                new ConsumerRecord<>(PARTITION.topic(), 0, 0L, "job-x", new byte[] {0, 0, 0}));
        assertTrue(awaitCondition(() -> consumer.paused().contains(PARTITION)), "rewound and paused while the broker is away");
        assertTrue(consumer.committed(Set.of(PARTITION)).isEmpty(), "nothing committed while the letter is unwritten");
        assertTrue(run.alive());
        producer.sendException = null;
        redeliverWhenResumed(new ConsumerRecord<>(PARTITION.topic(), 0, 0L, "job-x", new byte[] {0, 0, 0}));
        assertTrue(awaitCondition(() -> consumer.committed(Set.of(PARTITION)).containsKey(PARTITION)), "written and committed later");
        assertEquals(1, producer.history().stream().filter(r -> r.topic().equals(Topics.DEAD_LETTERS)).count());
    }

    @Test
    void aJobEndingInRetryRunsAgainAndIsCommittedOnce() throws Exception {
        AtomicInteger runs = new AtomicInteger();
        ConsumerRecord<String, byte[]> rec = record(0, job("job-r"));
        start((job, revoked) -> {
            if (runs.incrementAndGet() > 1) return TrainingJobRunner.Outcome.SUCCEEDED;
            redeliverWhenResumed(rec);
            return TrainingJobRunner.Outcome.RETRY;
        }, rec);
        assertTrue(awaitCondition(() -> consumer.committed(Set.of(PARTITION)).containsKey(PARTITION)), "committed after the rerun");
        assertEquals(2, runs.get(), "ran again after the transient fault, not failed");
        assertEquals(new OffsetAndMetadata(1), consumer.committed(Set.of(PARTITION)).get(PARTITION));
    }

    @Test
    void aJobThatCrashesOnATransientFaultRunsAgain() throws Exception {
        AtomicInteger runs = new AtomicInteger();
        ConsumerRecord<String, byte[]> rec = record(0, job("job-t"));
        start((job, revoked) -> {
            if (runs.incrementAndGet() == 1) redeliverWhenResumed(rec);
            if (runs.get() == 1) throw new IllegalStateException("cannot publish to voxpipe.training.progress",
                    new java.util.concurrent.ExecutionException(new TimeoutException("no broker")));
            return TrainingJobRunner.Outcome.SUCCEEDED;
        }, rec);
        assertTrue(awaitCondition(() -> consumer.committed(Set.of(PARTITION)).containsKey(PARTITION)));
        assertEquals(2, runs.get());
    }

    // ---------------------------------------------------------------- the runner

    private TrainerWorkerConfig config() {
        return TrainerWorkerConfig.from(VoxConfig.of(Map.of("voxpipe.trainer.worker-id", "trainer-test",
                "voxpipe.retry.initial-backoff", "5ms", "voxpipe.retry.max-backoff", "20ms", "voxpipe.retry.max-wait", "200ms")));
    }

    private VoiceModelCatalog catalog() {
        Properties kafka = new Properties();
        kafka.put("bootstrap.servers", "127.0.0.1:1"); // never started: the test fills it with remember()
        return new VoiceModelCatalog(kafka, registry);
    }

    @Test
    void aRedeliveredFinishedJobPublishesSucceededAgainAndNoSecondModel() throws Exception {
        try (BlobStore blobs = new FileSystemBlobStore(dir); VoiceModelCatalog models = catalog()) {
            VoiceModelReady published = VoiceModelReady.newBuilder().setTenantId("t1").setVoiceId("v1").setJobId("job-done")
                    .setVersion(3).setBaseModel("base").setCheckpoint(BlobRef.newBuilder().setKey("models/t1/v1/job-done.delta")
                            .setSha256("00").setSizeBytes(1).setContentType("x").build())
                    .setMetrics(Map.of("finalLoss", 0.5, "steps", 200.0)).setEventTime(Instant.EPOCH).build();
            models.remember(published);
            TrainingJobRunner runner = new TrainingJobRunner(null, blobs, null, models, producer, config(), new SimpleMeterRegistry());

            assertEquals(TrainingJobRunner.Outcome.ALREADY_DONE, runner.run(job("job-done"), () -> false));
            assertEquals(TrainingJobRunner.Outcome.ALREADY_DONE, runner.run(job("job-done"), () -> false), "and again");

            assertTrue(producer.history().stream().noneMatch(r -> r.topic().equals(Topics.MODELS_READY)), "no second model");
            List<TrainingProgress> progress = producer.history().stream().filter(r -> r.topic().equals(Topics.TRAINING_PROGRESS))
                    .map(r -> (TrainingProgress) r.value()).toList();
            assertEquals(2, progress.size());
            for (TrainingProgress p : progress) {
                assertEquals(TrainingState.SUCCEEDED, p.getState());
                assertEquals("model version 3 ready", p.getMessage());
                assertEquals(200, p.getStep());
            }
        }
    }

    @Test
    void aBlobStoreOutageWhenAJobStartsIsWaitedOutNotFailed() throws Exception {
        try (FileSystemBlobStore store = new FileSystemBlobStore(dir); VoiceModelCatalog models = catalog()) {
            OutageBlobStore flaky = new OutageBlobStore(store);
            AtomicBoolean down = flaky.down();
            down.set(true);
            TrainingJobRunner runner = new TrainingJobRunner(null, flaky, null, models, producer, config(), new SimpleMeterRegistry());
            assertEquals(TrainingJobRunner.Outcome.RETRY, runner.run(job("job-b"), () -> false));
            assertTrue(producer.history().stream().noneMatch(r -> r.value() instanceof TrainingProgress p
                    && p.getState() == TrainingState.FAILED), "a blob-store outage does not fail the job");
            down.set(false);
            // once the store is back the lease is taken (the job then goes on to train)
            JobLease lease = JobLease.acquire(flaky, "job-b", 0, "trainer-test");
            assertEquals(1, lease.epoch());
        }
    }

    /**
     * MockConsumer hands a record out once; a real consumer rewound by seek fetches it again. Re-adds
     * {@code record} as soon as its partition is resumed after the rewind.
     */
    private void redeliverWhenResumed(ConsumerRecord<String, byte[]> record) {
        consumer.schedulePollTask(() -> {
            if (consumer.paused().contains(PARTITION)) redeliverWhenResumed(record);
            else consumer.addRecord(record);
        });
    }

    private static boolean awaitCondition(BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) return false;
            Thread.sleep(5);
        }
        return true;
    }

    private ConsumerRecord<String, byte[]> record(long offset, TrainingJob job) {
        return new ConsumerRecord<>(PARTITION.topic(), PARTITION.partition(), offset, job.getJobId(),
                values.serialize(Topics.TRAINING_JOBS, job));
    }

    private static TrainingJob job(String id) {
        return TrainingJob.newBuilder().setJobId(id).setTenantId("t1").setVoiceId("v1").setRequestedAt(Instant.EPOCH).build();
    }
}
