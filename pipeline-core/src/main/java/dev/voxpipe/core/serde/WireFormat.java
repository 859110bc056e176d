package dev.voxpipe.core.serde;

import java.nio.ByteBuffer;

/** The Confluent wire format: magic byte 0, 4-byte big-endian schema id, then Avro binary. */
public final class WireFormat {
    public static final byte MAGIC_BYTE = 0;
    public static final int HEADER_SIZE = 5;

    private WireFormat() {}

    /** The schema id of a framed record; explains what is wrong when the bytes are not framed. */
    public static int schemaId(byte[] data, String topic) {
        if (data.length < HEADER_SIZE) {
            throw new SchemaRegistryException.BadWireFormat("record of " + data.length + " bytes on topic " + topic
                    + " is too short for the Confluent wire format (needs at least " + HEADER_SIZE + ")");
        }
        if (data[0] != MAGIC_BYTE) {
            throw new SchemaRegistryException.BadWireFormat(String.format(
                    "unknown magic byte 0x%02x in record on topic %s: expected 0x00 (Confluent wire format)",
                    data[0] & 0xff, topic));
        }
        return ByteBuffer.wrap(data, 1, 4).getInt();
    }

    public static String subject(String topic, boolean isKey) {
        return topic + (isKey ? "-key" : "-value");
    }
}
