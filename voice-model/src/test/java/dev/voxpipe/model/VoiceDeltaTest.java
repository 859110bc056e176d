package dev.voxpipe.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
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

    /** Adapters are stored as 16-bit floats, already rounded in the delta, so the served voice is the evaluated one. */
    @Test
    void adaptersAreStoredAsHalfFloatsAndReadBackExactlyAsHeld() {
        float[] weights = new float[10_000];
        java.util.Random rng = new java.util.Random(3);
        for (int i = 0; i < weights.length; i++) weights[i] = (float) (rng.nextGaussian() * 0.1);
        float[] settings = {1.2345678f, 187.654321f};
        VoiceDelta v = new VoiceDelta("base-x", new float[]{0.123456789f, -1f}, Map.of(
                "dec.out.w", new ParamStore.Tensor(new long[]{100, 100}, weights),
                "voice.pitch", new ParamStore.Tensor(new long[]{2}, settings)));
        byte[] b = bytes(v);
        assertTrue(b.length < 10_000 * 2 + 200, "16-bit adapters: " + b.length + " bytes");
        float[] held = v.overrides().get("dec.out.w").data();
        for (int i = 0; i < weights.length; i++) {
            assertEquals(weights[i], held[i], Math.abs(weights[i]) * 1e-3 + 1e-7, "rounded, not changed, at " + i);
        }
        VoiceDelta back = VoiceDelta.read(new ByteArrayInputStream(b));
        assertArrayEquals(held, back.overrides().get("dec.out.w").data(), 0f);
        assertArrayEquals(settings, back.overrides().get("voice.pitch").data(), 0f);
        assertArrayEquals(v.speakerEmbedding(), back.speakerEmbedding(), 0f);
        assertEquals(b.length, back.sizeBytes());
    }

    /** Deltas written before 16-bit storage (every tensor 32-bit, "VXP1") still serve. */
    @Test
    void aDeltaInTheEarlier32BitFormatStillReads() throws IOException {
        ParamStore s = new ParamStore();
        s.put("voice.embedding", new ParamStore.Tensor(new long[]{2}, new float[]{0.5f, -1f}));
        s.put("dec.out.w", new ParamStore.Tensor(new long[]{2}, new float[]{0.1234567f, 2f}));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        DataOutputStream d = new DataOutputStream(out);
        d.writeInt(0x56584456);
        d.writeUTF("base-old");
        s.write(d);
        VoiceDelta old = VoiceDelta.read(new ByteArrayInputStream(out.toByteArray()));
        assertEquals("base-old", old.baseModelId());
        assertEquals(Float.float16ToFloat(Float.floatToFloat16(0.1234567f)), old.overrides().get("dec.out.w").data()[0], 0f);
    }

    @Test
    void aWeightOutsideTheHalfFloatRangeStays32Bit() {
        VoiceDelta v = new VoiceDelta("base-x", new float[]{0f}, Map.of(
                "dec.out.w", new ParamStore.Tensor(new long[]{2}, new float[]{1e6f, 0.1f})));
        VoiceDelta back = VoiceDelta.read(new ByteArrayInputStream(bytes(v)));
        assertArrayEquals(new float[]{1e6f, 0.1f}, back.overrides().get("dec.out.w").data(), 0f);
    }
}
