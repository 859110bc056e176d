package dev.voxpipe.launcher;

import dev.voxpipe.core.serde.SchemaRegistryClient;
import dev.voxpipe.core.topics.TopicSpec;
import dev.voxpipe.core.topics.Topics;
import dev.voxpipe.schemas.TopicValueSchemas;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.avro.Schema;

/** Registers each topic's value schema under {@code <topic>-value} with BACKWARD compatibility. */
final class SchemaPublisher {

    private SchemaPublisher() {}

    static Map<String, Integer> registerAll(SchemaRegistryClient registry) {
        Map<String, Schema> byRecord = new LinkedHashMap<>();
        TopicValueSchemas.ALL.forEach(s -> byRecord.put(s.getName(), s));
        Map<String, Integer> ids = new LinkedHashMap<>();
        for (TopicSpec topic : Topics.ALL) {
            Schema schema = byRecord.get(topic.valueRecord());
            if (schema == null) throw new IllegalStateException("no schema for " + topic.valueRecord());
            registry.setCompatibility(topic.valueSubject(), "BACKWARD");
            ids.put(topic.valueSubject(), registry.register(topic.valueSubject(), schema));
        }
        return ids;
    }
}
