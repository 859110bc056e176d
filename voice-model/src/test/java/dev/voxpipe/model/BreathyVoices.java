package dev.voxpipe.model;

import java.util.Random;

/** Test signals for the vocoder's aperiodicity: a voice whose upper bands are harmonics or noise. */
public final class BreathyVoices {
    private BreathyVoices() {
    }

    /** 1 s at {@code f0}: harmonics below 2 kHz, and above it harmonics ({@code breathy} false) or noise. */
    public static float[] voice(double f0, boolean breathy, Random rng) {
        float[] x = new float[Spectral.SAMPLE_RATE];
        for (int i = 0; i < x.length; i++) {
            double t = i / (double) Spectral.SAMPLE_RATE;
            double v = 0;
            for (int k = 1; k * f0 < 5000; k++) {
                if (breathy && k * f0 >= 2000) continue;
                v += 0.1 / Math.sqrt(k) * Math.sin(2 * Math.PI * k * f0 * t);
            }
            x[i] = (float) v;
        }
        if (breathy) {
            // white noise high-passed by differencing twice: most of its power above 2 kHz
            double a = 0;
            double b = 0;
            for (int i = 0; i < x.length; i++) {
                double n = 0.05 * rng.nextGaussian();
                x[i] += (float) (n - 2 * a + b);
                b = a;
                a = n;
            }
        }
        return x;
    }
}
