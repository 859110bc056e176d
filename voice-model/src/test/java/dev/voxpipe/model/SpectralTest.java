package dev.voxpipe.model;

import ai.djl.ndarray.NDManager;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SpectralTest {
    private static float[] tone(double hz, double seconds) {
        float[] x = new float[(int) (seconds * Spectral.SAMPLE_RATE)];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) (0.5 * Math.sin(2 * Math.PI * hz * i / Spectral.SAMPLE_RATE));
        }
        return x;
    }

    @Test
    void logMelHasOneFramePerHopAndPeaksAtTheTone() {
        try (NDManager m = NDManager.newBaseManager(Devices.preferred())) {
            float[] x = tone(1000, 1.0);
            float[][] mel = Spectral.logMel(m, x);
            assertEquals(Spectral.frameCount(x.length), mel.length);
            assertEquals(101, mel.length);
            float[] mid = mel[50];
            int best = 0;
            for (int k = 1; k < mid.length; k++) {
                if (mid[k] > mid[best]) {
                    best = k;
                }
            }
            // Slaney mel: 1 kHz sits at mel 15; 100 bins over 0..~57.2 mel → bin ≈ 15 / 57.2 * 101 - 1 ≈ 25
            assertTrue(best >= 23 && best <= 27, "peak bin " + best);
            assertTrue(mid[best] > Math.log(1e-5) + 10);
        }
    }

    @Test
    void griffinLimReproducesTheMelSpectrum() {
        try (NDManager m = NDManager.newBaseManager(Devices.preferred())) {
            float[] x = new float[Spectral.SAMPLE_RATE];
            float[] a = tone(220, 1.0);
            float[] b = tone(660, 1.0);
            for (int i = 0; i < x.length; i++) {
                x[i] = 0.6f * a[i] + 0.3f * b[i] * (float) Math.sin(Math.PI * i / x.length);
            }
            float[][] mel = Spectral.logMel(m, x);
            float[] y = Spectral.griffinLim(m, mel, 24, 0.99, 1);
            assertEquals((mel.length - 1) * Spectral.HOP, y.length);
            float[][] back = Spectral.logMel(m, y);
            // spectral convergence on the mel power, frames away from the edges
            double err = 0;
            double ref = 0;
            for (int t = 2; t < mel.length - 2; t++) {
                for (int k = 0; k < Spectral.MELS; k++) {
                    double a1 = Math.exp(mel[t][k]);
                    double b1 = Math.exp(back[t][k]);
                    err += (a1 - b1) * (a1 - b1);
                    ref += a1 * a1;
                }
            }
            double convergence = Math.sqrt(err / ref);
            assertTrue(convergence < 0.35, "spectral convergence " + convergence);
        }
    }
}
