package dev.voxpipe.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Random;

import org.junit.jupiter.api.Test;

import dev.voxpipe.dsp.PcmAudio;

class MelCepstrumAndMcdTest {
    /** A crude vowel: harmonics of f0 shaped by two formant resonances, with a little noise. */
    static PcmAudio vowel(double f0, double f1, double f2, double seconds, int rate, long seed) {
        Random random = new Random(seed);
        int n = (int) (seconds * rate);
        float[] x = new float[n];
        for (int h = 1; h * f0 < rate / 2.0 - 200; h++) {
            double f = h * f0;
            double gain = 1 / (1 + Math.pow((f - f1) / 120, 2)) + 0.6 / (1 + Math.pow((f - f2) / 180, 2)) + 0.02;
            double phase = random.nextDouble() * 2 * Math.PI;
            for (int i = 0; i < n; i++) x[i] += (float) (0.1 * gain * Math.sin(2 * Math.PI * f * i / rate + phase));
        }
        for (int i = 0; i < n; i++) x[i] += (float) (0.001 * random.nextGaussian());
        return new PcmAudio(x, rate);
    }

    /**
     * A diphthong (formants moving from /a/ to /i/, which anchors the alignment in time) with its pitch gliding from
     * 150 * 2^from to 150 * 2^to Hz, evenly in log-F0.
     */
    static PcmAudio glide(double from, double to, double seconds, int rate) {
        int n = (int) (seconds * rate);
        float[] x = new float[n];
        double phase = 0;
        for (int i = 0; i < n; i++) {
            double t = (double) i / n;
            double f0 = 150 * Math.pow(2, from + (to - from) * t);
            double f1 = 750 - 450 * t;
            double f2 = 1100 + 1200 * t;
            phase += 2 * Math.PI * f0 / rate;
            for (int h = 1; h * f0 < rate / 2.0 - 200; h++) {
                double f = h * f0;
                double gain = 1 / (1 + Math.pow((f - f1) / 150, 2)) + 0.6 / (1 + Math.pow((f - f2) / 200, 2)) + 0.02;
                x[i] += (float) (0.1 * gain * Math.sin(h * phase));
            }
        }
        return new PcmAudio(x, rate);
    }

    @Test
    void theContourMeasureSeesTheSameIntonationWhateverItsRangeAndAnInvertedOne() {
        PcmAudio ref = glide(-0.25, 0.25, 1.5, 16_000);
        EvaluationReport.Summary half = EvaluationHarness.defaults().quick("half", List.of(
                new EvaluationHarness.Item("x", glide(-0.125, 0.125, 1.5, 16_000), ref, "a"))).summary();
        assertTrue(half.f0ContourCorrelation() > 0.9, "correlation " + half.f0ContourCorrelation());
        assertEquals(0.5, half.f0ContourSpread(), 0.1);
        EvaluationReport.Summary inverted = EvaluationHarness.defaults().quick("inverted", List.of(
                new EvaluationHarness.Item("x", glide(0.25, -0.25, 1.5, 16_000), ref, "a"))).summary();
        assertTrue(inverted.f0ContourCorrelation() < -0.5, "correlation " + inverted.f0ContourCorrelation());
    }

    @Test
    void contourSumsRemoveEachSidesOwnLevel() {
        EvaluationHarness.Acoustic a = new EvaluationHarness.Acoustic();
        double[] ref = {0, 1, 2, 3};
        double[] synth = {10, 10.5, 11, 11.5}; // another level, half the range, the same shape
        EvaluationHarness.contour(a, synth, ref, 4);
        assertEquals(1.0, a.contourCross / Math.sqrt(a.contourSynthSq * a.contourRefSq), 1e-12);
        assertEquals(0.5, Math.sqrt(a.contourSynthSq / a.contourRefSq), 1e-12);
        EvaluationHarness.Acoustic one = new EvaluationHarness.Acoustic();
        EvaluationHarness.contour(one, synth, ref, 1);
        assertEquals(0.0, one.contourRefSq, "one pair has no contour");
    }

    @Test
    void identicalAudioHasZeroMcdAndF0Error() {
        PcmAudio a = vowel(150, 700, 1200, 1.5, 32_000, 1);
        EvaluationReport r = EvaluationHarness.defaults().quick("same", List.of(new EvaluationHarness.Item("x", a, a, "a")));
        assertEquals(0.0, r.summary().mcdDb(), 1e-9);
        assertEquals(0.0, r.summary().f0RmseHz(), 1e-9);
        assertEquals(0.0, r.summary().voicingError(), 1e-9);
        assertEquals(1.0, r.summary().speakingRateRatio(), 1e-9);
        assertEquals(150, r.summary().synthF0MeanHz(), 5);
    }

    @Test
    void differentSpectraGiveLargerMcdThanSmallChanges() {
        PcmAudio ref = vowel(150, 700, 1200, 1.5, 32_000, 1);
        PcmAudio sameVowelOtherPhases = vowel(150, 700, 1200, 1.5, 32_000, 2);
        PcmAudio otherVowel = vowel(150, 300, 2300, 1.5, 32_000, 1);
        double near = mcd(sameVowelOtherPhases, ref);
        double far = mcd(otherVowel, ref);
        assertTrue(near < 1.0, "near " + near);
        assertTrue(far > 2.0 && far > 3 * near, "far " + far + " near " + near);
    }

    @Test
    void f0ErrorFollowsThePitchDifference() {
        PcmAudio ref = vowel(150, 700, 1200, 1.5, 16_000, 1);
        PcmAudio higher = vowel(180, 700, 1200, 1.5, 16_000, 1);
        EvaluationReport r = EvaluationHarness.defaults().quick("f0", List.of(new EvaluationHarness.Item("x", higher, ref, "a")));
        assertEquals(30, r.summary().f0RmseHz(), 4);
        assertEquals(1200 * Math.log(180.0 / 150) / Math.log(2), r.summary().f0RmseCents(), 30);
    }

    @Test
    void sampleRatesMayDifferAndAnalysisIsBandLimited() {
        PcmAudio wide = vowel(150, 700, 1200, 1.5, 32_000, 1);
        PcmAudio narrow = wide.resampled(8_000);
        double mcd = mcd(wide, narrow);
        // both analysed up to 4 kHz: the 8 kHz copy of the same signal is nearly identical
        assertTrue(mcd < 0.5, "mcd " + mcd);
    }

    @Test
    void speakingRateRatioComparesDurations() {
        PcmAudio ref = vowel(150, 700, 1200, 2.0, 16_000, 1);
        PcmAudio shorter = vowel(150, 700, 1200, 1.0, 16_000, 1);
        EvaluationReport r = EvaluationHarness.defaults().quick("rate", List.of(new EvaluationHarness.Item("x", shorter, ref, "a")));
        assertEquals(2.0, r.summary().speakingRateRatio(), 0.05);
    }

    @Test
    void silentOrTinyAudioIsAFailedItemNotAnException() {
        PcmAudio ref = vowel(150, 700, 1200, 1.0, 16_000, 1);
        PcmAudio tiny = new PcmAudio(new float[100], 16_000);
        EvaluationReport r = EvaluationHarness.defaults().quick("bad", List.of(
                new EvaluationHarness.Item("bad", tiny, ref, "a"), new EvaluationHarness.Item("good", ref, ref, "a")));
        assertEquals(1, r.summary().failed());
        assertNotNull(r.items().get(0).error());
        assertNull(r.items().get(1).error());
        assertEquals(0.0, r.summary().mcdDb(), 1e-9);
        assertTrue(r.toJson().contains("\"error\" : \"audio too short\""));
        assertTrue(r.toMarkdown().contains("| bad |"));
    }

    static double mcd(PcmAudio synth, PcmAudio ref) {
        return EvaluationHarness.defaults().quick("t", List.of(new EvaluationHarness.Item("x", synth, ref, "a"))).summary().mcdDb();
    }
}
