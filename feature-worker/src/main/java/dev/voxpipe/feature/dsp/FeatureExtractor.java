package dev.voxpipe.feature.dsp;

import dev.voxpipe.dsp.MelSpectrogram;
import dev.voxpipe.dsp.PitchTracker;

/** The per-clip heavy part: log-mel frames and F0 per frame. Thread-safe. */
public final class FeatureExtractor {
    /** frames x melBins log-mel, and one F0 value per frame (0 = unvoiced). */
    public record Features(float[][] logMel, float[] f0Hz, double frameRate) {
        public int frames() {
            return logMel.length;
        }
    }

    private final MelSpectrogram mel;
    private final PitchTracker pitch;

    public FeatureExtractor(PreprocessSettings settings) {
        this.mel = new MelSpectrogram(settings.mel());
        this.pitch = settings.pitch();
    }

    public Features extract(float[] samples, int sampleRate) {
        if (sampleRate != mel.config().sampleRate()) {
            throw new IllegalArgumentException("clip at " + sampleRate + " Hz, mel config wants " + mel.config().sampleRate() + " Hz");
        }
        float[][] m = mel.logMel(samples);
        float[] f0 = pitch.f0(samples, sampleRate, mel.config().hopLength());
        if (f0.length != m.length) f0 = java.util.Arrays.copyOf(f0, m.length); // equal when centred
        return new Features(m, f0, mel.config().frameRate());
    }
}
