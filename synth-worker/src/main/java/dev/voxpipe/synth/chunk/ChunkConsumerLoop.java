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
import org.apache.kafka.common.errors.ProducerFencedException;
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
 */
public final class ChunkConsumerLoop implements PollLoop {

    private static final Logger log = LoggerFactory.getLogger(ChunkConsumerLoop.class);

    /** Turns a batch of chunks into one result per chunk ({@link ChunkSynthesizer#synthesize}). */
    @FunctionalInterface
    public interface BatchSynthesis {
        List<SynthesisChunkResult> synthesize(List<SynthesisChunk> batch);
    }

    private final Consumer<String, byte[]> consumer;
    private final Producer<String, SpecificRecord> producer;
    private final Deserializer<SynthesisChunk> chunks;
    private final BatchSynthesis synthesizer;
    private final AtomicBoolean stopping = new AtomicBoolean();
    private volatile boolean polling;

    public ChunkConsumerLoop(Properties kafka, String groupId, String transactionalId,
                             AvroWireDeserializer<SynthesisChunk> chunks, AvroWireSerializer<SpecificRecord> values,
                             ChunkSynthesizer synthesizer, int maxBatch) {
        this(new KafkaConsumer<>(KafkaSettings.workerConsumer(kafka, groupId, maxBatch), new StringDeserializer(), new ByteArrayDeserializer()),
                new KafkaProducer<>(transactional(kafka, transactionalId), new StringSerializer(), values),
                chunks, synthesizer::synthesize);
    }

    /** On given clients (tests use Kafka's MockConsumer and MockProducer); the producer must be transactional. */
    public ChunkConsumerLoop(Consumer<String, byte[]> consumer, Producer<String, SpecificRecord> producer,
                             Deserializer<SynthesisChunk> chunks, BatchSynthesis synthesizer) {
        this.consumer = consumer;
        this.producer = producer;
        this.chunks = chunks;
        this.synthesizer = synthesizer;
    }

    private static Properties transactional(Properties kafka, String transactionalId) {
        Properties p = new Properties();
        p.putAll(kafka);
        p.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, transactionalId);
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        return p;
    }

    @Override
    public boolean polling() {
        return polling;
    }

    @Override
    public void run() {
        producer.initTransactions();
        consumer.subscribe(List.of(Topics.SYNTHESIS_CHUNKS));
        try {
            while (!stopping.get()) {
                polling = true;
                ConsumerRecords<String, byte[]> records = consumer.poll(Duration.ofMillis(500));
                if (!records.isEmpty()) process(records);
            }
        } catch (WakeupException e) {
            if (!stopping.get()) throw e;
        } catch (ProducerFencedException e) {
            log.warn("another synth worker took over this worker's transactional id; stopping");
        } finally {
            polling = false;
            consumer.close(CloseOptions.timeout(Duration.ofSeconds(10)));
            producer.close(Duration.ofSeconds(10));
        }
    }

    /** A polled record: its chunk, or the dead letter it became. */
    private record Item(ConsumerRecord<String, byte[]> record, SynthesisChunk chunk, ProducerRecord<String, SpecificRecord> deadLetter) {
        TopicPartition partition() {
            return new TopicPartition(record.topic(), record.partition());
        }
    }

    /**
     * The batch in up to two transactions: first every streamed request's first chunk (with whatever
     * precedes it in its partition, so offsets stay in order), then the rest. A streamed response's first
     * audio thus waits for one short synthesis, not for the whole batch's. Without streamed requests the
     * batch is one transaction.
     */
    private void process(ConsumerRecords<String, byte[]> records) {
        List<Item> items = new ArrayList<>();
        for (ConsumerRecord<String, byte[]> record : records) {
            try {
                SynthesisChunk chunk = chunks.deserialize(record.topic(), record.value());
                if (chunk == null) throw new IllegalArgumentException("chunk record has no value");
                if (chunk.getText().isBlank()) throw new IllegalArgumentException("chunk " + chunk.getChunkIndex() + " has no text");
                items.add(new Item(record, chunk, null));
            } catch (RuntimeException e) {
                items.add(new Item(record, null, new ProducerRecord<>(Topics.DEAD_LETTERS, record.key(), DeadLetters.of("synth-worker", record, e))));
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

    /**
     * Synthesises the part's chunks and commits their results, dead letters and offsets in one
     * transaction. On failure every partition of {@code rewind} goes back to its first offset there
     * (they are all redone) and false is returned.
     */
    private boolean transact(List<Item> part, List<Item> rewind) {
        List<SynthesisChunk> batch = new ArrayList<>();
        Map<TopicPartition, OffsetAndMetadata> next = new HashMap<>();
        for (Item item : part) {
            next.put(item.partition(), new OffsetAndMetadata(item.record().offset() + 1));
            if (item.chunk() != null) batch.add(item.chunk());
        }
        List<SynthesisChunkResult> results = batch.isEmpty() ? List.of() : synthesizer.synthesize(batch);
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
        } catch (ProducerFencedException e) {
            throw e;
        } catch (KafkaException e) {
            log.warn("transaction for {} chunks aborted, they will be redone: {}", results.size(), e.toString());
            try {
                producer.abortTransaction();
            } catch (KafkaException ignored) {
                // the next transaction reports anything persistent
            }
            Map<TopicPartition, Long> first = new HashMap<>();
            for (Item item : rewind) first.putIfAbsent(item.partition(), item.record().offset());
            first.forEach(consumer::seek);
            return false;
        }
    }

    @Override
    public void close() {
        stopping.set(true);
        consumer.wakeup();
    }
}
