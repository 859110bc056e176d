package dev.voxpipe.dsp.slice;

/**
 * Per-clip quality gate thresholds.
 *
 * @param maxClippingRatio   share of samples at or beyond {@code clipLevel} tolerated
 * @param clipLevel          absolute sample value counted as clipped
 * @param minSnrDb           estimated SNR below this rejects the clip
 * @param minLoudnessLufs    integrated loudness (before normalisation) below this is "too quiet"
 * @param maxSilenceFraction share of 10 ms frames below {@code silenceDbfs} above which the clip is "mostly silence"
 * @param silenceDbfs        frame RMS level counted as silence, relative to the clip normalised
 * @param minSeconds         shorter clips are rejected
 * @param maxSeconds         longer clips are rejected
 */
public record QualityConfig(double maxClippingRatio, double clipLevel, double minSnrDb, double minLoudnessLufs,
                            double maxSilenceFraction, double silenceDbfs, double minSeconds, double maxSeconds) {
    public static QualityConfig defaults() {
        return new QualityConfig(0.001, 0.999, 10, -50, 0.6, -45, 0.6, 15.0);
    }
}
