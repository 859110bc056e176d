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
