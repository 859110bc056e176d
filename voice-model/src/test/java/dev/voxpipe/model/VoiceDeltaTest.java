package dev.voxpipe.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.util.Map;
import org.junit.jupiter.api.Test;

class VoiceDeltaTest {

    private static byte[] bytes(VoiceDelta v) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        v.write(out);
        return out.toByteArray();
    }

    @Test
    void aDeltaReadsBackAsWritten() {
        VoiceDelta v = new VoiceDelta("base-x", new float[]{0.5f, -1f},
                Map.of("dec.out.w", new ParamStore.Tensor(new long[]{2}, new float[]{1f, 2f})));
        VoiceDelta back = VoiceDelta.read(new ByteArrayInputStream(bytes(v)));
        assertArrayEquals(v.speakerEmbedding(), back.speakerEmbedding());
        assertArrayEquals(new float[]{1f, 2f}, back.overrides().get("dec.out.w").data());
    }

    @Test
    void aDeltaHoldingNaNIsRefusedAsNeedingRetraining() {
        VoiceDelta diverged = new VoiceDelta("base-x", new float[]{0.5f, -1f},
                Map.of("dec.out.w", new ParamStore.Tensor(new long[]{2}, new float[]{1f, Float.NaN})));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> VoiceDelta.read(new ByteArrayInputStream(bytes(diverged))));
        assertTrue(e.getMessage().startsWith("voice_needs_retraining") && e.getMessage().contains("dec.out.w"), e.getMessage());
        VoiceDelta infiniteVoice = new VoiceDelta("base-x", new float[]{Float.POSITIVE_INFINITY, 0f}, Map.of());
        assertThrows(IllegalArgumentException.class, () -> VoiceDelta.read(new ByteArrayInputStream(bytes(infiniteVoice))));
    }
}
