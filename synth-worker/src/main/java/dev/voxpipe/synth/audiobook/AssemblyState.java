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
 */
public record AssemblyState(String requestId, String tenantId, String voiceId, String format, int chunkCount,
                            TreeMap<Integer, Part> parts, String failure, boolean completed) {

    /** One finished chunk: where its audio is and what follows it. */
    public record Part(String blobKey, long sampleCount, int sampleRate, int pauseAfterMs, String chapterTitle,
                       double synthesisSeconds) {}

    static AssemblyState start(SynthesisChunkResult first) {
        return new AssemblyState(first.getRequestId(), first.getTenantId(), first.getVoiceId(),
                first.getFormat().name(), first.getChunkCount(), new TreeMap<>(), null, false);
    }

    AssemblyState with(SynthesisChunkResult result) {
        if (!result.getSucceeded()) {
            String why = "chunk " + result.getChunkIndex() + " failed: " + result.getError();
            return new AssemblyState(requestId, tenantId, voiceId, format, chunkCount, parts,
                    failure == null ? why : failure, completed);
        }
        TreeMap<Integer, Part> next = new TreeMap<>(parts);
        next.put(result.getChunkIndex(), new Part(result.getAudio().getKey(), result.getSampleCount(),
                result.getSampleRate(), result.getPauseAfterMs(), result.getChapterTitle(), result.getSynthesisSeconds()));
        return new AssemblyState(requestId, tenantId, voiceId, format, chunkCount, next, failure, completed);
    }

    boolean allChunksIn() {
        return parts.size() == chunkCount;
    }

    AssemblyState markCompleted() {
        // The parts are no longer needed; keep the marker so late duplicates are ignored.
        return new AssemblyState(requestId, tenantId, voiceId, format, chunkCount, new TreeMap<>(), failure, true);
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
