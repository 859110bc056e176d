package dev.voxpipe.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import dev.voxpipe.dsp.PitchTracker;
import org.junit.jupiter.api.Test;

class HarmonicVocoderTest {
    static final PitchTracker PITCH = PitchTracker.defaults().withRange(50, 500);

    /** A 1 s buzz at {@code f0} with harmonics falling 6 dB per octave. */
    static float[] buzz(double f0) {
        float[] x = new float[Spectral.SAMPLE_RATE];
        for (int i = 0; i < x.length; i++) {
            double t = i / (double) Spectral.SAMPLE_RATE;
            for (int k = 1; k * f0 < 8000; k++) x[i] += (float) (0.2 / k * Math.sin(2 * Math.PI * k * f0 * t));
        }
        return x;
    }

    static double voicedShare(float[] f0) {
        int voiced = 0;
        for (float v : f0) if (v > 0) voiced++;
        return voiced / (double) f0.length;
    }

    @Test
    void rendersTheGivenPitchAndKeepsTheEnvelope() {
        try (NDManager m = NDManager.newBaseManager()) {
            float[][] mel = Spectral.logMel(buzz(150));
            float[] f0 = new float[mel.length];
            java.util.Arrays.fill(f0, 180f); // told another pitch: it must render that one
            float[] out = HarmonicVocoder.synthesize(m, mel, f0, 1);
            assertEquals((mel.length - 1) * Spectral.HOP, out.length);
            assertVoicedAt(out, 180, "rendered pitch");

            float[][] again = Spectral.logMel(HarmonicVocoder.synthesize(m, mel, constant(mel.length, 150f), 1));
            double diff = 0;
            for (int t = 5; t < mel.length - 5; t++) {
                for (int b = 0; b < 60; b++) diff += Math.abs(again[t][b] - mel[t][b]);
            }
            diff /= (mel.length - 10) * 60.0;
            assertTrue(diff < 1.0, "mean |log-mel difference| below 4.8 kHz: " + diff);
        }
    }

    /** The tracker finds {@code audio} voiced in more than 80 % of its frames, at {@code hz} within 3 Hz on average. */
    static void assertVoicedAt(float[] audio, double hz, String what) {
        float[] tracked = PITCH.f0(audio, Spectral.SAMPLE_RATE, Spectral.HOP);
        assertTrue(voicedShare(tracked) > 0.8, "voiced share " + voicedShare(tracked));
        double mean = 0;
        int n = 0;
        for (float v : tracked) if (v > 0) { mean += v; n++; }
        assertEquals(hz, mean / n, 3, what);
    }

    /** Mean |log-mel difference| over the inner frames and every band. */
    static double melDistance(float[][] a, float[][] b) {
        double diff = 0;
        for (int t = 5; t < a.length - 5; t++) {
            for (int j = 0; j < Spectral.MELS; j++) diff += Math.abs(a[t][j] - b[t][j]);
        }
        return diff / ((a.length - 10) * (double) Spectral.MELS);
    }

    @Test
    void matchingTheEnvelopeBringsTheMelCloserAndKeepsThePitch() {
        try (NDManager m = NDManager.newBaseManager()) {
            float[][] mel = Spectral.logMel(buzz(150));
            float[] f0 = constant(mel.length, 150f);
            HarmonicVocoder.Settings plain = new HarmonicVocoder.Settings(5000, 0, 0, 1500, 1, 0);
            HarmonicVocoder.Settings matched = new HarmonicVocoder.Settings(5000, 0, 0, 1500, 1, 2);
            float[] before = HarmonicVocoder.synthesize(m, mel, f0, 1, plain);
            float[] after = HarmonicVocoder.synthesize(m, mel, f0, 1, matched);
            double d0 = melDistance(Spectral.logMel(before), mel);
            double d1 = melDistance(Spectral.logMel(after), mel);
            assertTrue(d1 < 0.7 * d0, "log-mel distance " + d0 + " -> " + d1);
            assertVoicedAt(after, 150, "pitch after matching");
        }
    }

    @Test
    void unvoicedFramesAreNoiseAndTheOutputIsDeterministic() {
        try (NDManager m = NDManager.newBaseManager()) {
            float[][] mel = Spectral.logMel(buzz(150));
            float[] unvoiced = new float[mel.length];
            float[] out = HarmonicVocoder.synthesize(m, mel, unvoiced, 7);
            assertTrue(voicedShare(PITCH.f0(out, Spectral.SAMPLE_RATE, Spectral.HOP)) < 0.2, "noise is not periodic: " + voicedShare(PITCH.f0(out, Spectral.SAMPLE_RATE, Spectral.HOP)));
            assertArrayEquals(out, HarmonicVocoder.synthesize(m, mel, unvoiced, 7));
            assertThrows(IllegalArgumentException.class, () -> HarmonicVocoder.synthesize(m, mel, new float[3], 1));
            assertEquals(0, HarmonicVocoder.synthesize(m, new float[0][], new float[0], 1).length);
        }
    }

    @Test
    void silenceInTheMelStaysSilentBesideSpeech() {
        try (NDManager m = NDManager.newBaseManager()) {
            float[] x = new float[2 * Spectral.SAMPLE_RATE];
            float[] buzz = buzz(150);
            System.arraycopy(buzz, 0, x, Spectral.SAMPLE_RATE / 2, Spectral.SAMPLE_RATE / 2);  // 0.5-1.0 s sounds
            float[][] mel = Spectral.logMel(x);
            float[] f0 = PITCH.f0(x, Spectral.SAMPLE_RATE, Spectral.HOP);
            float[] out = HarmonicVocoder.synthesize(m, mel, f0, 3);
            // 1.3-1.9 s: digital silence in the input, more than a window away from the buzz
            double e = 0;
            for (int i = (int) (1.3 * Spectral.SAMPLE_RATE); i < (int) (1.9 * Spectral.SAMPLE_RATE); i++) e += out[i] * out[i];
            double dbfs = 10 * Math.log10(e / (0.6 * Spectral.SAMPLE_RATE) + 1e-20);
            assertTrue(dbfs < -70, "silent stretch at " + dbfs + " dBFS");
        }
    }

    @Test
    void aPauseWithHumInItsLowestBandsStaysSilentToo() {
        try (NDManager m = NDManager.newBaseManager()) {
            // a recording's pause is seldom digital silence: a 40 Hz hum far below speech lifts the lowest mel bands
            // off the floor, while every other band stays at it
            float[] x = new float[2 * Spectral.SAMPLE_RATE];
            float[] buzz = buzz(150);
            System.arraycopy(buzz, 0, x, Spectral.SAMPLE_RATE / 2, Spectral.SAMPLE_RATE / 2);
            for (int i = Spectral.SAMPLE_RATE; i < x.length; i++) x[i] += (float) (2e-4 * Math.sin(2 * Math.PI * 40 * i / Spectral.SAMPLE_RATE));
            float[][] mel = Spectral.logMel(x);
            float[] f0 = PITCH.f0(x, Spectral.SAMPLE_RATE, Spectral.HOP);
            int mid = (int) (1.6 * Spectral.SAMPLE_RATE / Spectral.HOP);
            int above = 0;
            for (float v : mel[mid]) if (v > Math.log(1e-5) + 0.1) above++;
            assertTrue(above >= 1 && above <= 5, above + " bands above the floor in the hum");
            HarmonicVocoder.Settings d = HarmonicVocoder.Settings.defaults();
            double[] dbfs = new double[2];
            double[] shares = {d.pauseFloorShare(), 1.0};
            for (int k = 0; k < 2; k++) {
                float[] out = HarmonicVocoder.synthesize(m, mel, f0, 3, d.withPauseFloorShare(shares[k]));
                double e = 0;
                for (int i = (int) (1.3 * Spectral.SAMPLE_RATE); i < (int) (1.9 * Spectral.SAMPLE_RATE); i++) e += out[i] * out[i];
                dbfs[k] = 10 * Math.log10(e / (0.6 * Spectral.SAMPLE_RATE) + 1e-20);
            }
            assertTrue(dbfs[0] < -70, "hum-only stretch at " + dbfs[0] + " dBFS");
            assertTrue(dbfs[1] > dbfs[0] + 10, "a pause counted only when every band is at the floor: " + dbfs[1] + " dBFS");
        }
    }

    @Test
    void voicingStretchesStartOneFrameEarlyToMatchTheTrackersLookBack() {
        float[] f0 = {0, 0, 0, 120, 130, 0, 0};
        float[] widened = HarmonicVocoder.widenVoicing(f0.clone(), 1);
        assertArrayEquals(new float[]{0, 0, 120, 120, 130, 0, 0}, widened);
    }

    @Test
    void unvoicedFramesTakeTheMelsMagnitude() {
        // shaped noise (a resonance near 3 kHz), rendered unvoiced with and without the mel's magnitude imposed
        java.util.Random rng = new java.util.Random(9);
        float[] noise = new float[Spectral.SAMPLE_RATE];
        double a = 0;
        double b = 0;
        for (int i = 0; i < noise.length; i++) {
            double y = 0.05 * rng.nextGaussian() + 1.6 * Math.cos(2 * Math.PI * 3000 / Spectral.SAMPLE_RATE) * 0.95 * a - 0.95 * 0.95 * b;
            b = a;
            a = y;
            noise[i] = (float) (0.05 * y);
        }
        try (NDManager m = NDManager.newBaseManager()) {
            float[][] mel = Spectral.logMel(noise);
            float[] unvoiced = new float[mel.length];
            HarmonicVocoder.Settings d = HarmonicVocoder.Settings.defaults();
            double[] error = new double[2];
            for (int k = 0; k < 2; k++) {
                HarmonicVocoder.Settings s = new HarmonicVocoder.Settings(d.maxVoicedHz(), d.voicedNoiseShare(), -1,
                        d.refineFromHz(), d.voicingLead(), 0, d.learnedAperiodicity(), k == 1, 0, d.pauseFloorShare());
                float[][] again = Spectral.logMel(HarmonicVocoder.synthesize(m, mel, unvoiced, 1, s));
                for (int t = 5; t < mel.length - 5; t++) {
                    for (int j = 0; j < Spectral.MELS; j++) error[k] += Math.abs(again[t][j] - mel[t][j]);
                }
            }
            assertTrue(error[1] < 0.9 * error[0], "log-mel error with the mel's magnitude " + error[1] + " against " + error[0]);
        }
    }

    static float[] constant(int n, float v) {
        float[] f = new float[n];
        java.util.Arrays.fill(f, v);
        return f;
    }
}
