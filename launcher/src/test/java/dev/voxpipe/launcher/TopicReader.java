package dev.voxpipe.launcher;

import dev.voxpipe.core.serde.HttpSchemaRegistryClient;
import dev.voxpipe.core.serde.AvroWireDeserializer;
import dev.voxpipe.core.serde.SchemaRegistryClient;
import dev.voxpipe.core.serde.SchemaRegistryConfig;
import dev.voxpipe.localstack.LocalStack;
import dev.voxpipe.localstack.TopicRecords;
import java.time.Duration;
import java.util.List;
import java.util.function.Predicate;
import org.apache.avro.specific.SpecificRecord;

/** Reads a topic's Avro records through the registry (see {@link TopicRecords}). */
final class TopicReader {

    private TopicReader() {}

    static <T extends SpecificRecord> List<T> read(LocalStack stack, String topic, Class<T> type,
                                                   Predicate<List<T>> done, Duration timeout) {
        SchemaRegistryClient registry = new HttpSchemaRegistryClient(SchemaRegistryConfig.of(stack.registryUrl()));
        return TopicRecords.readUntil(stack, topic, new AvroWireDeserializer<>(registry, type), done, timeout);
    }
}
