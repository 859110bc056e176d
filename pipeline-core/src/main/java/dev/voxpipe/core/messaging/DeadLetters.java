package dev.voxpipe.core.messaging;

import dev.voxpipe.schemas.DeadLetter;
import java.nio.ByteBuffer;
import java.time.Instant;

/** Builds dead-letter records: where a record came from, who gave up on it, and why, in words. */
public final class DeadLetters {

    private static final int MAX_REASON = 2000;

    private DeadLetters() {}

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
        return text.length() > MAX_REASON ? text.substring(0, MAX_REASON) + "..." : text.toString();
    }
}
