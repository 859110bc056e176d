package dev.voxpipe.schemas;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;
import org.apache.avro.SchemaCompatibility.SchemaCompatibilityType;
import org.junit.jupiter.api.Test;

/** BACKWARD: a consumer on the current schema reads everything written with the released one. */
class SchemaEvolutionTest {

    @Test
    void everyCurrentSchemaReadsItsReleasedVersion() {
        Map<String, Schema> released = ReleasedSchemas.load(
                ReleasedSchemas.LATEST_RELEASE, TopicValueSchemas.releasedRecordNames());
        assertEquals(TopicValueSchemas.ALL.size() - TopicValueSchemas.NEW_SINCE_RELEASE.size(), released.size());
        for (Schema current : TopicValueSchemas.ALL) {
            if (TopicValueSchemas.NEW_SINCE_RELEASE.contains(current.getName())) continue;
            Schema writer = released.get(current.getName());
            var result = SchemaCompatibility.checkReaderWriterCompatibility(current, writer);
            assertEquals(SchemaCompatibilityType.COMPATIBLE, result.getType(),
                    () -> current.getName() + " is not backward compatible with release "
                            + ReleasedSchemas.LATEST_RELEASE + ": " + result.getResult().getIncompatibilities());
        }
    }

    @Test
    void aRequiredFieldWithoutDefaultIsCaught() {
        Schema released = RawAudioUploaded.getClassSchema();
        Schema broken = SchemaChanges.withRequiredField(released, "priority", Schema.Type.INT);
        assertTrue(broken.getField("priority") != null, "fixture must add the field");
        var result = SchemaCompatibility.checkReaderWriterCompatibility(broken, released);
        assertFalse(result.getType() == SchemaCompatibilityType.COMPATIBLE);
    }

    @Test
    void generatedClassesEmbedSharedTypesSoRegisteredSchemasAreSelfContained() {
        for (Schema schema : TopicValueSchemas.ALL) {
            Schema reparsed = new Schema.Parser().parse(schema.toString());
            assertEquals(schema, reparsed, schema.getName());
        }
    }
}
