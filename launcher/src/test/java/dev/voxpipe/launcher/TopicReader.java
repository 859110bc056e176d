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

/**
 * Reads a topic's Avro records through the registry (see {@link TopicRecords}), without its tombstones: the ITs share
 * one stack, and deleting a voice or an upload in one test leaves null values on the clip and feature topics that
 * another test reads.
 */
final class TopicReader {

    private TopicReader() {}

    static <T extends SpecificRecord> List<T> read(LocalStack stack, String topic, Class<T> type,
                                                   Predicate<List<T>> done, Duration timeout) {
        SchemaRegistryClient registry = new HttpSchemaRegistryClient(SchemaRegistryConfig.of(stack.registryUrl()));
        return records(TopicRecords.readUntil(stack, topic, new AvroWireDeserializer<>(registry, type),
                seen -> done.test(records(seen)), timeout));
    }

    private static <T> List<T> records(List<T> values) {
        return values.stream().filter(java.util.Objects::nonNull).toList();
    }
}
