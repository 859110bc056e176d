package dev.voxpipe.dsp.slice;

import dev.voxpipe.dsp.Loudness;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Measures one clip and decides whether it is fit for training, with human-readable reasons.
 * SNR is estimated from the spread of 20 ms frame energies: the 95th percentile stands for speech,
 * the 10th for the noise floor (a floor of digital silence reads as 100 dB).
 */
public final class ClipQuality {
    /** Result of {@link #assess}. */
    public record Report(double seconds, double loudnessLufs, double truePeakDbtp, double clippingRatio, double snrDb,
                         double silenceFraction, List<String> reasons) {
        public boolean accepted() {
            return reasons.isEmpty();
        }
    }

    private final QualityConfig config;

    public ClipQuality(QualityConfig config) {
        this.config = config;
    }

    public QualityConfig config() {
        return config;
    }

    /** {@code x}: the clip before loudness normalisation. */
    public Report assess(float[] x, int sampleRate) {
        double seconds = x.length / (double) sampleRate;
        double lufs = Loudness.integratedLoudness(x, sampleRate);
        double tp = x.length == 0 ? Double.NEGATIVE_INFINITY : Loudness.truePeakDbtp(x, sampleRate);
        int clipped = 0;
        float level = (float) config.clipLevel();
        for (float v : x) if (Math.abs(v) >= level) clipped++;
        double clippingRatio = x.length == 0 ? 0 : clipped / (double) x.length;
        double snr = snrDb(x, sampleRate);
        double silence = silenceFraction(x, sampleRate, lufs);

        List<String> reasons = new ArrayList<>();
        if (seconds < config.minSeconds()) reasons.add(String.format("too short: %.2f s < %.2f s", seconds, config.minSeconds()));
        if (seconds > config.maxSeconds()) reasons.add(String.format("too long: %.2f s > %.2f s", seconds, config.maxSeconds()));
        if (!Double.isFinite(lufs) || lufs < config.minLoudnessLufs()) {
            reasons.add(Double.isFinite(lufs) ? String.format("too quiet: %.1f LUFS < %.1f LUFS", lufs, config.minLoudnessLufs())
                    : "too quiet: no 400 ms block above -70 LUFS");
        }
        if (clippingRatio > config.maxClippingRatio()) {
            reasons.add(String.format("clipping: %.2f %% of samples at full scale (max %.2f %%)", 100 * clippingRatio, 100 * config.maxClippingRatio()));
        }
        if (snr < config.minSnrDb()) reasons.add(String.format("noisy: estimated SNR %.1f dB < %.1f dB", snr, config.minSnrDb()));
        if (silence > config.maxSilenceFraction()) {
            reasons.add(String.format("mostly silence: %.0f %% of frames silent (max %.0f %%)", 100 * silence, 100 * config.maxSilenceFraction()));
        }
        return new Report(seconds, lufs, tp, clippingRatio, snr, silence, List.copyOf(reasons));
    }

    static double[] frameEnergies(float[] x, int frame) {
        int n = x.length / frame;
        double[] e = new double[n];
        for (int f = 0; f < n; f++) {
            double s = 0;
            for (int i = f * frame, end = i + frame; i < end; i++) s += (double) x[i] * x[i];
            e[f] = s / frame;
        }
        return e;
    }

    static double snrDb(float[] x, int sampleRate) {
        double[] e = frameEnergies(x, Math.max(1, sampleRate / 50));
        if (e.length < 5) return 0;
        Arrays.sort(e);
        double signal = e[(int) (0.95 * (e.length - 1))];
        double noise = e[(int) (0.10 * (e.length - 1))];
        if (signal <= 0) return 0;
        if (noise <= signal * 1e-10) return 100;
        return Math.min(100, 10 * Math.log10(signal / noise));
    }

    /** Share of 10 ms frames quieter than silenceDbfs once the clip is brought to -14 LUFS (loudness-relative). */
    private double silenceFraction(float[] x, int sampleRate, double lufs) {
        double[] e = frameEnergies(x, Math.max(1, sampleRate / 100));
        if (e.length == 0) return 1;
        double gain = Double.isFinite(lufs) ? Math.pow(10, (-14 - lufs) / 10) : 1; // energy gain
        double threshold = Math.pow(10, config.silenceDbfs() / 10);
        int silent = 0;
        for (double v : e) if (v * gain < threshold) silent++;
        return silent / (double) e.length;
    }
}
