package dev.voxpipe.core.messaging;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.voxpipe.schemas.DeadLetter;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.api.RecordMetadata;
import org.junit.jupiter.api.Test;

/** A dead letter says where its record came from, with the key's bytes, and why, in words. */
class DeadLettersTest {

    @Test
    void fromAConsumerRecord() {
        byte[] value = {0, 1, 2};
        var record = new ConsumerRecord<>("voxpipe.training.jobs", 3, 42L, "job-é", value);
        DeadLetter letter = DeadLetters.of("trainer-worker", record,
                new IllegalStateException("outer", new IllegalArgumentException("the real cause")));
        assertEquals("trainer-worker", letter.getStage());
        assertEquals("voxpipe.training.jobs", letter.getSourceTopic());
        assertEquals(3, letter.getPartition());
        assertEquals(42L, letter.getOffset());
        assertArrayEquals("job-é".getBytes(StandardCharsets.UTF_8), bytes(letter.getOriginalKey()));
        assertArrayEquals(value, bytes(letter.getOriginalValue()));
        assertEquals("outer: the real cause", letter.getReason());
        assertEquals(IllegalStateException.class.getName(), letter.getErrorClass());
    }

    @Test
    void fromAStreamsRecordWithAndWithoutMetadata() {
        Record<String, byte[]> record = new Record<>(null, new byte[] {9}, 0L);
        RecordMetadata meta = new RecordMetadata() {
            @Override public String topic() { return "voxpipe.synthesis.requests"; }
            @Override public int partition() { return 5; }
            @Override public long offset() { return 7L; }
        };
        DeadLetter withMeta = DeadLetters.of("audiobook", Optional.of(meta), "fallback", record, new RuntimeException());
        assertEquals("voxpipe.synthesis.requests", withMeta.getSourceTopic());
        assertEquals(5, withMeta.getPartition());
        assertEquals(7L, withMeta.getOffset());
        assertNull(withMeta.getOriginalKey());
        assertEquals("RuntimeException", withMeta.getReason(), "no message: the error's name");

        DeadLetter punctuated = DeadLetters.of("audiobook", Optional.empty(), "fallback", record, new RuntimeException("x"));
        assertEquals("fallback", punctuated.getSourceTopic());
        assertEquals(-1, punctuated.getPartition());
        assertEquals(-1L, punctuated.getOffset());
    }

    @Test
    void longReasonsAreCut() {
        String reason = DeadLetters.limit("x".repeat(5000));
        assertTrue(reason.length() <= 2003 && reason.endsWith("..."), "length " + reason.length());
        assertEquals("short", DeadLetters.limit("short"));
    }

    private static byte[] bytes(java.nio.ByteBuffer buffer) {
        byte[] out = new byte[buffer.remaining()];
        buffer.duplicate().get(out);
        return out;
    }

}
