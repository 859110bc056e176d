package dev.voxpipe.core.messaging;

import dev.voxpipe.schemas.DeadLetter;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Optional;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.api.RecordMetadata;

/** Builds dead-letter records: where a record came from, who gave up on it, and why, in words. */
public final class DeadLetters {

    private static final int MAX_REASON = 2000;

    private DeadLetters() {}

    /** A record a consumer loop could not process: its topic, partition, offset, key and value, and why. */
    public static DeadLetter of(String stage, ConsumerRecord<String, byte[]> record, Throwable reason) {
        return of(stage, record.topic(), record.partition(), record.offset(), keyBytes(record.key()), record.value(), reason);
    }

    /**
     * A record a Kafka Streams processor could not process. {@code source} is the processor
     * context's record metadata; without it (a punctuation) the letter names {@code fallbackTopic}
     * at partition and offset -1.
     */
    public static DeadLetter of(String stage, Optional<RecordMetadata> source, String fallbackTopic,
                                Record<String, byte[]> record, Throwable reason) {
        RecordMetadata meta = source.orElse(null);
        return of(stage, meta == null ? fallbackTopic : meta.topic(), meta == null ? -1 : meta.partition(),
                meta == null ? -1 : meta.offset(), keyBytes(record.key()), record.value(), reason);
    }

    /** Cuts a reason to the length a dead letter carries. */
    public static String limit(String reason) {
        return reason.length() > MAX_REASON ? reason.substring(0, MAX_REASON) + "..." : reason;
    }

    // Keys are strings on every VoxPipe topic; a dead letter keeps them as the bytes that were on the wire.
    private static byte[] keyBytes(String key) {
        return key == null ? null : key.getBytes(StandardCharsets.UTF_8);
    }

    public static DeadLetter of(String stage, String topic, int partition, long offset,
                                byte[] key, byte[] value, Throwable error) {
        return DeadLetter.newBuilder()
                .setStage(stage)
                .setSourceTopic(topic == null ? "unknown" : topic)
                .setPartition(partition)
                .setOffset(offset)
                .setErrorClass(error.getClass().getName())
                .setReason(reason(error))
                .setOriginalKey(key == null ? null : ByteBuffer.wrap(key))
                .setOriginalValue(value == null ? null : ByteBuffer.wrap(value))
                .setFailedAt(Instant.now())
                .build();
    }

    /** The innermost useful message, without stack traces. */
    public static String reason(Throwable error) {
        StringBuilder text = new StringBuilder();
        Throwable t = error;
        int depth = 0;
        while (t != null && depth++ < 4) {
            String message = t.getMessage();
            if (message != null && !message.isBlank() && text.indexOf(message) < 0) {
                if (!text.isEmpty()) text.append(": ");
                text.append(message);
            }
            t = t.getCause() == t ? null : t.getCause();
        }
        if (text.isEmpty()) text.append(error.getClass().getSimpleName());
        return limit(text.toString());
    }
}
