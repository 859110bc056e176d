package dev.voxpipe.corpus;

import java.util.Arrays;

import dev.voxpipe.dsp.PitchTracker;

/** F0 statistics over voiced frames (Hz). */
public record F0Stats(long voicedFrames, long frames, double meanHz, double medianHz, double stdHz, double p5Hz,
                      double p95Hz) {
    /** Speech range: 50-500 Hz covers low male to high female voices while avoiding most octave errors. */
    public static final PitchTracker TRACKER = PitchTracker.defaults().withRange(50, 500);

    public static F0Stats of(float[] f0) {
        float[] voiced = new float[f0.length];
        int n = 0;
        for (float v : f0) if (v > 0) voiced[n++] = v;
        if (n == 0) return new F0Stats(0, f0.length, 0, 0, 0, 0, 0);
        float[] sorted = Arrays.copyOf(voiced, n);
        Arrays.sort(sorted);
        double mean = 0;
        for (int i = 0; i < n; i++) mean += sorted[i];
        mean /= n;
        double var = 0;
        for (int i = 0; i < n; i++) var += (sorted[i] - mean) * (sorted[i] - mean);
        return new F0Stats(n, f0.length, mean, sorted[n / 2], Math.sqrt(var / n), sorted[(int) (0.05 * (n - 1))],
                sorted[(int) (0.95 * (n - 1))]);
    }

    public double voicedFraction() {
        return frames == 0 ? 0 : (double) voicedFrames / frames;
    }
}
