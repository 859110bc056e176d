package dev.voxpipe.dsp;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PitchTrackerTest {
    @ParameterizedTest
    @ValueSource(doubles = {80, 120, 200, 310, 450})
    void harmonicToneTracksItsFundamental(double f0) {
        int rate = 32000;
        float[] x = new float[rate];
        for (int h = 1; h <= 8; h++) {
            float[] t = Signals.tone(f0 * h, 0.3 / h, rate, 1);
            for (int i = 0; i < x.length; i++) x[i] += t[i];
        }
        float[] f = PitchTracker.defaults().f0(x, rate, 320);
        assertEquals(1 + x.length / 320, f.length);
        int voiced = 0;
        for (int t = 5; t < f.length - 5; t++) {
            assertEquals(f0, f[t], f0 * 0.01, "frame " + t);
            voiced++;
        }
        assertTrue(voiced > 80);
    }

    /** A glide's estimate at frame t is the pitch at t, not the pitch a hop earlier (the window is centred). */
    @Test
    void aGlideIsTrackedWithoutLag() {
        int rate = 32000;
        float[] x = new float[rate];
        double phase = 0;
        double[] truth = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            truth[i] = 150 * Math.pow(2, i / (double) rate);           // one octave up in a second: 12 semitones/s
            phase += 2 * Math.PI * truth[i] / rate;
            for (int h = 1; h <= 8; h++) x[i] += (float) (0.3 / h * Math.sin(h * phase));
        }
        float[] f = PitchTracker.defaults().f0(x, rate, 320);
        double sumCents = 0;
        int n = 0;
        for (int t = 5; t < f.length - 5; t++) {
            double cents = 1200 * Math.log(f[t] / truth[t * 320]) / Math.log(2);
            sumCents += cents;
            n++;
        }
        // a one-hop (10 ms) lag on this glide reads 12 cents low on average
        assertEquals(0, sumCents / n, 4, "mean error in cents");
    }

    @Test
    void silenceAndNoiseAreUnvoiced() {
        float[] f = PitchTracker.defaults().f0(new float[32000], 32000, 320);
        for (float v : f) assertEquals(0, v);
        java.util.Random r = new java.util.Random(1);
        float[] noise = new float[32000];
        for (int i = 0; i < noise.length; i++) noise[i] = (float) (0.3 * r.nextGaussian());
        float[] fn = PitchTracker.defaults().f0(noise, 32000, 320);
        int voiced = 0;
        for (float v : fn) if (v > 0) voiced++;
        assertTrue(voiced < fn.length / 10, "voiced noise frames " + voiced);
    }

    @Test
    void realSpeakerHasFemaleRangePitch() throws Exception {
        PcmAudio a;
        try (var in = getClass().getResourceAsStream("/fixtures/loud-speech16k.wav")) {
            a = WavIo.read(in);
        }
        float[] f = PitchTracker.defaults().f0(a.samples(), a.sampleRate(), 160);
        double sum = 0;
        int n = 0;
        for (float v : f) if (v > 0) { sum += v; n++; }
        assertTrue(n > f.length / 4, "voiced frames " + n + " of " + f.length);
        double mean = sum / n;
        assertTrue(mean > 150 && mean < 260, "mean F0 " + mean); // Allison Smith, about 200 Hz
    }
}
