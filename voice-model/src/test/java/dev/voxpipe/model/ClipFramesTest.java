package dev.voxpipe.model;

import ai.djl.ndarray.NDManager;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A fine-tuned voice's clip frames: what is stored, and how synthesis moves towards the nearest of them. */
class ClipFramesTest {
    private static final float[] SHAPE_A = {1, -1, 1, -1, 0, 0};
    private static final float[] SHAPE_B = {0, 0, -1, 1, 2, -2};

    /** Frames at {@code level} plus {@code scale} times A for frames [0, split), B after. */
    private static float[][] twoSounds(int frames, int split, float level, float scale) {
        float[][] mel = new float[frames][SHAPE_A.length];
        for (int t = 0; t < frames; t++) {
            float[] shape = t < split ? SHAPE_A : SHAPE_B;
            for (int b = 0; b < shape.length; b++) mel[t][b] = level + scale * shape[b];
        }
        return mel;
    }

    @Test
    void storesEachFramesShapeAndMarksSpeechFramesWithContextInTheirOwnClip() {
        float[][] speech = twoSounds(30, 15, -2f, 1f);
        float[][] tooShort = twoSounds(3, 3, -2f, 1f);
        Map<String, ParamStore.Tensor> stored = ClipFrames.of(List.of(speech, tooShort));

        ParamStore.Tensor frames = stored.get(ClipFrames.FRAMES);
        assertArrayEquals(new long[]{33, 6}, frames.shape());
        float[] first = java.util.Arrays.copyOfRange(frames.data(), 0, 6);
        assertArrayEquals(SHAPE_A, first, 1e-3f, "the level is taken off, the shape kept");
        float[] matchable = stored.get(ClipFrames.MATCHABLE).data();
        for (int t = 0; t < 33; t++) {
            boolean expected = t >= ClipFrames.CONTEXT && t < 30 - ClipFrames.CONTEXT;
            assertEquals(expected ? 1f : 0f, matchable[t], "frame " + t);
        }
    }

    @Test
    void keepsWholeClipsUpToTheCap() {
        float[][] long1 = new float[3000][2];
        float[][] long2 = new float[3000][2];
        float[][] tooMany = new float[3000][2];
        float[][] fits = new float[1500][2];
        Map<String, ParamStore.Tensor> stored = ClipFrames.of(List.of(long1, long2, tooMany, fits));
        assertEquals(7500, stored.get(ClipFrames.FRAMES).shape()[0], "6000 + 1500: the clip that would overflow is left out");
        assertTrue(7500 <= ClipFrames.MAX_FRAMES);
    }

    @Test
    void speechFramesMoveTowardsTheSameSoundInTheClipsAndKeepTheirLevel() {
        Map<String, ParamStore.Tensor> stored = ClipFrames.of(List.<float[][]>of(twoSounds(30, 15, -2f, 1f)));
        VoiceDelta voice = new VoiceDelta("base", new float[]{0f}, stored);
        assertTrue(ClipFrames.carried(voice));

        // the rendering says the same two sounds with half the spectral contrast, and ends in a pause
        float[][] mel = twoSounds(24, 10, -3f, 0.5f);
        for (int b = 0; b < 6; b++) mel[23][b] = -30f;
        try (NDManager manager = NDManager.newBaseManager()) {
            ClipFrames.moveTowards(manager, List.<float[][]>of(mel), voice);
        }
        double share = ClipFrames.SHARE;
        for (int b = 0; b < 6; b++) {
            // frame 5 (its whole context is sound A) is moved towards A, frame 16 towards B; both keep level -3
            assertEquals(-3f + (0.5f + share * 0.5f) * SHAPE_A[b], mel[5][b], 2e-3f, "sound A, bin " + b);
            assertEquals(-3f + (0.5f + share * 0.5f) * SHAPE_B[b], mel[16][b], 2e-3f, "sound B, bin " + b);
            assertEquals(-30f, mel[23][b], 0f, "a pause is left alone");
        }
    }

    @Test
    void voicesWithoutClipFramesAreNotMatched() {
        assertFalse(ClipFrames.carried(new VoiceDelta("base", new float[]{0f}, Map.of())));
        assertFalse(ClipFrames.carried(null));
    }

    @Test
    void clipFramesTravelIn16BitsAndReadBackExactly() {
        float[][] clip = new float[1000][100];
        java.util.Random r = new java.util.Random(7);
        for (float[] frame : clip) for (int b = 0; b < frame.length; b++) frame[b] = (float) (r.nextGaussian() - 5);
        VoiceDelta voice = new VoiceDelta("base", new float[]{0.5f}, ClipFrames.of(List.<float[][]>of(clip)));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        voice.write(out);
        assertTrue(out.size() < 1000 * 100 * 3, "16-bit frames: " + out.size() + " bytes");
        VoiceDelta back = VoiceDelta.read(new ByteArrayInputStream(out.toByteArray()));
        assertArrayEquals(voice.overrides().get(ClipFrames.FRAMES).data(), back.overrides().get(ClipFrames.FRAMES).data(), 0f);
        assertArrayEquals(voice.overrides().get(ClipFrames.MATCHABLE).data(), back.overrides().get(ClipFrames.MATCHABLE).data(), 0f);
    }
}
