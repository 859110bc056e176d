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
import org.apache.kafka.common.errors.WakeupException;
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
    private final AtomicBoolean stopping = new AtomicBoolean();
    private volatile boolean polling;

    private record RunningJob(TrainingJob job, long offset, Future<TrainingJobRunner.Outcome> future,
                              AtomicBoolean revoked) {}

    public TrainingJobConsumer(Properties kafka, String groupId, AvroWireDeserializer<TrainingJob> jobs,
                               TrainingJobRunner runner, Producer<String, SpecificRecord> producer, VoiceGate gate,
                               int concurrentJobs) {
        this(new KafkaConsumer<>(KafkaSettings.workerConsumer(kafka, groupId, 1), new StringDeserializer(), new ByteArrayDeserializer()),
                jobs, runner::run, producer, gate, concurrentJobs);
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
            }

            @Override
            public void onPartitionsLost(Collection<TopicPartition> partitions) {
                cancelAndAwait(partitions);
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
            deadLetter(record, e);
            commit(partition, record.offset() + 1);
            return;
        }
        var refusal = gate.refusal(job.getVoiceId());
        if (refusal.isPresent()) {
            log.info("training job {} refused: {}", job.getJobId(), refusal.get());
            refuse(job, refusal.get());
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
                outcome = TrainingJobRunner.Outcome.FAILED;
                log.error("training job {} crashed", job.job().getJobId(), e);
            }
            it.remove();
            freed = true;
            var refusal = gate.refusal(job.job().getVoiceId());
            if (outcome == TrainingJobRunner.Outcome.CANCELLED && refusal.isPresent()) {
                // stopped because the voice is gone, not handed over: final, so the job is done
                refuse(job.job(), refusal.get());
                commit(entry.getKey(), job.offset() + 1);
                log.info("training job {} stopped: {}", job.job().getJobId(), refusal.get());
            } else if (outcome != TrainingJobRunner.Outcome.CANCELLED) {
                commit(entry.getKey(), job.offset() + 1);
                log.info("training job {} ended: {}", job.job().getJobId(), outcome);
            }
        }
        if (freed) {
            Set<TopicPartition> resumable = new java.util.HashSet<>(consumer.assignment());
            resumable.removeAll(running.keySet());
            consumer.resume(resumable);
        }
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
        consumer.commitSync(Map.of(partition, new OffsetAndMetadata(nextOffset)));
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
