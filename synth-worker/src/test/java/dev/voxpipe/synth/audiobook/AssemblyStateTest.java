package dev.voxpipe.synth.audiobook;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.voxpipe.schemas.SynthesisChunkResult;
import dev.voxpipe.schemas.common.AudioFormat;
import dev.voxpipe.schemas.common.BlobRef;
import java.time.Instant;
import java.util.List;
import org.apache.kafka.common.serialization.Serde;
import org.junit.jupiter.api.Test;

/** The assembler's per-request state: chunks kept by index, the first failure, and the completed marker. */
class AssemblyStateTest {

    @Test
    void aRedeliveredChunkReplacesItselfAndTheBookIsCompleteWhenEveryIndexIsIn() {
        AssemblyState state = AssemblyState.start(ok(1, 3));
        state = state.with(ok(1, 3)).with(ok(1, 3)).with(ok(0, 3));
        assertEquals(2, state.parts().size(), "a duplicate is not counted twice");
        assertFalse(state.allChunksIn());
        state = state.with(ok(2, 3));
        assertTrue(state.allChunksIn());
        assertEquals(List.of(0, 1, 2), List.copyOf(state.parts().keySet()), "parts in chunk order");
        assertEquals("synthesis/r1/chunks/2.wav", state.parts().get(2).blobKey());
        assertEquals("MP3", state.format());
        assertNull(state.failure());
    }

    @Test
    void theFirstFailureIsKeptWithItsReason() {
        AssemblyState state = AssemblyState.start(ok(0, 2)).with(ok(0, 2))
                .with(failed(1, "voice model missing")).with(failed(0, "later failure"));
        assertEquals("chunk 1 failed: voice model missing", state.failure());
    }

    @Test
    void completionDropsThePartsButKeepsTheMarkerThroughTheSerde() {
        AssemblyState done = AssemblyState.start(ok(0, 1)).with(ok(0, 1)).markCompleted();
        assertTrue(done.completed());
        assertTrue(done.parts().isEmpty());

        Serde<AssemblyState> serde = AssemblyState.serde();
        AssemblyState inProgress = AssemblyState.start(ok(0, 2)).with(ok(0, 2));
        AssemblyState back = serde.deserializer().deserialize("t", serde.serializer().serialize("t", inProgress));
        assertEquals(inProgress, back, "the store round-trips the state exactly");
        assertTrue(serde.deserializer().deserialize("t", serde.serializer().serialize("t", done)).completed());
        assertNull(serde.serializer().serialize("t", null));
    }

    private static SynthesisChunkResult ok(int index, int count) {
        return base(index, count).setSucceeded(true).setSampleRate(32000).setSampleCount(3200L).setPauseAfterMs(300)
                .setAudio(new BlobRef("synthesis/r1/chunks/" + index + ".wav", "00", 10L, "audio/wav")).build();
    }

    private static SynthesisChunkResult failed(int index, String error) {
        return base(index, 2).setSucceeded(false).setError(error).build();
    }

    private static SynthesisChunkResult.Builder base(int index, int count) {
        return SynthesisChunkResult.newBuilder().setRequestId("r1").setTenantId("t1").setVoiceId("v1")
                .setChunkIndex(index).setChunkCount(count).setFormat(AudioFormat.MP3).setEventTime(Instant.EPOCH);
    }
}
