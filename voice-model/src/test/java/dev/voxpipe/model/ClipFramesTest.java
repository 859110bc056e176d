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
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A fine-tuned voice's clip frames: what is stored, and how synthesis is corrected from the nearest of them. */
class ClipFramesTest {
    private static final float[] SHAPE_A = {1, -1, 1, -1, 0, 0};
    private static final float[] SHAPE_B = {0, 0, -1, 1, 2, -2};

    /** Frames at {@code level} plus {@code scale} times A for frames [0, split), B after. */
    private static float[][] twoSounds(int frames, int split, float level, float scale) {
        return twoSounds(frames, split, level, scale, SHAPE_A, SHAPE_B);
    }

    /** Two sounds that stay apart at the keys' resolution (pairs of bins averaged). */
    private static final float[] SHAPE_C = {1, 1, -1, -1, 0, 0};
    private static final float[] SHAPE_D = {0, 0, 1, 1, -1, -1};

    /** Frames at {@code level} plus {@code scale} times {@code first} for frames [0, split), {@code second} after. */
    private static float[][] twoSounds(int frames, int split, float level, float scale, float[] first, float[] second) {
        float[][] mel = new float[frames][first.length];
        for (int t = 0; t < frames; t++) {
            float[] shape = t < split ? first : second;
            for (int b = 0; b < shape.length; b++) mel[t][b] = level + scale * shape[b];
        }
        return mel;
    }

    /** {@code mel} with its last frame made a pause (-30), corrected in place by the voice's clip frames. */
    private static float[][] correctedWithPauseAtEnd(VoiceDelta voice, float[][] mel) {
        java.util.Arrays.fill(mel[mel.length - 1], -30f);
        try (NDManager manager = NDManager.newBaseManager()) {
            ClipFrames.correct(manager, List.<float[][]>of(mel), voice);
        }
        return mel;
    }

    @Test
    void storesEachFramesResidualAgainstItsRenderingAndTheRenderingAsAKeyAtHalfTheBins() {
        float[][] recorded = twoSounds(30, 15, -2f, 1f, SHAPE_C, SHAPE_D);
        float[][] rendered = twoSounds(30, 15, -4f, 0.25f, SHAPE_C, SHAPE_D);   // the voice's rendering: flatter, quieter
        Map<String, ParamStore.Tensor> stored = ClipFrames.of(List.<float[][]>of(recorded), List.<float[][]>of(rendered));

        assertArrayEquals(new long[]{30, 6}, stored.get(ClipFrames.RESIDUALS).shape());
        assertArrayEquals(new long[]{30, 3}, stored.get(ClipFrames.KEYS).shape());
        for (int b = 0; b < 6; b++) {
            assertEquals(0.75f * SHAPE_C[b], stored.get(ClipFrames.RESIDUALS).data()[b], 1e-5f, "shape minus shape, bin " + b);
        }
        assertArrayEquals(new float[]{0.25f, -0.25f, 0f}, java.util.Arrays.copyOfRange(stored.get(ClipFrames.KEYS).data(), 0, 3),
                1e-5f, "the rendering's shape, pairs of bins averaged");
        float[] matchable = stored.get(ClipFrames.MATCHABLE).data();
        for (int t = 0; t < 30; t++) {
            assertEquals(t >= ClipFrames.CONTEXT && t < 30 - ClipFrames.CONTEXT ? 1f : 0f, matchable[t], "frame " + t);
        }
        assertTrue(ClipFrames.carried(new VoiceDelta("base", new float[]{0f}, stored)));
        assertThrows(IllegalArgumentException.class, () -> ClipFrames.of(List.<float[][]>of(recorded),
                List.<float[][]>of(twoSounds(29, 15, -4f, 0.25f, SHAPE_C, SHAPE_D))), "a rendering must match its clip frame for frame");
    }

    @Test
    void speechFramesGetTheResidualsOfTheSameSoundAndKeepTheirLevel() {
        float[][] recorded = twoSounds(30, 15, -2f, 1f, SHAPE_C, SHAPE_D);
        float[][] rendered = twoSounds(30, 15, -4f, 0.25f, SHAPE_C, SHAPE_D);
        VoiceDelta voice = new VoiceDelta("base", new float[]{0f},
                ClipFrames.of(List.<float[][]>of(recorded), List.<float[][]>of(rendered)));

        // a new sentence rendered the way the voice renders: the same two sounds, flat, then a pause
        float[][] mel = correctedWithPauseAtEnd(voice, twoSounds(24, 10, -3f, 0.25f, SHAPE_D, SHAPE_C));
        double share = ClipFrames.RESIDUAL_SHARE;
        for (int b = 0; b < 6; b++) {
            // 16-bit residuals: within a few thousandths of 0.75 x the sound's shape
            assertEquals(-3f + (0.25f + share * 0.75f) * SHAPE_D[b], mel[5][b], 3e-3f, "sound D, bin " + b);
            assertEquals(-3f + (0.25f + share * 0.75f) * SHAPE_C[b], mel[16][b], 3e-3f, "sound C, bin " + b);
            assertEquals(-30f, mel[23][b], 0f, "a pause is left alone");
        }
    }

    @Test
    void residualsAndKeysTravelIn16Bits() {
        float[][] clip = new float[1000][100];
        float[][] rendering = new float[1000][100];
        java.util.Random r = new java.util.Random(7);
        for (int t = 0; t < clip.length; t++) {
            for (int b = 0; b < 100; b++) {
                clip[t][b] = (float) (r.nextGaussian() - 5);
                rendering[t][b] = (float) (r.nextGaussian() - 5);
            }
        }
        VoiceDelta voice = new VoiceDelta("base", new float[]{0.5f},
                ClipFrames.of(List.<float[][]>of(clip), List.<float[][]>of(rendering)));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        voice.write(out);
        assertTrue(out.size() < 1000 * 150 * 2 + 1000 * 4 + 10_000, "16-bit residuals and keys: " + out.size() + " bytes");
        VoiceDelta back = VoiceDelta.read(new ByteArrayInputStream(out.toByteArray()));
        for (String name : List.of(ClipFrames.RESIDUALS, ClipFrames.KEYS, ClipFrames.MATCHABLE)) {
            assertArrayEquals(voice.overrides().get(name).data(), back.overrides().get(name).data(), 0f, name);
        }
    }

    @Test
    void olderVoicesStoreEachFramesShapeAndMarkSpeechFramesWithContextInTheirOwnClip() {
        float[][] speech = twoSounds(30, 15, -2f, 1f);
        float[][] tooShort = twoSounds(3, 3, -2f, 1f);
        Map<String, ParamStore.Tensor> stored = ClipFrames.shapesOf(List.of(speech, tooShort));

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
        float[][] fits = new float[500][2];
        Map<String, ParamStore.Tensor> stored = ClipFrames.shapesOf(List.of(long1, long2, tooMany, fits));
        assertEquals(6500, stored.get(ClipFrames.FRAMES).shape()[0], "6000 + 500: the clip that would overflow is left out");
        assertTrue(6500 <= ClipFrames.MAX_FRAMES && 9000 > ClipFrames.MAX_FRAMES);
        assertEquals(List.of(0, 1, 3), ClipFrames.kept(List.of(long1, long2, tooMany, fits)));
    }

    @Test
    void olderVoicesSpeechFramesMoveTowardsTheSameSoundInTheClipsAndKeepTheirLevel() {
        Map<String, ParamStore.Tensor> stored = ClipFrames.shapesOf(List.<float[][]>of(twoSounds(30, 15, -2f, 1f)));
        VoiceDelta voice = new VoiceDelta("base", new float[]{0f}, stored);
        assertTrue(ClipFrames.carried(voice));

        // the rendering says the same two sounds with half the spectral contrast, and ends in a pause
        float[][] mel = correctedWithPauseAtEnd(voice, twoSounds(24, 10, -3f, 0.5f));
        double share = ClipFrames.SHAPE_SHARE;
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
    void olderVoicesClipFramesTravelIn16BitsAndReadBackExactly() {
        float[][] clip = new float[1000][100];
        java.util.Random r = new java.util.Random(7);
        for (float[] frame : clip) for (int b = 0; b < frame.length; b++) frame[b] = (float) (r.nextGaussian() - 5);
        VoiceDelta voice = new VoiceDelta("base", new float[]{0.5f}, ClipFrames.shapesOf(List.<float[][]>of(clip)));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        voice.write(out);
        assertTrue(out.size() < 1000 * 100 * 3, "16-bit frames: " + out.size() + " bytes");
        VoiceDelta back = VoiceDelta.read(new ByteArrayInputStream(out.toByteArray()));
        assertArrayEquals(voice.overrides().get(ClipFrames.FRAMES).data(), back.overrides().get(ClipFrames.FRAMES).data(), 0f);
        assertArrayEquals(voice.overrides().get(ClipFrames.MATCHABLE).data(), back.overrides().get(ClipFrames.MATCHABLE).data(), 0f);
    }
}
