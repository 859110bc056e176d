package dev.voxpipe.dsp;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ResamplerTest {
    /** Gain (dB) of a tone through from -> to, measured away from the edges. */
    static double gainDb(double freq, int from, int to) {
        float[] x = Signals.tone(freq, 0.5, from, 0.5);
        float[] y = Resampler.resample(x, from, to);
        int edge = to / 20;
        return Signals.db(Signals.amplitudeAt(y, freq, to, edge, y.length - edge) / 0.5);
    }

    @ParameterizedTest
    @CsvSource({"44100,32000", "48000,32000", "16000,32000", "22050,32000", "32000,16000", "8000,32000", "44100,48000"})
    void passbandRippleWithinPointOneDb(int from, int to) {
        double edge = 0.85 * Math.min(from, to) / 2;
        double min = Double.MAX_VALUE, max = -Double.MAX_VALUE;
        // a sweep of tones across the passband
        for (int i = 0; i <= 24; i++) {
            double f = 50 + (edge - 50) * i / 24.0;
            double g = gainDb(f, from, to);
            min = Math.min(min, g);
            max = Math.max(max, g);
        }
        assertTrue(max - min <= 0.1, "ripple " + (max - min) + " dB");
        assertTrue(Math.abs(max) <= 0.1 && Math.abs(min) <= 0.1, "gain range " + min + ".." + max);
    }

    @ParameterizedTest
    @CsvSource({"44100,32000,16100", "44100,32000,18000", "44100,32000,21000", "48000,32000,16500", "48000,32000,23000", "32000,16000,9000", "32000,16000,15000"})
    void downsamplingRejectsAboveNewNyquistBy90Db(int from, int to, double freq) {
        float[] x = Signals.tone(freq, 0.5, from, 0.5);
        float[] y = Resampler.resample(x, from, to);
        int edge = to / 20;
        double leak = Signals.rms(y, edge, y.length - edge) * Math.sqrt(2);
        assertTrue(Signals.db(leak / 0.5) <= -90, "alias at " + Signals.db(leak / 0.5) + " dB");
    }

    @ParameterizedTest
    @CsvSource({"16000,32000,1000", "16000,32000,6500", "22050,32000,9000", "8000,32000,3300"})
    void upsamplingRejectsImagesBy90Db(int from, int to, double freq) {
        float[] x = Signals.tone(freq, 0.5, from, 0.5);
        float[] y = Resampler.resample(x, from, to);
        int edge = to / 20;
        // remove the wanted tone; what remains is images and noise
        double a = Signals.amplitudeAt(y, freq, to, edge, y.length - edge);
        double ss = 0, cc = 0, sc = 0, ys = 0, yc = 0;
        for (int i = edge; i < y.length - edge; i++) {
            double s = Math.sin(2 * Math.PI * freq * i / to), c = Math.cos(2 * Math.PI * freq * i / to);
            ss += s * s; cc += c * c; sc += s * c; ys += y[i] * s; yc += y[i] * c;
        }
        double det = ss * cc - sc * sc, as = (ys * cc - yc * sc) / det, ac = (yc * ss - ys * sc) / det;
        float[] r = new float[y.length];
        for (int i = edge; i < y.length - edge; i++) {
            r[i] = (float) (y[i] - as * Math.sin(2 * Math.PI * freq * i / to) - ac * Math.cos(2 * Math.PI * freq * i / to));
        }
        double residual = Signals.rms(r, edge, y.length - edge) * Math.sqrt(2);
        assertEquals(0.5, a, 0.5 * 0.012);
        assertTrue(Signals.db(residual / 0.5) <= -90, "images at " + Signals.db(residual / 0.5) + " dB");
    }

    @Test
    void lengthAndIdentity() {
        assertEquals(32000, Resampler.resample(new float[44100], 44100, 32000).length);
        assertEquals(Resampler.outputLength(1001, 44100, 32000), Resampler.resample(new float[1001], 44100, 32000).length);
        float[] x = Signals.tone(440, 0.3, 16000, 0.1);
        assertEquals(x.length, Resampler.resample(x, 16000, 16000).length);
        // an awkward ratio takes the interpolated-table path
        float[] y = Resampler.resample(Signals.tone(1000, 0.5, 44056, 0.5), 44056, 32000);
        assertEquals(0.5, Signals.amplitudeAt(y, 1000, 32000, 1600, y.length - 1600), 0.005);
    }
}
