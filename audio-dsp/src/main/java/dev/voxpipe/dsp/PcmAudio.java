package dev.voxpipe.dsp;

import java.util.Arrays;
import java.util.Objects;

/**
 * Mono audio: samples in [-1, 1] at {@code sampleRate} Hz. The array is shared, not copied: treat it
 * as read-only unless you created it.
 */
public record PcmAudio(float[] samples, int sampleRate) {
    public PcmAudio {
        Objects.requireNonNull(samples, "samples");
        if (sampleRate <= 0) throw new IllegalArgumentException("sampleRate must be > 0: " + sampleRate);
    }

    public int length() {
        return samples.length;
    }

    public double durationSeconds() {
        return samples.length / (double) sampleRate;
    }

    public long durationMillis() {
        return Math.round(samples.length * 1000.0 / sampleRate);
    }

    /** Samples in [fromInclusive, toExclusive), copied. */
    public PcmAudio slice(int fromInclusive, int toExclusive) {
        return new PcmAudio(Arrays.copyOfRange(samples, fromInclusive, toExclusive), sampleRate);
    }

    /** This audio at another rate (band-limited, see {@link Resampler}); itself when already there. */
    public PcmAudio resampled(int toRate) {
        return toRate == sampleRate ? this : new PcmAudio(Resampler.resample(samples, sampleRate, toRate), toRate);
    }

    public static int samplesFor(double seconds, int sampleRate) {
        return (int) Math.round(seconds * sampleRate);
    }

    @Override
    public String toString() {
        return "PcmAudio[" + samples.length + " samples @ " + sampleRate + " Hz, " + String.format("%.3f", durationSeconds()) + " s]";
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof PcmAudio p && p.sampleRate == sampleRate && Arrays.equals(p.samples, samples);
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(samples) + sampleRate;
    }
}
