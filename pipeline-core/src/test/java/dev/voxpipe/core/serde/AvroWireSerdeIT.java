package dev.voxpipe.core.serde;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.voxpipe.core.topics.TopicCatalogue;
import dev.voxpipe.core.topics.TopicSpec;
import dev.voxpipe.localstack.LocalStack;
import dev.voxpipe.localstack.LocalStackExtension;
import dev.voxpipe.schemas.RawAudioUploaded;
import dev.voxpipe.schemas.common.AudioFormat;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Records round-trip through the real broker with the serde against the real registry. */
@ExtendWith(LocalStackExtension.class)
class AvroWireSerdeIT {

    private static String newTopic(LocalStack stack) throws Exception {
        String topic = "it.serde." + UUID.randomUUID();
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, stack.bootstrapServers()))) {
            new TopicCatalogue(List.of(new TopicSpec(topic, 1, false, Duration.ofHours(1), 1 << 20, "RawAudioUploaded")), 1)
                    .ensure(admin);
        }
        return topic;
    }

    @Test
    void roundTripsThroughBrokerAndRegistryWithKafkaConfiguredClasses(LocalStack stack) throws Exception {
        String topic = newTopic(stack);
        RawAudioUploaded sent = Fixtures.upload("u-1");
        Map<String, Object> producerConfig = Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.bootstrapServers(),
                ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class,
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, AvroWireSerializer.class,
                SchemaRegistryConfig.URL, stack.registryUrl());
        try (KafkaProducer<String, RawAudioUploaded> producer = new KafkaProducer<>(producerConfig)) {
            producer.send(new ProducerRecord<>(topic, sent.getVoiceId(), sent)).get();
        }

        Map<String, Object> consumerConfig = Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.bootstrapServers(),
                ConsumerConfig.GROUP_ID_CONFIG, "it-" + UUID.randomUUID(),
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class,
                ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        List<ConsumerRecord<String, byte[]>> received = new ArrayList<>();
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(consumerConfig)) {
            consumer.subscribe(List.of(topic));
            long deadline = System.currentTimeMillis() + 20_000;
            while (received.isEmpty() && System.currentTimeMillis() < deadline) {
                consumer.poll(Duration.ofMillis(200)).forEach(received::add);
            }
        }
        assertEquals(1, received.size());
        byte[] bytes = received.get(0).value();
        assertEquals(0, bytes[0], "magic byte");

        SchemaRegistryClient registry = new HttpSchemaRegistryClient(SchemaRegistryConfig.of(stack.registryUrl()));
        int registeredId = registry.lookup(topic + "-value", RawAudioUploaded.getClassSchema());
        assertEquals(registeredId, ByteBuffer.wrap(bytes, 1, 4).getInt(), "schema id in the frame");

        try (var deserializer = new AvroWireDeserializer<>(registry, RawAudioUploaded.class)) {
            assertEquals(sent, deserializer.deserialize(topic, bytes));
        }
    }

    @Test
    void readsRecordsOfAnOlderWriterSchemaIntoTheCurrentClass(LocalStack stack) throws Exception {
        String topic = newTopic(stack);
        // The writer's schema lacks sniffedFormat: the reader must fill in the default.
        Schema current = RawAudioUploaded.getClassSchema();
        String json = current.toString().replaceAll(
                ",\\{\"name\":\"sniffedFormat\",\"type\":\\{[^}]*\\}[^}]*\\}", "");
        Schema older = new Schema.Parser().parse(json);
        assertEquals(null, older.getField("sniffedFormat"), "fixture must drop the field");

        SchemaRegistryClient registry = new HttpSchemaRegistryClient(SchemaRegistryConfig.of(stack.registryUrl()));
        int olderId = registry.register(topic + "-value", older);

        RawAudioUploaded full = Fixtures.upload("u-2");
        GenericRecord record = new GenericData.Record(older);
        for (Schema.Field f : older.getFields()) {
            Object value = full.get(f.name());
            record.put(f.name(), toGeneric(value, f.schema()));
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(0);
        out.write(ByteBuffer.allocate(4).putInt(olderId).array());
        BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(out, null);
        new GenericDatumWriter<GenericRecord>(older).write(record, encoder);
        encoder.flush();

        RawAudioUploaded read = new AvroWireDeserializer<>(
                new HttpSchemaRegistryClient(SchemaRegistryConfig.of(stack.registryUrl())), RawAudioUploaded.class)
                .deserialize(topic, out.toByteArray());
        assertEquals(AudioFormat.UNKNOWN, read.getSniffedFormat());
        assertEquals(full.getUploadId(), read.getUploadId());
        assertEquals(full.getConsent(), read.getConsent());
    }

    /** Converts specific values to what a generic writer of the given schema expects. */
    private static Object toGeneric(Object value, Schema schema) {
        if (value instanceof org.apache.avro.specific.SpecificRecord nested) {
            Schema recordSchema = schema.getType() == Schema.Type.UNION
                    ? schema.getTypes().stream().filter(s -> s.getType() == Schema.Type.RECORD).findFirst().orElseThrow()
                    : schema;
            GenericRecord g = new GenericData.Record(recordSchema);
            for (Schema.Field f : recordSchema.getFields()) g.put(f.name(), toGeneric(nested.get(f.pos()), f.schema()));
            return g;
        }
        if (value instanceof java.time.Instant instant) return instant.toEpochMilli();
        return value;
    }

    @Test
    void unknownSchemaIdIsReportedAsSuch(LocalStack stack) {
        var deserializer = new AvroWireDeserializer<>(
                new HttpSchemaRegistryClient(SchemaRegistryConfig.of(stack.registryUrl())), RawAudioUploaded.class);
        byte[] bogus = {0, 0x7f, 0x11, 0x22, 0x33, 2, 'x'};
        var e = assertThrows(SchemaRegistryException.UnknownSchemaId.class, () -> deserializer.deserialize("t", bogus));
        assertTrue(e.getMessage().contains("unknown to the registry"), e.getMessage());
    }
}
