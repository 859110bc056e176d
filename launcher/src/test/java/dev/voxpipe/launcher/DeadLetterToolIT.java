package dev.voxpipe.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.voxpipe.core.serde.AvroWireSerializer;
import dev.voxpipe.core.serde.SchemaRegistryClient;
import dev.voxpipe.core.serde.SchemaRegistryConfig;
import dev.voxpipe.core.topics.TopicCatalogue;
import dev.voxpipe.core.topics.Topics;
import dev.voxpipe.localstack.LocalStack;
import dev.voxpipe.localstack.LocalStackExtension;
import dev.voxpipe.schemas.DeadLetter;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.UUID;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Issue 17: {@code ./voxpipe dlq} lists dead letters and replays chosen ones to their source topic, idempotently. */
@ExtendWith(LocalStackExtension.class)
class DeadLetterToolIT {

    @Test
    void replayResendsEachLetterOnceHoweverOftenItRuns(LocalStack stack) throws Exception {
        String source = "it.dlq.source." + UUID.randomUUID().toString().substring(0, 8);
        Properties kafka = new Properties();
        kafka.put("bootstrap.servers", stack.bootstrapServers());
        try (Admin admin = Admin.create(kafka)) {
            TopicCatalogue.standard(1).ensure(admin);
            admin.createTopics(List.of(new NewTopic(source, 2, (short) 1))).all().get();
        }
        SchemaRegistryClient registry = SchemaRegistryClient.http(SchemaRegistryConfig.of(stack.registryUrl()));
        Instant now = Instant.now();
        try (KafkaProducer<String, SpecificRecord> producer = new KafkaProducer<>(Map.of("bootstrap.servers", stack.bootstrapServers()),
                new StringSerializer(), new AvroWireSerializer<>(registry, true))) {
            for (int i = 0; i < 3; i++) {
                producer.send(new ProducerRecord<>(Topics.DEAD_LETTERS, "k" + i, DeadLetter.newBuilder().setSourceTopic(source)
                        .setPartition(0).setOffset(i).setStage("feature-worker").setErrorClass("x").setReason("blob store was away (" + i + ")")
                        .setOriginalKey(ByteBuffer.wrap(("k" + i).getBytes(StandardCharsets.UTF_8)))
                        .setOriginalValue(i == 2 ? null : ByteBuffer.wrap(("value-" + i).getBytes(StandardCharsets.UTF_8)))
                        .setTenantId("t1").setFailedAt(now).build())).get();
            }
        }
        DeadLetterTool tool = new DeadLetterTool(kafka, registry);
        DeadLetterTool.Filter filter = new DeadLetterTool.Filter(null, source, null, null, Set.of());
        assertEquals(3, tool.list(filter).size());
        assertEquals(1, tool.list(new DeadLetterTool.Filter("feature-worker", source, "t1", null,
                Set.of(tool.list(filter).get(0).id()))).size(), "chosen by id");

        PrintStream quiet = new PrintStream(new ByteArrayOutputStream());
        DeadLetterTool.Outcome first = tool.replay(filter, false, quiet);
        assertEquals(new DeadLetterTool.Outcome(2, 0, 1), first, "two replayed; the letter without a value cannot be");
        DeadLetterTool.Outcome second = tool.replay(filter, false, quiet);
        assertEquals(new DeadLetterTool.Outcome(0, 2, 1), second, "a second run sends nothing again");

        List<String> values = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(Map.of("bootstrap.servers", stack.bootstrapServers(),
                "isolation.level", "read_committed"), new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = List.of(new TopicPartition(source, 0), new TopicPartition(source, 1));
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
            while (values.size() < 2 && System.nanoTime() < deadline) {
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(500))) {
                    assertTrue(r.headers().lastHeader(DeadLetterTool.REPLAY_HEADER) != null, "replays are marked");
                    values.add(new String(r.value(), StandardCharsets.UTF_8));
                }
            }
            for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofSeconds(1))) values.add(new String(r.value(), StandardCharsets.UTF_8));
        }
        values.sort(String::compareTo);
        assertEquals(List.of("value-0", "value-1"), values, "each replayable record exactly once on its source topic");
    }
}
