package dev.voxpipe.dsp;

/**
 * Log-mel settings. {@link #defaults()} matches the model's front end and torchaudio's
 * {@code MelSpectrogram(sample_rate=32000, n_fft=1280, win_length=1280, hop_length=320, n_mels=100,
 * f_min=0, f_max=16000, norm="slaney", mel_scale="slaney", center=True, pad_mode="reflect", power=2)}
 * followed by {@code log(clamp(x, 1e-5))}.
 *
 * @param power     1 = magnitude, 2 = power spectrogram
 * @param logFloor  values are clamped to at least this before the natural log
 * @param slaneyScale true: Slaney (librosa default) mel scale; false: HTK
 * @param slaneyNorm  true: each triangle divided by its bandwidth (area normalised)
 */
public record MelConfig(int sampleRate, int nFft, int winLength, int hopLength, int nMels, double fMin, double fMax,
                        boolean center, boolean slaneyScale, boolean slaneyNorm, double power, double logFloor) {
    public MelConfig {
        if (sampleRate <= 0) throw new IllegalArgumentException("sampleRate must be > 0");
        if (nFft < 2 || nFft % 2 != 0) throw new IllegalArgumentException("nFft must be even and >= 2");
        if (winLength < 1 || winLength > nFft) throw new IllegalArgumentException("winLength must be in 1..nFft");
        if (hopLength < 1) throw new IllegalArgumentException("hopLength must be >= 1");
        if (nMels < 1) throw new IllegalArgumentException("nMels must be >= 1");
        if (fMin < 0 || fMax <= fMin || fMax > sampleRate / 2.0 + 1e-9) throw new IllegalArgumentException("need 0 <= fMin < fMax <= sampleRate/2");
        if (power != 1 && power != 2) throw new IllegalArgumentException("power must be 1 or 2");
        if (!(logFloor > 0)) throw new IllegalArgumentException("logFloor must be > 0");
    }

    public static MelConfig defaults() {
        return new MelConfig(32000, 1280, 1280, 320, 100, 0, 16000, true, true, true, 2.0, 1e-5);
    }

    public int nFreqs() {
        return nFft / 2 + 1;
    }

    public double frameRate() {
        return sampleRate / (double) hopLength;
    }

    /** Frames produced for {@code samples} input samples. */
    public int frameCount(int samples) {
        if (center) return 1 + samples / hopLength;
        return samples < nFft ? 0 : 1 + (samples - nFft) / hopLength;
    }

    public MelConfig withSampleRate(int sr) {
        return new MelConfig(sr, nFft, winLength, hopLength, nMels, fMin, Math.min(fMax, sr / 2.0), center, slaneyScale, slaneyNorm, power, logFloor);
    }

    public MelConfig withNMels(int n) {
        return new MelConfig(sampleRate, nFft, winLength, hopLength, n, fMin, fMax, center, slaneyScale, slaneyNorm, power, logFloor);
    }

    public MelConfig withFft(int nFft, int winLength, int hopLength) {
        return new MelConfig(sampleRate, nFft, winLength, hopLength, nMels, fMin, fMax, center, slaneyScale, slaneyNorm, power, logFloor);
    }

    public MelConfig withFrequencyRange(double fMin, double fMax) {
        return new MelConfig(sampleRate, nFft, winLength, hopLength, nMels, fMin, fMax, center, slaneyScale, slaneyNorm, power, logFloor);
    }

    public MelConfig withPower(double power) {
        return new MelConfig(sampleRate, nFft, winLength, hopLength, nMels, fMin, fMax, center, slaneyScale, slaneyNorm, power, logFloor);
    }

    public MelConfig withCenter(boolean center) {
        return new MelConfig(sampleRate, nFft, winLength, hopLength, nMels, fMin, fMax, center, slaneyScale, slaneyNorm, power, logFloor);
    }
}
