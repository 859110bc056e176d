package dev.voxpipe.model;

import ai.djl.ndarray.NDManager;
import dev.voxpipe.model.VoiceModelRuntime.Vocoder;

/**
 * The vocoder stage: the configured {@link Vocoder}, and one sentence's log-mel through the harmonic vocoder or
 * Griffin-Lim with a phase seed of its own.
 */
final class Vocoding {
    /** Griffin-Lim iterations; with momentum 0.99 more buys little. */
    static final int GRIFFIN_LIM_ITERATIONS = 20;

    private Vocoding() {
    }

    static Vocoder configuredVocoder() {
        String v = System.getProperty(VoiceModelRuntime.VOCODER_SETTING, System.getenv().getOrDefault("VOXPIPE_VOCODER", "harmonic"));
        return Vocoder.parse(v);
    }

    /**
     * The vocoder's initial phase depends only on the sentence, so a chunk sounds the same whatever
     * batch it lands in (a retried chunk reproduces its first rendering).
     */
    static long phaseSeed(String sentence) {
        return 1234L + sentence.hashCode();
    }

    /**
     * One sentence's log-mel through the chosen vocoder. The harmonic one takes the acoustic model's F0 when it
     * predicts one ({@code f0Hz}), else the pitch model's reading of the mel in the voice's pitch {@code range}.
     */
    static float[] vocode(NDManager m, float[][] logMel, Vocoder vocoder, float[] f0Hz, PitchModel.F0Stats range,
                          long seed) {
        if (vocoder == Vocoder.GRIFFIN_LIM) return Spectral.griffinLim(m, logMel, GRIFFIN_LIM_ITERATIONS, 0.99, seed);
        return HarmonicVocoder.synthesize(m, logMel, f0Hz != null ? f0Hz : VoicePitch.pitchModel().f0(m, logMel, range), seed);
    }
}
