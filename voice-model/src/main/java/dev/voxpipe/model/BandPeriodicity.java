package dev.voxpipe.model;

import ai.djl.ndarray.NDManager;

/**
 * How periodic a recording is, per frequency band and voiced frame: the band-limited normalised autocorrelation at
 * the pitch period (MELP's bandpass voicing strengths), the training target of {@link AperiodicityModel}.
 *
 * <p>For each frame the STFT's power (the vocoder's framing) gives the band's autocorrelation directly:
 * {@code r(tau) = sum_k |X_k|^2 cos(2 pi k tau / N) / sum_k |X_k|^2} over the band's bins, divided by the analysis
 * window's own autocorrelation at {@code tau} (a perfectly periodic frame then scores 1, noise about 0). The lag is
 * searched within 3 % of the tracked period: at the 25th harmonic a 1 % pitch error would otherwise turn a periodic
 * band into an uncorrelated one.
 */
public final class BandPeriodicity {
    /** Band edges in Hz (MELP's five bands, and a sixth up to the harmonic vocoder's 5 kHz). */
    public static final double[] EDGES_HZ = {0, 500, 1000, 2000, 3000, 4000, 5000};
    public static final int BANDS = EDGES_HZ.length - 1;
    private static final double LAG_SEARCH = 0.03;
    private static final int LAG_STEPS = 13;

    private static final double[] WINDOW_AUTOCORRELATION;

    static {
        double[] w = Spectral.window();
        double[] r = new double[w.length];
        double zero = 0;
        for (double v : w) zero += v * v;
        for (int tau = 0; tau < w.length; tau++) {
            double s = 0;
            for (int n = 0; n + tau < w.length; n++) s += w[n] * w[n + tau];
            r[tau] = s / zero;
        }
        WINDOW_AUTOCORRELATION = r;
    }

    private BandPeriodicity() {
    }

    /** The band a frequency falls in ({@code BANDS - 1} above the last edge). */
    public static int band(double hz) {
        for (int b = 1; b < EDGES_HZ.length; b++) {
            if (hz < EDGES_HZ[b]) return b - 1;
        }
        return BANDS - 1;
    }

    /**
     * @param pcm  audio at {@link Spectral#SAMPLE_RATE}
     * @param f0Hz the tracked F0 per frame (0: unvoiced), as many frames as the log-mel of {@code pcm} or fewer
     * @return [frames][BANDS] periodicity 0-1; rows of unvoiced frames are null
     */
    public static float[][] measure(NDManager parent, float[] pcm, float[] f0Hz) {
        int frames = Spectral.frameCount(pcm.length);
        float[][] out = new float[frames][];
        float[] spec;
        try (NDManager m = parent.newSubManager()) {
            spec = Spectral.stft(m, pcm).toFloatArray();
        }
        double binHz = Spectral.SAMPLE_RATE / (double) Spectral.N_FFT;
        int[] lo = new int[BANDS];
        int[] hi = new int[BANDS];
        for (int b = 0; b < BANDS; b++) {
            lo[b] = Math.max(1, (int) Math.ceil(EDGES_HZ[b] / binHz));
            hi[b] = Math.min(Spectral.BINS - 1, (int) Math.floor(EDGES_HZ[b + 1] / binHz) - 1);
        }
        double[] power = new double[Spectral.BINS];
        for (int t = 0; t < frames && t < f0Hz.length; t++) {
            float f0 = f0Hz[t];
            if (!(f0 > 0)) continue;
            for (int k = 0; k < Spectral.BINS; k++) {
                int i = (t * Spectral.BINS + k) * 2;
                power[k] = spec[i] * (double) spec[i] + spec[i + 1] * (double) spec[i + 1];
            }
            double period = Spectral.SAMPLE_RATE / (double) f0;
            float[] row = new float[BANDS];
            for (int b = 0; b < BANDS; b++) {
                double total = 0;
                for (int k = lo[b]; k <= hi[b]; k++) total += power[k];
                if (!(total > 1e-12)) continue;
                double best = 0;
                for (int s = 0; s < LAG_STEPS; s++) {
                    double tau = period * (1 - LAG_SEARCH + 2 * LAG_SEARCH * s / (LAG_STEPS - 1));
                    double w = windowAutocorrelation(tau);
                    if (!(w > 0.05)) continue;
                    double sum = 0;
                    for (int k = lo[b]; k <= hi[b]; k++) sum += power[k] * Math.cos(2 * Math.PI * k * tau / Spectral.N_FFT);
                    best = Math.max(best, sum / total / w);
                }
                row[b] = (float) Math.min(1, best);
            }
            out[t] = row;
        }
        return out;
    }

    private static double windowAutocorrelation(double tau) {
        int i = (int) Math.floor(tau);
        if (i < 0 || i + 1 >= WINDOW_AUTOCORRELATION.length) return 0;
        double f = tau - i;
        return (1 - f) * WINDOW_AUTOCORRELATION[i] + f * WINDOW_AUTOCORRELATION[i + 1];
    }
}
