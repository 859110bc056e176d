package dev.voxpipe.core.serde;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class WireFormatTest {

    @Test
    void readsTheBigEndianSchemaIdAfterTheMagicByte() {
        assertEquals(0x01020304, WireFormat.schemaId(new byte[] {0, 1, 2, 3, 4, 99}, "t"));
    }

    @Test
    void aWrongMagicByteSaysSo() {
        var e = assertThrows(SchemaRegistryException.BadWireFormat.class,
                () -> WireFormat.schemaId(new byte[] {'{', '"', 'a', '"', ':'}, "voxpipe.audio.uploaded"));
        assertTrue(e.getMessage().contains("magic byte 0x7b") && e.getMessage().contains("voxpipe.audio.uploaded"),
                e.getMessage());
    }

    @Test
    void tooShortRecordsSaySo() {
        var e = assertThrows(SchemaRegistryException.BadWireFormat.class, () -> WireFormat.schemaId(new byte[] {0, 1}, "t"));
        assertTrue(e.getMessage().contains("too short"), e.getMessage());
    }

    @Test
    void subjectsFollowTheTopicNameStrategy() {
        assertEquals("voxpipe.audio.uploaded-value", WireFormat.subject("voxpipe.audio.uploaded", false));
        assertEquals("voxpipe.audio.uploaded-key", WireFormat.subject("voxpipe.audio.uploaded", true));
    }
}
