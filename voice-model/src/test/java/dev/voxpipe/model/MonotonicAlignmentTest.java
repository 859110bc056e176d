package dev.voxpipe.model;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class MonotonicAlignmentTest {
    @Test
    void recoversTheAlignmentThatScoresBest() {
        int[] truth = {3, 1, 4, 2};
        int frames = 10;
        float[][] ll = new float[truth.length][frames];
        int f = 0;
        for (int i = 0; i < truth.length; i++) {
            for (int d = 0; d < truth[i]; d++, f++) {
                for (int k = 0; k < truth.length; k++) {
                    ll[k][f] = k == i ? 0f : -5f;
                }
            }
        }
        assertArrayEquals(truth, MonotonicAlignment.durations(ll, truth.length, frames));
    }

    @Test
    void everyTokenGetsAFrameAndFramesAreCovered() {
        java.util.Random rng = new java.util.Random(3);
        float[][] ll = new float[7][30];
        for (float[] row : ll) {
            for (int j = 0; j < row.length; j++) {
                row[j] = (float) rng.nextGaussian();
            }
        }
        int[] d = MonotonicAlignment.durations(ll, 7, 30);
        int sum = 0;
        for (int x : d) {
            assertTrue(x >= 1);
            sum += x;
        }
        assertEquals(30, sum);
        assertThrows(IllegalArgumentException.class, () -> MonotonicAlignment.durations(ll, 7, 5));
    }
}
