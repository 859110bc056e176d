package dev.voxpipe.synth.audiobook;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.voxpipe.schemas.SynthesisChunkResult;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.TreeMap;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.Serializer;

/**
 * What the assembler knows of one request: the finished chunks by index (a redelivered result
 * overwrites its own entry, so nothing is counted twice) and whether the book is done.
 * {@code updatedAt}: when a result last arrived (the watchdog fails a book that stalls);
 * {@code completedAt}: when the book was finished (its marker expires after a while). Both are
 * wall-clock milliseconds; 0 in states written before they existed.
 */
public record AssemblyState(String requestId, String tenantId, String voiceId, String format, int chunkCount,
                            TreeMap<Integer, Part> parts, String failure, boolean completed, long updatedAt, long completedAt) {

    /** One finished chunk: where its audio is and what follows it. */
    public record Part(String blobKey, long sampleCount, int sampleRate, int pauseAfterMs, String chapterTitle,
                       double synthesisSeconds) {}

    static AssemblyState start(SynthesisChunkResult first) {
        return new AssemblyState(first.getRequestId(), first.getTenantId(), first.getVoiceId(),
                first.getFormat().name(), first.getChunkCount(), new TreeMap<>(), null, false, System.currentTimeMillis(), 0);
    }

    AssemblyState with(SynthesisChunkResult result) {
        if (!result.getSucceeded()) {
            String why = "chunk " + result.getChunkIndex() + " failed: " + result.getError();
            return new AssemblyState(requestId, tenantId, voiceId, format, chunkCount, parts,
                    failure == null ? why : failure, completed, System.currentTimeMillis(), completedAt);
        }
        TreeMap<Integer, Part> next = new TreeMap<>(parts);
        next.put(result.getChunkIndex(), new Part(result.getAudio().getKey(), result.getSampleCount(),
                result.getSampleRate(), result.getPauseAfterMs(), result.getChapterTitle(), result.getSynthesisSeconds()));
        return new AssemblyState(requestId, tenantId, voiceId, format, chunkCount, next, failure, completed,
                System.currentTimeMillis(), completedAt);
    }

    /** The chunk indexes not in yet, as text (at most {@code max} listed). */
    String missing(int max) {
        StringBuilder out = new StringBuilder();
        int listed = 0;
        for (int i = 0; i < chunkCount && listed < max; i++) {
            if (!parts.containsKey(i)) {
                out.append(listed++ == 0 ? "" : ", ").append(i);
            }
        }
        int missing = chunkCount - parts.size();
        return missing > listed ? out + " and " + (missing - listed) + " more" : out.toString();
    }

    AssemblyState touched(long now) {
        return new AssemblyState(requestId, tenantId, voiceId, format, chunkCount, parts, failure, completed, now,
                completed && completedAt == 0 ? now : completedAt);
    }

    boolean allChunksIn() {
        return parts.size() == chunkCount;
    }

    AssemblyState markCompleted() {
        // The parts are no longer needed; keep the marker so late duplicates are ignored.
        long now = System.currentTimeMillis();
        return new AssemblyState(requestId, tenantId, voiceId, format, chunkCount, new TreeMap<>(), failure, true, now, now);
    }

    private static final ObjectMapper JSON = new ObjectMapper();

    public static Serde<AssemblyState> serde() {
        Serializer<AssemblyState> serializer = (topic, state) -> {
            try {
                return state == null ? null : JSON.writeValueAsBytes(state);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        };
        Deserializer<AssemblyState> deserializer = (topic, bytes) -> {
            try {
                return bytes == null ? null : JSON.readValue(bytes, AssemblyState.class);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        };
        return Serdes.serdeFrom(serializer, deserializer);
    }
}
