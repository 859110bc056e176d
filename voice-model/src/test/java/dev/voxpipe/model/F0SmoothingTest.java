package dev.voxpipe.model;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The predicted contour's moving average within voiced runs ({@link Synthesizer#smoothWithinVoicedRuns}). */
class F0SmoothingTest {
    @Test
    void jitterWithinARunIsAveragedAway() {
        double[] logF0 = new double[40];
        boolean[] voiced = new boolean[40];
        for (int t = 0; t < 40; t++) {
            voiced[t] = true;
            logF0[t] = Math.log(100) + (t % 2 == 0 ? 0.03 : -0.03); // +-52 cents every frame
        }
        double[] out = Synthesizer.smoothWithinVoicedRuns(logF0, voiced, 3);
        for (int t = 3; t < 37; t++) {
            assertTrue(Math.abs(out[t] - Math.log(100)) < 0.03 / 6, "frame " + t + ": " + out[t]);
        }
    }

    @Test
    void aSlowGlideKeepsItsShape() {
        double[] logF0 = new double[30];
        boolean[] voiced = new boolean[30];
        for (int t = 0; t < 30; t++) {
            voiced[t] = true;
            logF0[t] = Math.log(120) + 0.01 * t; // a steady rise: a moving average leaves a line where it is
        }
        double[] out = Synthesizer.smoothWithinVoicedRuns(logF0, voiced, 3);
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
