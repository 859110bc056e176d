package dev.voxpipe.dsp;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;

class FftTest {
    @ParameterizedTest
    @ValueSource(ints = {1, 2, 3, 4, 5, 7, 8, 12, 15, 30, 49, 64, 100, 640, 1280, 1024})
    void complexMatchesNaiveDft(int n) {
        Random rnd = new Random(n);
        double[] re = new double[n], im = new double[n];
        for (int i = 0; i < n; i++) {
            re[i] = rnd.nextGaussian();
            im[i] = rnd.nextGaussian();
        }
        double[] er = new double[n], ei = new double[n];
        for (int k = 0; k < n; k++) {
            for (int j = 0; j < n; j++) {
                double th = -2 * Math.PI * ((long) j * k % n) / n;
                er[k] += re[j] * Math.cos(th) - im[j] * Math.sin(th);
                ei[k] += re[j] * Math.sin(th) + im[j] * Math.cos(th);
            }
        }
        double[] r2 = re.clone(), i2 = im.clone();
        Fft fft = new Fft(n);
        fft.forward(r2, i2);
        for (int k = 0; k < n; k++) {
            assertEquals(er[k], r2[k], 1e-9 * n, "re bin " + k);
            assertEquals(ei[k], i2[k], 1e-9 * n, "im bin " + k);
        }
        fft.inverse(r2, i2);
        for (int j = 0; j < n; j++) {
            assertEquals(re[j], r2[j], 1e-9);
            assertEquals(im[j], i2[j], 1e-9);
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {2, 10, 1280, 1024, 512, 96})
    void realMatchesComplexAndInverts(int n) {
        Random rnd = new Random(n);
        double[] x = new double[n];
        for (int i = 0; i < n; i++) x[i] = rnd.nextGaussian();
        double[] re = x.clone(), im = new double[n];
        new Fft(n).forward(re, im);
        double[] rr = new double[n / 2 + 1], ri = new double[n / 2 + 1];
        Fft.Real real = new Fft.Real(n);
        real.forward(x, rr, ri);
        for (int k = 0; k <= n / 2; k++) {
            assertEquals(re[k], rr[k], 1e-9, "re " + k);
            assertEquals(im[k], ri[k], 1e-9, "im " + k);
        }
        double[] back = new double[n];
        real.inverse(rr, ri, back);
        for (int i = 0; i < n; i++) assertEquals(x[i], back[i], 1e-9);
    }
}
