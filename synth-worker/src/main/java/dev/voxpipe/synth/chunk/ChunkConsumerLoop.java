package dev.voxpipe.synth.chunk;

import dev.voxpipe.core.messaging.DeadLetters;
import dev.voxpipe.core.messaging.KafkaSettings;
import dev.voxpipe.core.serde.AvroWireDeserializer;
import dev.voxpipe.core.serde.AvroWireSerializer;
import dev.voxpipe.core.topics.Topics;
import dev.voxpipe.core.worker.PollLoop;
import dev.voxpipe.schemas.SynthesisChunk;
import dev.voxpipe.schemas.SynthesisChunkResult;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.InvalidProducerEpochException;
import org.apache.kafka.common.errors.ProducerFencedException;
import dev.voxpipe.core.fault.Faults;
import java.util.function.Supplier;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Consume, synthesise, produce, exactly once: each polled batch's results (and dead letters) are
 * written in one Kafka transaction together with the batch's consumer offsets. A worker killed
 * mid-batch leaves no result behind; the batch is redone by the partition's next owner.
 *
 * <p>Faults (issue 17): a transient fault (the registry, the blob store or the broker is away) rewinds
 * the batch and redoes it after a pause, it never turns chunks into failures; a
 * {@link ProducerFencedException} (another producer took this transactional id, or the coordinator
 * timed the transaction out) closes the producer and builds a new one from the supplier, so the loop
 * lives on; only the rebalance decides who owns which chunk.
 */
public final class ChunkConsumerLoop implements PollLoop {

    private static final Logger log = LoggerFactory.getLogger(ChunkConsumerLoop.class);

    /** Turns a batch of chunks into one result per chunk ({@link ChunkSynthesizer#synthesize}). */
    @FunctionalInterface
    public interface BatchSynthesis {
        List<SynthesisChunkResult> synthesize(List<SynthesisChunk> batch);
    }

    private final Consumer<String, byte[]> consumer;
    private final Supplier<Producer<String, SpecificRecord>> producers;
    private Producer<String, SpecificRecord> producer;
    private final Deserializer<SynthesisChunk> chunks;
    private final BatchSynthesis synthesizer;
    private final AtomicBoolean stopping = new AtomicBoolean();
    private final Duration retryPause;
    private volatile boolean polling;
    private int producersBuilt;

    /**
     * @param transactionTimeout how long the coordinator keeps a transaction of a killed worker open
     *        (it blocks read_committed readers of the partitions it wrote to until then)
     */
    public ChunkConsumerLoop(Properties kafka, String groupId, String transactionalId,
                             AvroWireDeserializer<SynthesisChunk> chunks, AvroWireSerializer<SpecificRecord> values,
                             ChunkSynthesizer synthesizer, int maxBatch, Duration transactionTimeout, Duration retryPause) {
        this(new KafkaConsumer<>(KafkaSettings.workerConsumer(kafka, groupId, maxBatch), new StringDeserializer(), new ByteArrayDeserializer()),
                () -> new KafkaProducer<>(transactional(kafka, transactionalId, transactionTimeout), new StringSerializer(), values),
                chunks, synthesizer::synthesize, retryPause);
    }

    /** On given clients (tests use Kafka's MockConsumer and MockProducer); the producer must be transactional. */
    public ChunkConsumerLoop(Consumer<String, byte[]> consumer, Producer<String, SpecificRecord> producer,
                             Deserializer<SynthesisChunk> chunks, BatchSynthesis synthesizer) {
        this(consumer, () -> producer, chunks, synthesizer, Duration.ofMillis(100));
    }

    /** {@code producers} makes a new transactional producer each time the current one is fenced. */
    public ChunkConsumerLoop(Consumer<String, byte[]> consumer, Supplier<Producer<String, SpecificRecord>> producers,
                             Deserializer<SynthesisChunk> chunks, BatchSynthesis synthesizer, Duration retryPause) {
        this.consumer = consumer;
        this.producers = producers;
        this.chunks = chunks;
        this.synthesizer = synthesizer;
        this.retryPause = retryPause;
    }

    static Properties transactional(Properties kafka, String transactionalId, Duration transactionTimeout) {
        Properties p = new Properties();
        p.putAll(kafka);
        p.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, transactionalId);
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.TRANSACTION_TIMEOUT_CONFIG, (int) transactionTimeout.toMillis());
        return p;
    }

    /** How many producers the loop built (1 plus one per fencing): for tests and the log. */
    public int producersBuilt() {
        return producersBuilt;
    }

    @Override
    public boolean polling() {
        return polling;
    }

    @Override
    public void run() {
        consumer.subscribe(List.of(Topics.SYNTHESIS_CHUNKS));
        try {
            newProducer();
            while (!stopping.get()) {
                polling = true;
                ConsumerRecords<String, byte[]> records = consumer.poll(Duration.ofMillis(500));
                if (!records.isEmpty()) process(records);
            }
        } catch (WakeupException e) {
            if (!stopping.get()) throw e;
        } finally {
            polling = false;
            consumer.close(CloseOptions.timeout(Duration.ofSeconds(10)));
            if (producer != null) producer.close(Duration.ofSeconds(10));
        }
    }

    /** A new transactional producer, initialised; waits out a broker that is away. */
    private void newProducer() {
        while (!stopping.get()) {
            if (producer == null) {
                producer = producers.get();
                producersBuilt++;
            }
            try {
                producer.initTransactions();
                return;
            } catch (KafkaException e) {
                if (!Faults.isTransient(e)) throw e;
                log.warn("cannot initialise the transactional producer yet: {}", e.toString());
                pause();
            }
        }
    }

    /** Closes a fenced producer and builds the next one: this worker goes on with whatever the rebalance gives it. */
    private void replaceFencedProducer(Map<TopicPartition, Long> first, KafkaException e) {
        log.warn("producer fenced ({}); building a new one and redoing the batch", e.toString());
        try {
            producer.close(Duration.ZERO);
        } catch (KafkaException ignored) {
            // a fenced producer may refuse to close cleanly; it holds nothing we need
        }
        producer = null;
        rewind(first);
        newProducer();
    }

    private void rewind(Map<TopicPartition, Long> first) {
        first.forEach((tp, offset) -> {
            if (consumer.assignment().contains(tp)) consumer.seek(tp, offset);
        });
    }

    /** Waits {@code retryPause}, a little at a time so that close() is not held up. */
    private void pause() {
        long until = System.nanoTime() + retryPause.toNanos();
        while (!stopping.get() && System.nanoTime() < until) {
            try {
                Thread.sleep(Math.min(100, Math.max(1, (until - System.nanoTime()) / 1_000_000)));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    /**
     * A polled record: its chunk, or the dead letter it became; a chunk that was read but can never be spoken also
     * carries its failed result (its book ends FAILED with the reason).
     */
    private record Item(ConsumerRecord<String, byte[]> record, SynthesisChunk chunk, ProducerRecord<String, SpecificRecord> deadLetter,
                        SynthesisChunkResult failedResult) {
        TopicPartition partition() {
            return new TopicPartition(record.topic(), record.partition());
        }
    }

    /**
     * The batch in up to two transactions: first every streamed request's first chunk (with whatever
     * precedes it in its partition, so offsets stay in order), then the rest. A streamed response's first
     * audio thus waits for one short synthesis, not for the whole batch's. Without streamed requests the
     * batch is one transaction. A transient fault (the registry, the blob store or the broker is away)
     * rewinds and the batch is redone after a pause; it never fails a chunk.
     */
    private void process(ConsumerRecords<String, byte[]> records) {
        List<Item> items = new ArrayList<>();
        Map<TopicPartition, Long> first = new HashMap<>();
        for (ConsumerRecord<String, byte[]> record : records) {
            first.putIfAbsent(new TopicPartition(record.topic(), record.partition()), record.offset());
        }
        for (ConsumerRecord<String, byte[]> record : records) {
            try {
                SynthesisChunk chunk = chunks.deserialize(record.topic(), record.value());
                if (chunk == null) throw new IllegalArgumentException("chunk record has no value");
                if (chunk.getText().isBlank()) {
                    // a chunk that can never be spoken fails its book with the reason (and is dead-lettered for the record)
                    String why = "chunk " + chunk.getChunkIndex() + " has no text";
                    items.add(new Item(record, null, new ProducerRecord<>(Topics.DEAD_LETTERS, record.key(),
                            DeadLetters.of("synth-worker", record, new IllegalArgumentException(why))), failed(chunk, why)));
                    continue;
                }
                items.add(new Item(record, chunk, null, null));
            } catch (RuntimeException e) {
                if (Faults.isTransient(e)) { // the registry is away: the chunk is fine, read it again later
                    log.warn("chunks cannot be read yet, the batch is redone: {}", DeadLetters.reason(e));
                    rewind(first);
                    pause();
                    return;
                }
                items.add(new Item(record, null, new ProducerRecord<>(Topics.DEAD_LETTERS, record.key(),
                        DeadLetters.of("synth-worker", record, e)), null));
            }
        }
        Map<TopicPartition, Long> lastFirstChunk = new HashMap<>();
        for (Item item : items) {
            if (item.chunk() != null && item.chunk().getStreaming() && item.chunk().getChunkIndex() == 0) lastFirstChunk.put(item.partition(), item.record().offset());
        }
        List<Item> early = new ArrayList<>();
        List<Item> late = new ArrayList<>();
        for (Item item : items) {
            Long cut = lastFirstChunk.get(item.partition());
            (cut != null && item.record().offset() <= cut ? early : late).add(item);
        }
        if (early.isEmpty() || late.isEmpty()) {
            transact(items, items);
        } else if (transact(early, items)) {
            transact(late, late);
        }
    }

    private static Map<TopicPartition, Long> firstOffsets(List<Item> items) {
        Map<TopicPartition, Long> first = new HashMap<>();
        for (Item item : items) first.putIfAbsent(item.partition(), item.record().offset());
        return first;
    }

    /**
     * Synthesises the part's chunks and commits their results, dead letters and offsets in one
     * transaction. On failure every partition of {@code rewind} goes back to its first offset there
     * (they are all redone) and false is returned; a fenced producer is replaced by a new one first.
     */
    private boolean transact(List<Item> part, List<Item> rewind) {
        List<SynthesisChunk> batch = new ArrayList<>();
        List<SynthesisChunkResult> invalid = new ArrayList<>();
        Map<TopicPartition, OffsetAndMetadata> next = new HashMap<>();
        for (Item item : part) {
            next.put(item.partition(), new OffsetAndMetadata(item.record().offset() + 1));
            if (item.chunk() != null) batch.add(item.chunk());
            if (item.failedResult() != null) invalid.add(item.failedResult());
        }
        List<SynthesisChunkResult> results;
        try {
            results = new ArrayList<>(batch.isEmpty() ? List.of() : synthesizer.synthesize(batch));
            results.addAll(invalid);
        } catch (RuntimeException e) {
            if (!Faults.isTransient(e)) throw e;
            log.warn("a transient fault stopped a batch of {} chunks; it is redone: {}", batch.size(), DeadLetters.reason(e));
            rewind(firstOffsets(rewind));
            pause();
            return false;
        }
        try {
            producer.beginTransaction();
            for (SynthesisChunkResult result : results) {
                producer.send(new ProducerRecord<>(Topics.SYNTHESIS_CHUNK_RESULTS, result.getRequestId(), result));
            }
            for (Item item : part) {
                if (item.deadLetter() != null) producer.send(item.deadLetter());
            }
            producer.sendOffsetsToTransaction(next, consumer.groupMetadata());
            producer.commitTransaction();
            return true;
        } catch (ProducerFencedException | InvalidProducerEpochException e) {
            replaceFencedProducer(firstOffsets(rewind), e);
            return false;
        } catch (KafkaException e) {
            log.warn("transaction for {} chunks aborted, they will be redone: {}", results.size(), e.toString());
            try {
                producer.abortTransaction();
            } catch (KafkaException ignored) {
                // the next transaction reports anything persistent
            }
            rewind(firstOffsets(rewind));
            pause(); // a broker that is away is not hammered with the same batch
            return false;
        }
    }

    /** The failed result of a chunk that was read but cannot be synthesised: its book ends FAILED with the reason. */
    static SynthesisChunkResult failed(SynthesisChunk chunk, String why) {
        return SynthesisChunkResult.newBuilder().setRequestId(chunk.getRequestId()).setTenantId(chunk.getTenantId())
                .setVoiceId(chunk.getVoiceId()).setChunkIndex(chunk.getChunkIndex()).setChunkCount(chunk.getChunkCount())
                .setSucceeded(false).setError(why).setPauseAfterMs(chunk.getPauseAfterMs()).setChapterTitle(chunk.getChapterTitle())
                .setFormat(chunk.getFormat()).setEventTime(java.time.Instant.now()).build();
    }

    @Override
    public void close() {
        stopping.set(true);
        consumer.wakeup();
    }
}
