package dev.voxpipe.core.serde;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.voxpipe.core.topics.TopicSpec;
import dev.voxpipe.core.topics.Topics;
import dev.voxpipe.localstack.LocalStack;
import dev.voxpipe.localstack.LocalStackExtension;
import dev.voxpipe.schemas.ReleasedSchemas;
import dev.voxpipe.schemas.SchemaChanges;
import dev.voxpipe.schemas.TopicValueSchemas;
import java.util.Map;
import java.util.UUID;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.apache.avro.Schema;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The evolution policy, enforced by a real registry: each topic's released schema is registered,
 * then the current one under BACKWARD. An incompatible change fails this test.
 */
@ExtendWith(LocalStackExtension.class)
class SchemaCompatibilityIT {

    @Test
    void currentSchemasAreBackwardCompatibleWithTheLastRelease(LocalStack stack) {
        SchemaRegistryClient registry = new HttpSchemaRegistryClient(SchemaRegistryConfig.of(stack.registryUrl()));
        Map<String, Schema> released = ReleasedSchemas.load(ReleasedSchemas.LATEST_RELEASE, TopicValueSchemas.releasedRecordNames());
        Map<String, Schema> current = TopicValueSchemas.ALL.stream()
                .collect(Collectors.toMap(Schema::getName, Function.identity()));
        String run = UUID.randomUUID().toString().substring(0, 8);
        assertEquals(TopicValueSchemas.ALL.size(), Topics.ALL.size(), "every topic has one value schema");
        for (TopicSpec topic : Topics.ALL) {
            String subject = "compat-" + run + "." + topic.valueSubject();
            registry.setCompatibility(subject, "BACKWARD");
            Schema now = current.get(topic.valueRecord());
            if (TopicValueSchemas.NEW_SINCE_RELEASE.contains(topic.valueRecord())) { // no release to be compatible with yet
                registry.register(subject, now);
                continue;
            }
            registry.register(subject, released.get(topic.valueRecord()));
            assertTrue(registry.isCompatibleWithLatest(subject, now),
                    topic.valueRecord() + " is not BACKWARD compatible with release " + ReleasedSchemas.LATEST_RELEASE);
            registry.register(subject, now);
        }
    }

    @Test
    void theRegistryRefusesAnIncompatibleChange(LocalStack stack) {
        SchemaRegistryClient registry = new HttpSchemaRegistryClient(SchemaRegistryConfig.of(stack.registryUrl()));
        String subject = "compat-broken-" + UUID.randomUUID() + "-value";
        Schema released = dev.voxpipe.schemas.TrainingJob.getClassSchema();
        // A new required field without a default: old records cannot be read any more.
        Schema broken = SchemaChanges.withRequiredField(released, "gpuModel", Schema.Type.STRING);
        registry.setCompatibility(subject, "BACKWARD");
        registry.register(subject, released);
        assertFalse(registry.isCompatibleWithLatest(subject, broken));
        var e = assertThrows(SchemaRegistryException.Incompatible.class, () -> registry.register(subject, broken));
        assertTrue(e.getMessage().contains(subject), e.getMessage());
    }
}
