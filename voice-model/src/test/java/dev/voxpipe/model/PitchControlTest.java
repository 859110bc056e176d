package dev.voxpipe.model;

import dev.voxpipe.dsp.PitchTracker;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A request may move the voice's pitch or scale its range; the shipped base honours both. */
class PitchControlTest {
    private static final String SENTENCE = "Welcome to the voice pipeline, where every stage runs on its own.";

    /**
     * The mean of the tracked log-F0 and its spread as the median absolute deviation: a handful of frames the tracker
     * reads an octave off would dominate a standard deviation (with the smoothed contour, three such frames in 212
     * made a quarter of the range measure 0.079 against 0.099, where the median deviation says 0.014 against 0.055).
     */
    private static double[] meanAndSpreadOfLogF0(float[] audio) {
        float[] f0 = PitchTracker.defaults().f0(audio, Spectral.SAMPLE_RATE, Spectral.HOP);
        List<Double> logs = new ArrayList<>();
        for (float f : f0) {
            if (f > 0) logs.add(Math.log(f));
        }
        assertTrue(logs.size() > 20, "the sentence is voiced");
        double mean = logs.stream().mapToDouble(Double::doubleValue).average().orElseThrow();
        double median = median(logs);
        return new double[]{mean, median(logs.stream().map(x -> Math.abs(x - median)).toList())};
    }

    private static double median(List<Double> values) {
        List<Double> sorted = new ArrayList<>(values);
        Collections.sort(sorted);
        return sorted.get(sorted.size() / 2);
    }

    @Test
    void anOctaveUpDoublesTheMeasuredF0() {
        VoiceModelRuntime base = VoiceModelRuntime.loadBase();
        double[] plain = meanAndSpreadOfLogF0(base.synthesize(null, List.of(SENTENCE), 1.0).audio().get(0));
        double[] up = meanAndSpreadOfLogF0(base.synthesize(null, List.of(SENTENCE), 1.0,
                new PitchControl(12, 1)).audio().get(0));
        double[] down = meanAndSpreadOfLogF0(base.synthesize(null, List.of(SENTENCE), 1.0,
                new PitchControl(-5, 1)).audio().get(0));
        assertEquals(2.0, Math.exp(up[0] - plain[0]), 0.2, "12 semitones up");
        assertEquals(Math.pow(2, -5 / 12.0), Math.exp(down[0] - plain[0]), 0.08, "5 semitones down");
    }

    @Test
    void aFlatterRangeNarrowsTheIntonation() {
        VoiceModelRuntime base = VoiceModelRuntime.loadBase();
        double[] plain = meanAndSpreadOfLogF0(base.synthesize(null, List.of(SENTENCE), 1.0).audio().get(0));
        double[] flat = meanAndSpreadOfLogF0(base.synthesize(null, List.of(SENTENCE), 1.0,
                new PitchControl(0, 0.25)).audio().get(0));
        assertTrue(flat[1] < 0.7 * plain[1], "spread of log-F0 " + plain[1] + " -> " + flat[1]);
    }

    @Test
    void outOfRangeControlsAreRefusedWithTheLimits() {
        assertTrue(assertThrows(IllegalArgumentException.class, () -> new PitchControl(13, 1)).getMessage().contains("-12..12"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> new PitchControl(0, 3)).getMessage().contains("0.25..2"));
        assertThrows(IllegalArgumentException.class, () -> new PitchControl(Double.NaN, 1));
    }
}
