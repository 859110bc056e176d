package dev.voxpipe.dsp;

import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class StftTest {
    private static final MelConfig CONFIG = MelConfig.defaults();

    private static float[] noisyTone(int samples, long seed) {
        Random rng = new Random(seed);
        float[] x = new float[samples];
        for (int i = 0; i < samples; i++) {
            x[i] = (float) (0.5 * Math.sin(2 * Math.PI * 220 * i / 32000.0) + 0.1 * rng.nextGaussian());
        }
        return x;
    }

    @Test
    void windowedFramesAreTheSamplesTimesTheWindowWithReflectPaddingAtTheEdges() {
        Stft stft = new Stft(CONFIG);
        float[] x = noisyTone(5000, 1);
        float[] frames = stft.windowedFrames(x);
        int n = CONFIG.nFft();
        assertEquals(stft.frameCount(x.length) * n, frames.length);
        double[] w = stft.window();
        // frame 0 starts n/2 before the signal: index i reads x[|i - n/2|] (reflection about sample 0)
        // (delta 0: equal values, where the window's zero may give -0 on one side)
        for (int i = 0; i < n; i++) {
            assertEquals((float) (x[Math.abs(i - n / 2)] * w[i]), frames[i], 0f, "frame 0, index " + i);
        }
        // an inner frame reads the signal as it is
        int t = 5;
        for (int i = 0; i < n; i++) {
            assertEquals((float) (x[t * CONFIG.hopLength() - n / 2 + i] * w[i]), frames[t * n + i], 0f, "frame 5, index " + i);
        }
        // the last frame overhangs the end: index i reads x[2 (len - 1) - j] for j past the end
        int last = stft.frameCount(x.length) - 1;
        int start = last * CONFIG.hopLength() - n / 2;
        for (int i = 0; i < n; i++) {
            int j = start + i;
            int reflected = j < x.length ? j : 2 * (x.length - 1) - j;
            assertEquals((float) (x[reflected] * w[i]), frames[last * n + i], 0f, "last frame, index " + i);
        }
    }

    @Test
    void windowedFramesThroughTheFftGiveTheComplexStft() {
        Stft stft = new Stft(CONFIG);
        float[] x = noisyTone(8000, 2);
        float[][] complex = stft.complex(x);
        float[] frames = stft.windowedFrames(x);
        int n = CONFIG.nFft();
        Fft.Real fft = new Fft.Real(n);
        double[] re = new double[n / 2 + 1];
        double[] im = new double[n / 2 + 1];
        double worst = 0;
        for (int t = 0; t < complex.length; t++) {
            fft.forward(frames, t * n, n, re, im);
            for (int k = 0; k <= n / 2; k++) {
                worst = Math.max(worst, Math.abs(re[k] - complex[t][2 * k]));
                worst = Math.max(worst, Math.abs(im[k] - complex[t][2 * k + 1]));
            }
        }
        // the frames are rounded to float once before the transform: differences at float precision of the bins
        assertEquals(0, worst, 1e-4, "largest bin difference");
    }

    @Test
    void inverseReconstructsTheSignalAndOverlapAddIsItsSecondHalf() {
        Stft stft = new Stft(CONFIG);
        float[] x = noisyTone(9600, 3);
        float[][] complex = stft.complex(x);
        float[] back = stft.inverse(complex, x.length);
        double worst = 0;
        for (int i = 0; i < x.length; i++) worst = Math.max(worst, Math.abs(back[i] - x[i]));
        assertEquals(0, worst, 1e-5, "largest reconstruction error");

        // the same frames' inverse FFTs handed to overlapAdd give the same samples
        int n = CONFIG.nFft();
        Fft.Real fft = new Fft.Real(n);
        float[] signals = new float[complex.length * n];
        double[] re = new double[n / 2 + 1];
        double[] im = new double[n / 2 + 1];
        double[] buf = new double[n];
        for (int t = 0; t < complex.length; t++) {
            for (int k = 0; k <= n / 2; k++) {
                re[k] = complex[t][2 * k];
                im[k] = complex[t][2 * k + 1];
            }
            fft.inverse(re, im, buf);
            for (int i = 0; i < n; i++) signals[t * n + i] = (float) buf[i];
        }
        float[] added = stft.overlapAdd(signals, complex.length, x.length);
        for (int i = 0; i < x.length; i++) assertEquals(back[i], added[i], 0f, "sample " + i);

        // any partition of the frames: the shares add up to the whole inverse, and a listed frame is cut as before
        int frames = complex.length;
        int[] even = java.util.stream.IntStream.range(0, frames).filter(t -> t % 3 == 0).toArray();
        int[] rest = java.util.stream.IntStream.range(0, frames).filter(t -> t % 3 != 0).toArray();
        float[] sum = stft.overlapAdd(pick(signals, even, n), even, frames, x.length);
        float[] other = stft.overlapAdd(pick(signals, rest, n), rest, frames, x.length);
        for (int i = 0; i < x.length; i++) assertEquals(back[i], sum[i] + other[i], 1e-6, "sample " + i);
        float[] all = stft.windowedFrames(x);
        float[] some = stft.windowedFrames(x, rest);
        for (int k = 0; k < rest.length; k++) {
            for (int i = 0; i < n; i++) assertEquals(all[rest[k] * n + i], some[k * n + i], 0f);
        }
    }

    private static float[] pick(float[] signals, int[] frames, int n) {
        float[] out = new float[frames.length * n];
        for (int k = 0; k < frames.length; k++) System.arraycopy(signals, frames[k] * n, out, k * n, n);
        return out;
    }

    @Test
    void overlapAddRejectsASignalOfTheWrongSize() {
        Stft stft = new Stft(CONFIG);
        assertThrows(IllegalArgumentException.class, () -> stft.overlapAdd(new float[100], 2, 320));
    }
}
