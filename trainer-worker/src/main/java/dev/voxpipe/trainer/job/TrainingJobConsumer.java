package dev.voxpipe.trainer.job;

import dev.voxpipe.core.messaging.DeadLetters;
import dev.voxpipe.core.messaging.KafkaSettings;
import dev.voxpipe.core.messaging.VoiceGate;
import dev.voxpipe.core.serde.AvroWireDeserializer;
import dev.voxpipe.core.topics.Topics;
import dev.voxpipe.core.worker.PollLoop;
import dev.voxpipe.schemas.DeadLetter;
import dev.voxpipe.schemas.TrainingJob;
import dev.voxpipe.schemas.TrainingProgress;
import dev.voxpipe.schemas.TrainingState;
import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.clients.consumer.CommitFailedException;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.errors.RebalanceInProgressException;
import org.apache.kafka.common.errors.WakeupException;
import dev.voxpipe.core.fault.Faults;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The trainer's poll loop. A job runs on a worker thread while the loop keeps polling with the
 * job's partition paused, so a job of any length never trips {@code max.poll.interval.ms}. The
 * job's offset is committed only when it ends, so after a crash or a rebalance the next owner
 * of the partition gets the job again and resumes from its last checkpoint. A partition revoked
 * mid-job cancels the job before the revocation completes: never two workers on one job.
 *
 * <p>Faults (issue 17): a job that ends in {@code RETRY} (a transient fault outlasted its retries) is
 * not committed; its partition is rewound to it and stays paused for {@code retryPause}, then the job
 * runs again (from its checkpoint). A commit or a publication that fails because the broker is away
 * never ends the loop: a failed commit is kept and retried on every turn of the loop until it lands
 * (or the partition moved to another worker, which then gets the job again and, the model being
 * published, only publishes SUCCEEDED again).
 */
public final class TrainingJobConsumer implements PollLoop {

    private static final Logger log = LoggerFactory.getLogger(TrainingJobConsumer.class);

    /** Runs one job to its end, or until {@code revoked} says its partition went to another worker. */
    @FunctionalInterface
    public interface JobRun {
        TrainingJobRunner.Outcome run(TrainingJob job, BooleanSupplier revoked);
    }

    private final Consumer<String, byte[]> consumer;
    private final Deserializer<TrainingJob> jobs;
    private final JobRun runner;
    private final Producer<String, SpecificRecord> producer;
    private final VoiceGate gate;
    private final int concurrentJobs;
    private final ExecutorService executor;
    private final Map<TopicPartition, RunningJob> running = new HashMap<>();
    /** Partitions rewound to a job that runs again once its pause is over (System.nanoTime deadline). */
    private final Map<TopicPartition, Long> waiting = new HashMap<>();
    /** Commits that failed (the broker was away); retried every turn of the loop. */
    private final Map<TopicPartition, OffsetAndMetadata> pendingCommits = new HashMap<>();
    private final Duration retryPause;
    private long lastCommitWarning;
    private final AtomicBoolean stopping = new AtomicBoolean();
    private volatile boolean polling;

    private record RunningJob(TrainingJob job, long offset, Future<TrainingJobRunner.Outcome> future,
                              AtomicBoolean revoked) {}

    public TrainingJobConsumer(Properties kafka, String groupId, AvroWireDeserializer<TrainingJob> jobs,
                               TrainingJobRunner runner, Producer<String, SpecificRecord> producer, VoiceGate gate,
                               int concurrentJobs, Duration retryPause) {
        this(new KafkaConsumer<>(KafkaSettings.workerConsumer(kafka, groupId, 1), new StringDeserializer(), new ByteArrayDeserializer()),
                jobs, runner::run, producer, gate, concurrentJobs, retryPause);
    }

    /** On a given consumer (tests use Kafka's MockConsumer), with no voice ever refused. */
    public TrainingJobConsumer(Consumer<String, byte[]> consumer, Deserializer<TrainingJob> jobs, JobRun runner,
                               Producer<String, SpecificRecord> producer, int concurrentJobs) {
        this(consumer, jobs, runner, producer, new VoiceGate(), concurrentJobs);
    }

    /**
     * @param gate voices whose work is refused (deleted, consent revoked): such a job is never
     *        started, and a running one is stopped; either ends FAILED with the reason
     */
    public TrainingJobConsumer(Consumer<String, byte[]> consumer, Deserializer<TrainingJob> jobs, JobRun runner,
                               Producer<String, SpecificRecord> producer, VoiceGate gate, int concurrentJobs) {
        this(consumer, jobs, runner, producer, gate, concurrentJobs, Duration.ofSeconds(10));
    }

    /** @param retryPause how long a job that ended in RETRY waits before it runs again */
    public TrainingJobConsumer(Consumer<String, byte[]> consumer, Deserializer<TrainingJob> jobs, JobRun runner,
                               Producer<String, SpecificRecord> producer, VoiceGate gate, int concurrentJobs,
                               Duration retryPause) {
        this.retryPause = retryPause;
        this.consumer = consumer;
        this.jobs = jobs;
        this.runner = runner;
        this.producer = producer;
        this.gate = gate;
        this.concurrentJobs = Math.max(1, concurrentJobs);
        this.executor = Executors.newFixedThreadPool(this.concurrentJobs, r -> {
            Thread t = new Thread(r, "training-job");
            t.setDaemon(true);
            return t;
        });
    }

    @Override
    public void run() {
        consumer.subscribe(List.of(Topics.TRAINING_JOBS), new ConsumerRebalanceListener() {
            @Override
            public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
                cancelAndAwait(partitions);
                flushCommits(); // last chance for this worker's pending commits
                forget(partitions);
            }

            @Override
            public void onPartitionsLost(Collection<TopicPartition> partitions) {
                cancelAndAwait(partitions);
                forget(partitions);
            }

            @Override
            public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
                if (running.size() >= concurrentJobs) consumer.pause(partitions);
            }
        });
        try {
            while (!stopping.get()) {
                polling = true;
                for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(500))) {
                    start(record);
                }
                finishDoneJobs();
                resumeWaiting();
                flushCommits();
            }
        } catch (WakeupException e) {
            if (!stopping.get()) throw e;
        } finally {
            polling = false;
            cancelAndAwait(Set.copyOf(running.keySet()));
            consumer.close(CloseOptions.timeout(Duration.ofSeconds(10)));
        }
    }

    private void start(ConsumerRecord<String, byte[]> record) {
        TopicPartition partition = new TopicPartition(record.topic(), record.partition());
        TrainingJob job;
        try {
            job = jobs.deserialize(record.topic(), record.value());
            if (job == null) throw new IllegalArgumentException("training job record has no value");
        } catch (RuntimeException e) {
            if (Faults.isTransient(e)) { // the registry is away: the record is fine, read it again later
                log.warn("training job at {}@{} cannot be read yet: {}", partition, record.offset(), DeadLetters.reason(e));
                rewind(partition, record.offset());
                return;
            }
            if (!publishOrRewind(partition, record.offset(), () -> {
                deadLetter(record, e);
                unreadable(record, e);
            })) return;
            commit(partition, record.offset() + 1);
            return;
        }
        var refusal = gate.refusal(job.getVoiceId());
        if (refusal.isPresent()) {
            log.info("training job {} refused: {}", job.getJobId(), refusal.get());
            if (!publishOrRewind(partition, record.offset(), () -> refuse(job, refusal.get()))) return;
            commit(partition, record.offset() + 1);
            return;
        }
        AtomicBoolean revoked = new AtomicBoolean();
        log.info("starting training job {} for voice {} (partition {}, offset {})", job.getJobId(), job.getVoiceId(),
                partition, record.offset());
        // A voice deleted (or its consent revoked) while it trains stops the job like a hand-over.
        String voiceId = job.getVoiceId();
        Future<TrainingJobRunner.Outcome> future = executor.submit(() -> runner.run(job,
                () -> revoked.get() || gate.refusal(voiceId).isPresent()));
        running.put(partition, new RunningJob(job, record.offset(), future, revoked));
        // One job per partition at a time keeps commits in order; the cap bounds the worker's load.
        consumer.pause(running.size() >= concurrentJobs ? consumer.assignment() : Set.of(partition));
    }

    private void finishDoneJobs() {
        var it = running.entrySet().iterator();
        boolean freed = false;
        while (it.hasNext()) {
            var entry = it.next();
            RunningJob job = entry.getValue();
            if (!job.future().isDone()) continue;
            TrainingJobRunner.Outcome outcome;
            try {
                outcome = job.future().get();
            } catch (Exception e) {
                // a crash because the broker or a store was away is not the job's fault: run it again
                outcome = Faults.isTransient(e) ? TrainingJobRunner.Outcome.RETRY : TrainingJobRunner.Outcome.FAILED;
                log.error("training job {} crashed ({})", job.job().getJobId(), outcome, e);
            }
            it.remove();
            freed = true;
            var refusal = gate.refusal(job.job().getVoiceId());
            if (outcome == TrainingJobRunner.Outcome.RETRY) {
                log.info("training job {} runs again in {} s (transient fault)", job.job().getJobId(), retryPause.toSeconds());
                rewind(entry.getKey(), job.offset());
            } else if (outcome == TrainingJobRunner.Outcome.CANCELLED && refusal.isPresent()) {
                // stopped because the voice is gone, not handed over: final, so the job is done
                if (!publishOrRewind(entry.getKey(), job.offset(), () -> refuse(job.job(), refusal.get()))) continue;
                commit(entry.getKey(), job.offset() + 1);
                log.info("training job {} stopped: {}", job.job().getJobId(), refusal.get());
            } else if (outcome != TrainingJobRunner.Outcome.CANCELLED) {
                commit(entry.getKey(), job.offset() + 1);
                log.info("training job {} ended: {}", job.job().getJobId(), outcome);
            }
        }
        if (freed) resumeIdle();
    }

    /** Resumes every assigned partition with no running job and no pause, while there is room for a job. */
    private void resumeIdle() {
        if (running.size() >= concurrentJobs) return;
        Set<TopicPartition> resumable = new java.util.HashSet<>(consumer.assignment());
        resumable.removeAll(running.keySet());
        resumable.removeAll(waiting.keySet());
        consumer.resume(resumable);
    }

    /** Partitions whose pause is over are read again (their job first). */
    private void resumeWaiting() {
        long now = System.nanoTime();
        if (waiting.values().removeIf(deadline -> now - deadline >= 0)) resumeIdle();
    }

    /** Reads the partition again from {@code offset} after the retry pause; nothing is committed. */
    private void rewind(TopicPartition partition, long offset) {
        consumer.seek(partition, offset);
        consumer.pause(Set.of(partition));
        waiting.put(partition, System.nanoTime() + retryPause.toNanos());
    }

    /** Runs a publication; when it fails (the broker is away) the record is read again later, and false is returned. */
    private boolean publishOrRewind(TopicPartition partition, long offset, Runnable publication) {
        try {
            publication.run();
            return true;
        } catch (RuntimeException e) {
            log.warn("cannot publish for {}@{} yet; it is read again in {} s: {}", partition, offset, retryPause.toSeconds(),
                    DeadLetters.reason(e));
            rewind(partition, offset);
            return false;
        }
    }

    private void forget(Collection<TopicPartition> partitions) {
        partitions.forEach(p -> {
            waiting.remove(p);
            pendingCommits.remove(p);
        });
    }

    private void cancelAndAwait(Collection<TopicPartition> partitions) {
        for (TopicPartition partition : partitions) {
            RunningJob job = running.remove(partition);
            if (job == null) continue;
            job.revoked().set(true);
            try {
                job.future().get(60, TimeUnit.SECONDS);
            } catch (Exception e) {
                log.warn("training job {} did not stop cleanly: {}", job.job().getJobId(), e.toString());
            }
            log.info("training job {} handed over (partition {} revoked)", job.job().getJobId(), partition);
        }
    }

    private void commit(TopicPartition partition, long nextOffset) {
        pendingCommits.put(partition, new OffsetAndMetadata(nextOffset));
        flushCommits();
    }

    /**
     * Commits what is pending. A broker that is away (a timeout, a retriable error) leaves the commits
     * pending for the next turn of the loop; the loop never dies of it. A commit refused because the
     * group moved on is dropped: the partition's new owner gets the job again, finds its model
     * published and publishes SUCCEEDED again.
     */
    private void flushCommits() {
        if (pendingCommits.isEmpty()) return;
        Map<TopicPartition, OffsetAndMetadata> commits = Map.copyOf(pendingCommits);
        try {
            consumer.commitSync(commits, Duration.ofSeconds(10));
            commits.forEach(pendingCommits::remove);
        } catch (WakeupException e) {
            throw e;
        } catch (CommitFailedException | RebalanceInProgressException e) {
            log.warn("commit of {} refused, the group moved on; the next owner redoes (or re-announces) the job: {}",
                    commits, e.toString());
            commits.forEach(pendingCommits::remove);
        } catch (KafkaException e) { // timeouts and retriable errors: the broker is away
            long now = System.nanoTime();
            if (now - lastCommitWarning > 30_000_000_000L) {
                lastCommitWarning = now;
                log.warn("commit of {} failed, kept and retried: {}", commits, e.toString());
            }
        }
    }

    /** Publishes the job as FAILED with the refusal as its message (the API shows a reason code for it). */
    private void refuse(TrainingJob job, String why) {
        TrainingProgress failed = TrainingProgress.newBuilder().setJobId(job.getJobId()).setTenantId(job.getTenantId())
                .setVoiceId(job.getVoiceId()).setEpoch(job.getEpoch()).setState(TrainingState.FAILED).setStep(0).setTotalSteps(0)
                .setMessage(why).setEventTime(java.time.Instant.now()).build();
        try {
            producer.send(new ProducerRecord<>(Topics.TRAINING_PROGRESS, job.getJobId(), failed)).get();
        } catch (Exception e) {
            throw new IllegalStateException("cannot publish the refusal of training job " + job.getJobId(), e);
        }
    }

    /**
     * A job record that cannot be read is dead-lettered and, as its key is the job id, also ends FAILED
     * with the reason, so the job does not show QUEUED forever (the API checks the tenant on the job).
     */
    private void unreadable(ConsumerRecord<String, byte[]> record, Exception error) {
        if (record.key() == null || record.key().isBlank()) return;
        TrainingProgress failed = TrainingProgress.newBuilder().setJobId(record.key()).setTenantId("").setVoiceId("")
                .setEpoch(0).setState(TrainingState.FAILED).setStep(0).setTotalSteps(0)
                .setMessage("the training job record cannot be read (dead-lettered): " + DeadLetters.reason(error))
                .setEventTime(java.time.Instant.now()).build();
        try {
            producer.send(new ProducerRecord<>(Topics.TRAINING_PROGRESS, record.key(), failed)).get();
        } catch (Exception e) {
            throw new IllegalStateException("cannot publish the failure of unreadable job " + record.key(), e);
        }
    }

    private void deadLetter(ConsumerRecord<String, byte[]> record, Exception error) {
        DeadLetter letter = DeadLetters.of("trainer-worker", record, error);
        try {
            producer.send(new ProducerRecord<>(Topics.DEAD_LETTERS, record.key(), letter)).get();
        } catch (Exception e) {
            throw new IllegalStateException("cannot write a dead letter for " + record.topic() + "@" + record.offset(), e);
        }
    }

    @Override
    public boolean polling() {
        return polling;
    }

    /** Stops polling; a running job is cancelled and resumes on the next owner of its partition. */
    @Override
    public void close() {
        stopping.set(true);
        consumer.wakeup();
    }

    public void shutdownExecutor() {
        executor.shutdownNow();
    }
}
