package dev.voxpipe.trainer.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.voxpipe.core.serde.AvroWireDeserializer;
import dev.voxpipe.core.serde.AvroWireSerializer;
import dev.voxpipe.core.serde.InMemorySchemaRegistry;
import dev.voxpipe.core.topics.Topics;
import dev.voxpipe.schemas.DeadLetter;
import dev.voxpipe.core.messaging.VoiceGate;
import dev.voxpipe.schemas.TrainingJob;
import dev.voxpipe.schemas.TrainingProgress;
import dev.voxpipe.schemas.TrainingState;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.MockConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The trainer's poll loop on Kafka's MockConsumer: pause while a job runs, commit when it ends, cancel on revocation. */
class TrainingJobConsumerTest {

    private static final TopicPartition PARTITION = new TopicPartition(Topics.TRAINING_JOBS, 0);
    private static final Duration WAIT = Duration.ofSeconds(10);

    private final InMemorySchemaRegistry registry = new InMemorySchemaRegistry();
    private final AvroWireSerializer<SpecificRecord> values = new AvroWireSerializer<>(registry, true);
    private final MockConsumer<String, byte[]> consumer = new MockConsumer<>("earliest");
    private final MockProducer<String, SpecificRecord> producer = new MockProducer<>(true, null, new StringSerializer(), values);
    private TrainingJobConsumer loop;
    private PollLoopRun run;

    private final VoiceGate gate = new VoiceGate();

    private void start(TrainingJobConsumer.JobRun runner, ConsumerRecord<String, byte[]> first) {
        loop = new TrainingJobConsumer(consumer, new AvroWireDeserializer<>(registry, TrainingJob.class), runner, producer, gate, 1);
        run = PollLoopRun.start(loop, consumer, PARTITION, first);
    }

    @AfterEach
    void stop() throws InterruptedException {
        if (run == null) return;
        run.stop(WAIT);
        assertTrue(consumer.closed());
    }

    @Test
    void aRunningJobPausesItsPartitionAndIsCommittedOnlyWhenItEnds() throws Exception {
        CountDownLatch started = new CountDownLatch(1);
        CountDownLatch finish = new CountDownLatch(1);
        AtomicReference<String> ran = new AtomicReference<>();
        start((job, revoked) -> {
            ran.set(job.getJobId());
            started.countDown();
            await(finish);
            return TrainingJobRunner.Outcome.SUCCEEDED;
        }, record(0, job("job-1")));

        assertTrue(started.await(WAIT.toSeconds(), TimeUnit.SECONDS), "the job started");
        assertTrue(awaitCondition(() -> consumer.paused().contains(PARTITION)), "its partition is paused while it runs");
        assertTrue(consumer.committed(Set.of(PARTITION)).isEmpty(), "nothing committed while it runs");

        finish.countDown();
        assertTrue(awaitCondition(() -> consumer.committed(Set.of(PARTITION)).containsKey(PARTITION)), "committed when it ended");
        assertEquals(new OffsetAndMetadata(1), consumer.committed(Set.of(PARTITION)).get(PARTITION));
        assertTrue(awaitCondition(() -> consumer.paused().isEmpty()), "its partition resumes");
        assertEquals("job-1", ran.get());
        assertTrue(producer.history().isEmpty(), "a good job writes no dead letter");
    }

    @Test
    void aRecordThatIsNotAJobBecomesADeadLetterAndIsCommitted() throws Exception {
        AtomicBoolean ran = new AtomicBoolean();
        start((job, revoked) -> {
            ran.set(true);
            return TrainingJobRunner.Outcome.SUCCEEDED;
        }, new ConsumerRecord<>(PARTITION.topic(), 0, 0L, "job-x", new byte[] {0, 0, 0}));

        assertTrue(awaitCondition(() -> consumer.committed(Set.of(PARTITION)).containsKey(PARTITION)), "skipped and committed");
        assertEquals(2, producer.history().size());
        TrainingProgress failed = (TrainingProgress) producer.history().get(1).value();
        assertEquals("job-x", failed.getJobId(), "the dead-lettered job ends FAILED, not QUEUED forever");
        assertEquals(TrainingState.FAILED, failed.getState());
        assertTrue(failed.getMessage().contains("cannot be read"), failed.getMessage());
        DeadLetter letter = (DeadLetter) producer.history().get(0).value();
        assertEquals(Topics.DEAD_LETTERS, producer.history().get(0).topic());
        assertEquals("trainer-worker", letter.getStage());
        assertTrue(letter.getReason().contains("too short"), letter.getReason());
        assertFalse(ran.get(), "nothing was trained");
    }

    @Test
    void aRevokedPartitionCancelsItsJobBeforeTheRevocationCompletesAndCommitsNothing() throws Exception {
        CountDownLatch started = new CountDownLatch(1);
        AtomicBoolean sawRevocation = new AtomicBoolean();
        start((job, revoked) -> {
            started.countDown();
            while (!revoked.getAsBoolean()) Thread.onSpinWait();
            sawRevocation.set(true);
            return TrainingJobRunner.Outcome.CANCELLED;
        }, record(0, job("job-2")));
        assertTrue(started.await(WAIT.toSeconds(), TimeUnit.SECONDS));

        CountDownLatch revoked = new CountDownLatch(1);
        consumer.schedulePollTask(() -> {
            consumer.rebalance(List.of()); // another worker takes the partition
            revoked.countDown();
        });
        assertTrue(revoked.await(WAIT.toSeconds(), TimeUnit.SECONDS));

        assertTrue(sawRevocation.get(), "the job was cancelled inside the revocation, before it returned");
        assertTrue(consumer.committed(Set.of(PARTITION)).isEmpty(), "the next owner gets the job again");
    }

    @Test
    void aJobOfADeletedVoiceIsNeverStartedAndEndsFailedWithTheReason() throws Exception {
        gate.apply("v1", null); // the voice's tombstone
        AtomicBoolean ran = new AtomicBoolean();
        start((job, revoked) -> {
            ran.set(true);
            return TrainingJobRunner.Outcome.SUCCEEDED;
        }, record(0, job("job-3")));
        assertTrue(awaitCondition(() -> consumer.committed(Set.of(PARTITION)).get(PARTITION) != null), "the refused job is committed");
        assertEquals(1, consumer.committed(Set.of(PARTITION)).get(PARTITION).offset());
        assertFalse(ran.get(), "the job never ran");
        TrainingProgress failed = (TrainingProgress) producer.history().stream()
                .filter(r -> r.topic().equals(Topics.TRAINING_PROGRESS)).findFirst().orElseThrow().value();
        assertEquals(TrainingState.FAILED, failed.getState());
        assertEquals(VoiceGate.DELETED, failed.getMessage());
    }

    @Test
    void aRunningJobStopsWhenItsVoiceIsDeletedAndIsCommittedAsFailed() throws Exception {
        CountDownLatch started = new CountDownLatch(1);
        start((job, stop) -> {
            started.countDown();
            while (!stop.getAsBoolean()) Thread.onSpinWait();
            return TrainingJobRunner.Outcome.CANCELLED; // what the runner answers when told to stop
        }, record(0, job("job-4")));
        assertTrue(started.await(WAIT.toSeconds(), TimeUnit.SECONDS));
        assertEquals(null, consumer.committed(Set.of(PARTITION)).get(PARTITION), "nothing committed while it runs");
        gate.apply("v1", null);
        assertTrue(awaitCondition(() -> consumer.committed(Set.of(PARTITION)).get(PARTITION) != null), "committed once stopped");
        assertTrue(producer.history().stream().anyMatch(r -> r.topic().equals(Topics.TRAINING_PROGRESS)
                && ((TrainingProgress) r.value()).getState() == TrainingState.FAILED), "published FAILED");
    }

    private static boolean awaitCondition(BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) return false;
            Thread.sleep(5);
        }
        return true;
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await(WAIT.toSeconds(), TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private ConsumerRecord<String, byte[]> record(long offset, TrainingJob job) {
        return new ConsumerRecord<>(PARTITION.topic(), PARTITION.partition(), offset, job.getJobId(),
                values.serialize(Topics.TRAINING_JOBS, job));
    }

    private static TrainingJob job(String id) {
        return TrainingJob.newBuilder().setJobId(id).setTenantId("t1").setVoiceId("v1").setRequestedAt(Instant.EPOCH).build();
    }
}
