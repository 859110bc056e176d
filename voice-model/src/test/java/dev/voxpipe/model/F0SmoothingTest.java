package dev.voxpipe.model;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The predicted contour's moving average within voiced runs ({@link Synthesizer#smoothWithinVoicedRuns}). */
class F0SmoothingTest {
    private static double[] contour(int frames, java.util.function.IntToDoubleFunction logF0) {
        double[] out = new double[frames];
        for (int t = 0; t < frames; t++) out[t] = logF0.applyAsDouble(t);
        return out;
    }

    private static boolean[] allVoiced(int frames) {
        boolean[] voiced = new boolean[frames];
        java.util.Arrays.fill(voiced, true);
        return voiced;
    }

    @Test
    void jitterWithinARunIsAveragedAway() {
        double[] logF0 = contour(40, t -> Math.log(100) + (t % 2 == 0 ? 0.03 : -0.03)); // +-52 cents every frame
        double[] out = Synthesizer.smoothWithinVoicedRuns(logF0, allVoiced(40), 3);
        for (int t = 3; t < 37; t++) {
            assertTrue(Math.abs(out[t] - Math.log(100)) < 0.03 / 6, "frame " + t + ": " + out[t]);
        }
    }

    @Test
    void aSlowGlideKeepsItsShape() {
        double[] logF0 = contour(30, t -> Math.log(120) + 0.01 * t); // a steady rise: a moving average leaves a line
        double[] out = Synthesizer.smoothWithinVoicedRuns(logF0, allVoiced(30), 3);
        for (int t = 3; t < 27; t++) assertEquals(logF0[t], out[t], 1e-12);
    }

    @Test
    void runsDoNotLeakIntoEachOtherAndUnvoicedFramesAreUntouched() {
        double[] logF0 = {5.0, 5.0, 5.0, 1.0, 1.0, 4.0, 4.0, 4.0};
        boolean[] voiced = {true, true, true, false, false, true, true, true};
        double[] out = Synthesizer.smoothWithinVoicedRuns(logF0, voiced, 3);
        assertArrayEquals(logF0, out, 1e-12);
    }

    @Test
    void zeroWidthIsTheIdentity() {
        double[] logF0 = {4.6, 4.7, 4.5, 4.8};
        boolean[] voiced = {true, true, true, true};
        assertArrayEquals(logF0, Synthesizer.smoothWithinVoicedRuns(logF0, voiced, 0), 0);
    }
}
