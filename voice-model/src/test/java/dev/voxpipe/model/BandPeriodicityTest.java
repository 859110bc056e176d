package dev.voxpipe.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.Random;

/** The training target of the vocoder's learned part: periodic bands score near 1, noise near 0. */
class BandPeriodicityTest {

    @Test
    void aBuzzIsPeriodicInEveryBandAndNoiseInNone() {
        try (NDManager m = NDManager.newBaseManager()) {
            for (double f0 : new double[]{95, 150, 230}) {
                float[] buzz = HarmonicVocoderTest.buzz(f0);
                double[] periodic = meanByBand(BandPeriodicity.measure(m, buzz, constant(buzz, (float) f0)));
                for (int b = 0; b < BandPeriodicity.BANDS; b++) {
                    assertTrue(periodic[b] > 0.9, f0 + " Hz buzz, band " + b + ": " + Arrays.toString(periodic));
                }
                // told a pitch 1 % off, the lag search still finds the upper harmonics
                double[] off = meanByBand(BandPeriodicity.measure(m, buzz, constant(buzz, (float) (f0 * 1.01))));
                assertTrue(off[BandPeriodicity.BANDS - 1] > 0.8, "1 % pitch error: " + Arrays.toString(off));
            }
            Random rng = new Random(3);
            float[] noise = new float[Spectral.SAMPLE_RATE];
            for (int i = 0; i < noise.length; i++) noise[i] = (float) (0.1 * rng.nextGaussian());
            double[] periodic = meanByBand(BandPeriodicity.measure(m, noise, constant(noise, 150f)));
            for (int b = 0; b < BandPeriodicity.BANDS; b++) {
                assertTrue(periodic[b] < 0.35, "noise, band " + b + ": " + Arrays.toString(periodic));
            }
        }
    }

    @Test
    void unvoicedFramesHaveNoRowAndBandsFollowTheEdges() {
        try (NDManager m = NDManager.newBaseManager()) {
            float[] buzz = HarmonicVocoderTest.buzz(150);
            float[] f0 = constant(buzz, 150f);
            f0[10] = 0;
            float[][] rows = BandPeriodicity.measure(m, buzz, f0);
            assertNull(rows[10]);
            assertEquals(BandPeriodicity.BANDS, rows[11].length);
        }
        assertEquals(0, BandPeriodicity.band(100));
        assertEquals(2, BandPeriodicity.band(1500));
        assertEquals(BandPeriodicity.BANDS - 1, BandPeriodicity.band(4999));
        assertEquals(BandPeriodicity.BANDS - 1, BandPeriodicity.band(7000));
    }

    private static float[] constant(float[] pcm, float f0) {
        float[] f = new float[Spectral.frameCount(pcm.length)];
        Arrays.fill(f, f0);
        return f;
    }

    /** Mean by band over the voiced frames away from the edges (the signal's first and last 50 ms are padded). */
    private static double[] meanByBand(float[][] rows) {
        double[] sum = new double[BandPeriodicity.BANDS];
        int n = 0;
        for (int t = 5; t < rows.length - 5; t++) {
            if (rows[t] == null) continue;
            for (int b = 0; b < sum.length; b++) sum[b] += rows[t][b];
            n++;
        }
        for (int b = 0; b < sum.length; b++) sum[b] /= n;
        return sum;
    }
}
