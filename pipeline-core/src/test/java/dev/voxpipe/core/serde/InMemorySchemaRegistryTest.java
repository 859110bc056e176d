package dev.voxpipe.core.serde;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.voxpipe.schemas.RawAudioUploaded;
import org.apache.avro.Schema;
import org.apache.avro.SchemaBuilder;
import org.junit.jupiter.api.Test;

/** The in-memory registry follows the registry's rules, so the serde behaves on it as on a real one. */
class InMemorySchemaRegistryTest {

    private static final Schema V1 = SchemaBuilder.record("Thing").namespace("t").fields()
            .requiredString("name").endRecord();
    private static final Schema V2_WITH_DEFAULT = SchemaBuilder.record("Thing").namespace("t").fields()
            .requiredString("name").name("size").type().intType().intDefault(0).endRecord();
    private static final Schema V2_WITHOUT_DEFAULT = SchemaBuilder.record("Thing").namespace("t").fields()
            .requiredString("name").requiredInt("size").endRecord();

    @Test
    void serdeRoundTripsARecordInTheConfluentWireFormat() {
        InMemorySchemaRegistry registry = new InMemorySchemaRegistry();
        AvroWireSerde<RawAudioUploaded> serde = AvroWireSerde.of(registry, RawAudioUploaded.class);
        RawAudioUploaded upload = Fixtures.upload("up-1");

        byte[] bytes = serde.serializer().serialize("voxpipe.audio.uploaded", upload);

        assertEquals(WireFormat.MAGIC_BYTE, bytes[0]);
        int id = WireFormat.schemaId(bytes, "voxpipe.audio.uploaded");
        assertEquals(upload.getSchema(), registry.schemaById(id));
        assertEquals(id, registry.lookup("voxpipe.audio.uploaded-value", upload.getSchema()));
        assertEquals(upload, serde.deserializer().deserialize("voxpipe.audio.uploaded", bytes));
    }

    @Test
    void oneSchemaHasOneIdAcrossSubjectsAndDistinctSchemasDistinctIds() {
        InMemorySchemaRegistry registry = new InMemorySchemaRegistry();
        int a = registry.register("a-value", V1);
        assertEquals(a, registry.register("b-value", V1));
        assertEquals(a, registry.register("a-value", V1));
        assertNotEquals(a, registry.register("a-value", V2_WITH_DEFAULT));
    }

    @Test
    void backwardIsTheDefaultAndRefusesAFieldWithoutADefault() {
        InMemorySchemaRegistry registry = new InMemorySchemaRegistry();
        registry.register("s-value", V1);
        assertTrue(registry.isCompatibleWithLatest("s-value", V2_WITH_DEFAULT));
        assertFalse(registry.isCompatibleWithLatest("s-value", V2_WITHOUT_DEFAULT));
        var refused = assertThrows(SchemaRegistryException.Incompatible.class,
                () -> registry.register("s-value", V2_WITHOUT_DEFAULT));
        assertTrue(refused.getMessage().contains("s-value"), refused.getMessage());

        registry.setCompatibility("s-value", "NONE");
        registry.register("s-value", V2_WITHOUT_DEFAULT);
        assertEquals(V2_WITHOUT_DEFAULT, registry.schemaById(registry.lookup("s-value", V2_WITHOUT_DEFAULT)));
    }

    @Test
    void unknownIdsAndUnregisteredSchemasAreClearErrors() {
        InMemorySchemaRegistry registry = new InMemorySchemaRegistry();
        var unknown = assertThrows(SchemaRegistryException.UnknownSchemaId.class, () -> registry.schemaById(42));
        assertEquals(42, unknown.schemaId());
        var missing = assertThrows(SchemaRegistryException.Rejected.class, () -> registry.lookup("s-value", V1));
        assertEquals(404, missing.status());
        assertThrows(SchemaRegistryException.Rejected.class, () -> registry.setCompatibility("s-value", "SIDEWAYS"));

        byte[] notFramed = {1, 2, 3};
        AvroWireSerde<RawAudioUploaded> serde = AvroWireSerde.of(registry, RawAudioUploaded.class);
        assertThrows(SchemaRegistryException.BadWireFormat.class, () -> serde.deserializer().deserialize("t", notFramed));
        assertArrayEquals(null, serde.serializer().serialize("t", null));
    }
}
