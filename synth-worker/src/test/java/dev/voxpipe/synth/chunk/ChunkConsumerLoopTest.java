package dev.voxpipe.synth.chunk;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.voxpipe.core.serde.AvroWireDeserializer;
import dev.voxpipe.core.serde.AvroWireSerializer;
import dev.voxpipe.core.serde.InMemorySchemaRegistry;
import dev.voxpipe.core.topics.Topics;
import dev.voxpipe.schemas.DeadLetter;
import dev.voxpipe.schemas.SynthesisChunk;
import dev.voxpipe.schemas.SynthesisChunkResult;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.MockConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

/** The synth worker's consume-transform-produce loop on Kafka's MockConsumer and MockProducer. */
class ChunkConsumerLoopTest {

    private static final TopicPartition PARTITION = new TopicPartition(Topics.SYNTHESIS_CHUNKS, 0);

    private final InMemorySchemaRegistry registry = new InMemorySchemaRegistry();
    private final AvroWireSerializer<SpecificRecord> values = new AvroWireSerializer<>(registry, true);
    private final MockConsumer<String, byte[]> consumer = new MockConsumer<>("earliest");
    private final MockProducer<String, SpecificRecord> producer = new MockProducer<>(true, null, new StringSerializer(), values);
    private final List<List<SynthesisChunk>> batches = new CopyOnWriteArrayList<>();
    private final ChunkConsumerLoop loop = new ChunkConsumerLoop(consumer, producer,
            new AvroWireDeserializer<>(registry, SynthesisChunk.class), batch -> {
                batches.add(batch);
                return batch.stream().map(ChunkConsumerLoopTest::resultOf).toList();
            });

    @Test
    void aBatchsResultsDeadLettersAndOffsetsCommitInOneTransaction() {
        consumer.schedulePollTask(() -> {
            consumer.rebalance(List.of(PARTITION));
            consumer.updateBeginningOffsets(Map.of(PARTITION, 0L));
            consumer.addRecord(record(0, "r1/0", bytes(chunk(0, "Hello there."))));
            consumer.addRecord(record(1, "r1/x", "not a framed record".getBytes(StandardCharsets.UTF_8)));
            consumer.addRecord(record(2, "r1/1", bytes(chunk(1, "   "))));
            consumer.addRecord(record(3, "r1/2", bytes(chunk(2, "Goodbye."))));
        });
        consumer.schedulePollTask(loop::close);

        loop.run();

        assertEquals(1, batches.size(), "one polled batch, synthesised once");
        assertEquals(List.of(0, 2), batches.get(0).stream().map(SynthesisChunk::getChunkIndex).toList());
        List<ProducerRecord<String, SpecificRecord>> sent = producer.history();
        List<SynthesisChunkResult> results = sent.stream().filter(r -> r.topic().equals(Topics.SYNTHESIS_CHUNK_RESULTS))
                .map(r -> (SynthesisChunkResult) r.value()).toList();
        assertEquals(List.of(0, 2), results.stream().filter(SynthesisChunkResult::getSucceeded).map(SynthesisChunkResult::getChunkIndex).toList());
        // the chunk with no text fails its book with the reason instead of leaving it in progress forever
        List<SynthesisChunkResult> failed = results.stream().filter(r -> !r.getSucceeded()).toList();
        assertEquals(1, failed.size());
        assertEquals(1, failed.get(0).getChunkIndex());
        assertTrue(failed.get(0).getError().contains("has no text"), failed.get(0).getError());
        assertEquals("r1", sent.get(0).key(), "results are keyed by request");
        List<DeadLetter> letters = sent.stream().filter(r -> r.topic().equals(Topics.DEAD_LETTERS))
                .map(r -> (DeadLetter) r.value()).toList();
        assertEquals(List.of(1L, 2L), letters.stream().map(DeadLetter::getOffset).toList());
        assertTrue(letters.get(0).getReason().contains("Confluent wire format"), letters.get(0).getReason());
        assertTrue(letters.get(1).getReason().contains("has no text"), letters.get(1).getReason());
        assertTrue(producer.transactionCommitted());
        assertEquals(Map.of(PARTITION, new OffsetAndMetadata(4)), lastOffsetsSent());
        assertTrue(consumer.closed() && producer.closed(), "the loop closes its clients when it stops");
    }

    @Test
    void aFailedCommitAbortsAndRewindsSoTheBatchIsRedoneAndNothingOfItIsVisible() {
        AtomicBoolean abortedBeforeRedo = new AtomicBoolean();
        AtomicLong positionBeforeRedo = new AtomicLong(-1);
        consumer.schedulePollTask(() -> {
            consumer.rebalance(List.of(PARTITION));
            consumer.updateBeginningOffsets(Map.of(PARTITION, 0L));
            consumer.addRecord(record(0, "r1/0", bytes(chunk(0, "One."))));
            consumer.addRecord(record(1, "r1/1", bytes(chunk(1, "Two."))));
            producer.commitTransactionException = new KafkaException("the broker went away");
        });
        consumer.schedulePollTask(() -> {
            abortedBeforeRedo.set(producer.transactionAborted());
            positionBeforeRedo.set(consumer.position(PARTITION));
            producer.commitTransactionException = null;
            // what the broker redelivers after the seek
            consumer.addRecord(record(0, "r1/0", bytes(chunk(0, "One."))));
            consumer.addRecord(record(1, "r1/1", bytes(chunk(1, "Two."))));
        });
        consumer.schedulePollTask(loop::close);

        loop.run();

        assertTrue(abortedBeforeRedo.get(), "the failed transaction was aborted");
        assertEquals(0, positionBeforeRedo.get(), "the consumer was rewound to the batch's first offset");
        assertEquals(2, batches.size(), "the batch was synthesised again");
        assertEquals(2, producer.history().size(), "only the committed transaction's results are visible");
        assertEquals(Map.of(PARTITION, new OffsetAndMetadata(2)), lastOffsetsSent());
    }

    @Test
    void aFencedProducerIsReplacedAndTheLoopLivesOn() throws Exception {
        List<MockProducer<String, SpecificRecord>> built = new CopyOnWriteArrayList<>();
        ChunkConsumerLoop fencing = new ChunkConsumerLoop(consumer, () -> {
            MockProducer<String, SpecificRecord> p = new MockProducer<>(true, null, new StringSerializer(), values);
            built.add(p);
            return p;
        }, new AvroWireDeserializer<>(registry, SynthesisChunk.class), batch -> {
            batches.add(batch);
            return batch.stream().map(ChunkConsumerLoopTest::resultOf).toList();
        }, java.time.Duration.ofMillis(10));
        consumer.schedulePollTask(() -> {
            consumer.rebalance(List.of(PARTITION));
            consumer.updateBeginningOffsets(Map.of(PARTITION, 0L));
            consumer.addRecord(record(0, "r1/0", bytes(chunk(0, "One."))));
            built.get(0).fenceProducer(); // a zombie's transactional id was taken over mid-batch
        });
        consumer.schedulePollTask(() -> consumer.addRecord(record(0, "r1/0", bytes(chunk(0, "One.")))));
        consumer.schedulePollTask(fencing::close);

        fencing.run();

        assertEquals(2, fencing.producersBuilt(), "a new producer after the fencing");
        assertTrue(built.get(0).closed(), "the fenced producer was closed");
        assertTrue(built.get(0).history().isEmpty(), "nothing of the fenced transaction is visible");
        MockProducer<String, SpecificRecord> second = built.get(1);
        assertTrue(second.transactionCommitted(), "the redone batch committed on the new producer");
        assertEquals(1, second.history().size());
        assertEquals(2, batches.size(), "the batch was redone once");
    }

    @Test
    void aTransientFaultInSynthesisRedoesTheBatchAndFailsNoChunk() {
        java.util.concurrent.atomic.AtomicInteger calls = new java.util.concurrent.atomic.AtomicInteger();
        ChunkConsumerLoop flaky = new ChunkConsumerLoop(consumer, () -> producer,
                new AvroWireDeserializer<>(registry, SynthesisChunk.class), batch -> {
            if (calls.incrementAndGet() == 1) {
                throw new dev.voxpipe.core.fault.TransientFaultException("synth-worker: blob store unreachable",
                        new java.io.IOException("connection refused"));
            }
            return batch.stream().map(ChunkConsumerLoopTest::resultOf).toList();
        }, java.time.Duration.ofMillis(10));
        consumer.schedulePollTask(() -> {
            consumer.rebalance(List.of(PARTITION));
            consumer.updateBeginningOffsets(Map.of(PARTITION, 0L));
            consumer.addRecord(record(0, "r1/0", bytes(chunk(0, "One."))));
        });
        consumer.schedulePollTask(() -> consumer.addRecord(record(0, "r1/0", bytes(chunk(0, "One.")))));
        consumer.schedulePollTask(flaky::close);

        flaky.run();

        assertEquals(2, calls.get(), "synthesised again after the fault");
        List<SynthesisChunkResult> results = producer.history().stream().map(r -> (SynthesisChunkResult) r.value()).toList();
        assertEquals(1, results.size());
        assertTrue(results.get(0).getSucceeded(), "the chunk did not fail because the store was away");
        assertEquals(Map.of(PARTITION, new OffsetAndMetadata(1)), lastOffsetsSent());
    }

    @Test
    void theTransactionTimeoutIsSetSoAKilledWorkerDoesNotHoldReadersLong() {
        var props = ChunkConsumerLoop.transactional(new java.util.Properties(), "synth-1", java.time.Duration.ofSeconds(30));
        assertEquals(30_000, props.get(org.apache.kafka.clients.producer.ProducerConfig.TRANSACTION_TIMEOUT_CONFIG));
    }

    @Test
    void aStreamedRequestsFirstChunkIsCommittedBeforeTheRestOfItsBatch() {
        TopicPartition other = new TopicPartition(Topics.SYNTHESIS_CHUNKS, 1);
        consumer.schedulePollTask(() -> {
            consumer.rebalance(List.of(PARTITION, other));
            consumer.updateBeginningOffsets(Map.of(PARTITION, 0L, other, 0L));
            consumer.addRecord(record(PARTITION, 0, "r1/1", bytes(streamed(1, "Second sentence, and more."))));
            consumer.addRecord(record(PARTITION, 1, "r1/0", bytes(streamed(0, "First."))));
            consumer.addRecord(record(PARTITION, 2, "r1/2", bytes(streamed(2, "Third."))));
            consumer.addRecord(record(other, 0, "r1/3", bytes(streamed(3, "Fourth."))));
        });
        consumer.schedulePollTask(loop::close);

        loop.run();

        // first: the first chunk with what precedes it in its partition; then the rest
        assertEquals(List.of(List.of(1, 0), List.of(2, 3)), batches.stream()
                .map(b -> b.stream().map(SynthesisChunk::getChunkIndex).toList()).toList());
        var offsets = producer.consumerGroupOffsetsHistory();
        assertEquals(2, offsets.size(), "two transactions");
        assertEquals(Map.of(PARTITION, new OffsetAndMetadata(2)), offsets.get(0).values().iterator().next());
        assertEquals(Map.of(PARTITION, new OffsetAndMetadata(3), other, new OffsetAndMetadata(1)),
                offsets.get(1).values().iterator().next());
    }

    @Test
    void aStreamedFirstChunkWhoseCommitFailsRewindsTheWholeBatch() {
        AtomicLong positionBeforeRedo = new AtomicLong(-1);
        consumer.schedulePollTask(() -> {
            consumer.rebalance(List.of(PARTITION));
            consumer.updateBeginningOffsets(Map.of(PARTITION, 0L));
            consumer.addRecord(record(PARTITION, 0, "r1/0", bytes(streamed(0, "One."))));
            consumer.addRecord(record(PARTITION, 1, "r1/1", bytes(streamed(1, "Two."))));
            producer.commitTransactionException = new KafkaException("the broker went away");
        });
        consumer.schedulePollTask(() -> positionBeforeRedo.set(consumer.position(PARTITION)));
        consumer.schedulePollTask(loop::close);

        loop.run();

        assertEquals(1, batches.size(), "after the failed first transaction the rest is not synthesised");
        assertEquals(0, positionBeforeRedo.get(), "rewound to the batch's first offset");
        assertTrue(producer.history().isEmpty());
    }

    private static SynthesisChunk streamed(int index, String text) {
        SynthesisChunk c = chunk(index, text);
        c.setStreaming(true);
        c.setChunkCount(4);
        return c;
    }

    private static ConsumerRecord<String, byte[]> record(TopicPartition tp, long offset, String key, byte[] value) {
        return new ConsumerRecord<>(tp.topic(), tp.partition(), offset, key, value);
    }

    private Map<TopicPartition, OffsetAndMetadata> lastOffsetsSent() {
        var history = producer.consumerGroupOffsetsHistory();
        return history.get(history.size() - 1).values().iterator().next();
    }

    private static ConsumerRecord<String, byte[]> record(long offset, String key, byte[] value) {
        return new ConsumerRecord<>(PARTITION.topic(), PARTITION.partition(), offset, key, value);
    }

    private byte[] bytes(SynthesisChunk chunk) {
        return values.serialize(Topics.SYNTHESIS_CHUNKS, chunk);
    }

    private static SynthesisChunk chunk(int index, String text) {
        return SynthesisChunk.newBuilder().setRequestId("r1").setTenantId("t1").setVoiceId("v1").setChunkIndex(index)
                .setChunkCount(3).setText(text).setEventTime(Instant.EPOCH).build();
    }

    private static SynthesisChunkResult resultOf(SynthesisChunk chunk) {
        return SynthesisChunkResult.newBuilder().setRequestId(chunk.getRequestId()).setTenantId(chunk.getTenantId())
                .setVoiceId(chunk.getVoiceId()).setChunkIndex(chunk.getChunkIndex()).setChunkCount(chunk.getChunkCount())
                .setSucceeded(true).setEventTime(Instant.EPOCH).build();
    }
}
