package dev.voxpipe.eval;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class DtwTest {
    @Test
    void identicalSequencesAlignOnTheDiagonal() {
        double[] a = {0, 1, 2, 3, 4};
        Dtw.Path p = Dtw.align(5, 5, (i, j) -> Math.abs(a[i] - a[j]));
        assertArrayEquals(new int[]{0, 1, 2, 3, 4}, p.a());
        assertArrayEquals(new int[]{0, 1, 2, 3, 4}, p.b());
        assertEquals(0, p.meanCost(), 1e-12);
    }

    @Test
    void stretchedSequenceAlignsWithZeroCost() {
        double[] a = {0, 1, 2, 3};
        double[] b = {0, 0, 1, 1, 2, 2, 3, 3};
        Dtw.Path p = Dtw.align(a.length, b.length, (i, j) -> Math.abs(a[i] - b[j]));
        assertEquals(0, p.meanCost(), 1e-12);
        assertEquals(8, p.length());
        assertEquals(0, p.a()[0]);
        assertEquals(3, p.a()[p.length() - 1]);
        assertEquals(7, p.b()[p.length() - 1]);
        for (int k = 1; k < p.length(); k++) { // monotone, unit steps
            assertTrue(p.a()[k] - p.a()[k - 1] <= 1 && p.a()[k] >= p.a()[k - 1]);
            assertTrue(p.b()[k] - p.b()[k - 1] <= 1 && p.b()[k] >= p.b()[k - 1]);
        }
    }

    @Test
    void knownMinimumCost() {
        // a = [1, 5], b = [1, 3, 5]: best path 1-1, 5-3?, 5-5 -> costs 0 + 2 + 0 or 1-3 (2) ... minimum total 2 over 3 steps
        double[] a = {1, 5};
        double[] b = {1, 3, 5};
        Dtw.Path p = Dtw.align(2, 3, (i, j) -> Math.abs(a[i] - b[j]));
        assertEquals(2.0 / 3, p.meanCost(), 1e-12);
    }

    @Test
    void longSequencesStayWithinTheBand() {
        int n = 3000;
        Dtw.Path p = Dtw.align(n, n + 400, (i, j) -> Math.abs(i * (n + 400.0) / n - j));
        assertTrue(p.meanCost() < 1.0, "cost " + p.meanCost());
        assertThrows(IllegalArgumentException.class, () -> Dtw.align(0, 3, (i, j) -> 0));
    }
}
