package dev.voxpipe.dsp;

import java.util.Arrays;

/**
 * ITU-R BS.1770-4 / EBU R128 loudness of mono audio: K-weighting (the BS.1770 shelf and high-pass,
 * re-derived for any sample rate as libebur128 does), 400 ms blocks with 75 % overlap, absolute gate
 * -70 LUFS and relative gate -10 LU; true peak by 4x polyphase oversampling; normalisation to a
 * target loudness capped by a true-peak ceiling.
 */
public final class Loudness {
    public static final double ABSOLUTE_GATE_LUFS = -70;
    public static final double RELATIVE_GATE_LU = -10;

    private Loudness() {
    }

    /** Result of {@link #normalize}. {@code gainDb} was applied; loudness is -inf for silence. */
    public record Normalized(float[] samples, double inputLufs, double inputTruePeakDbtp, double gainDb, double outputTruePeakDbtp) {
    }

    /** Integrated loudness in LUFS; {@code Double.NEGATIVE_INFINITY} when no block passes the gates. */
    public static double integratedLoudness(float[] x, int sampleRate) {
        double[] blocks = blockEnergies(x, sampleRate);
        double absThreshold = lufsToEnergy(ABSOLUTE_GATE_LUFS);
        double sum = 0;
        int count = 0;
        for (double z : blocks) {
            if (z > absThreshold) {
                sum += z;
                count++;
            }
        }
        if (count == 0) return Double.NEGATIVE_INFINITY;
        double relThreshold = sum / count * Math.pow(10, RELATIVE_GATE_LU / 10);
        sum = 0;
        count = 0;
        for (double z : blocks) {
            if (z > absThreshold && z > relThreshold) {
                sum += z;
                count++;
            }
        }
        return count == 0 ? Double.NEGATIVE_INFINITY : energyToLufs(sum / count);
    }

    public static double integratedLoudness(PcmAudio a) {
        return integratedLoudness(a.samples(), a.sampleRate());
    }

    static double energyToLufs(double z) {
        return -0.691 + 10 * Math.log10(z);
    }

    static double lufsToEnergy(double lufs) {
        return Math.pow(10, (lufs + 0.691) / 10);
    }

    /** Mean square of the K-weighted signal per 400 ms gating block (100 ms step). */
    public static double[] blockEnergies(float[] x, int sampleRate) {
        double[] k = kWeightingCoefficients(sampleRate);
        double b0 = k[0], b1 = k[1], b2 = k[2], a1 = k[3], a2 = k[4];
        double c0 = k[5], c1 = k[6], c2 = k[7], d1 = k[8], d2 = k[9];
        int step = (int) Math.round(sampleRate * 0.1);
        int segments = x.length / step;
        double[] seg = new double[segments];
        // Direct form II transposed, both stages fused in one pass.
        double s1 = 0, s2 = 0, t1 = 0, t2 = 0;
        int i = 0;
        for (int sIdx = 0; sIdx < segments; sIdx++) {
            double acc = 0;
            for (int end = i + step; i < end; i++) {
                double in = x[i];
                double y = b0 * in + s1;
                s1 = b1 * in - a1 * y + s2;
                s2 = b2 * in - a2 * y;
                double z = c0 * y + t1;
                t1 = c1 * y - d1 * z + t2;
                t2 = c2 * y - d2 * z;
                acc += z * z;
            }
            seg[sIdx] = acc;
        }
        int blocks = Math.max(0, segments - 3);
        double[] out = new double[blocks];
        for (int b = 0; b < blocks; b++) out[b] = (seg[b] + seg[b + 1] + seg[b + 2] + seg[b + 3]) / (4.0 * step);
        return out;
    }

    /** {b0,b1,b2,a1,a2} of the shelf then of the high-pass, for {@code rate}. */
    static double[] kWeightingCoefficients(int rate) {
        double f0 = 1681.974450955533, g = 3.999843853973347, q = 0.7071752369554196;
        double k = Math.tan(Math.PI * f0 / rate);
        double vh = Math.pow(10.0, g / 20.0);
        double vb = Math.pow(vh, 0.4996667741545416);
        double a0 = 1.0 + k / q + k * k;
        double pb0 = (vh + vb * k / q + k * k) / a0;
        double pb1 = 2.0 * (k * k - vh) / a0;
        double pb2 = (vh - vb * k / q + k * k) / a0;
        double pa1 = 2.0 * (k * k - 1.0) / a0;
        double pa2 = (1.0 - k / q + k * k) / a0;
        f0 = 38.13547087602444;
        q = 0.5003270373238773;
        k = Math.tan(Math.PI * f0 / rate);
        double ra1 = 2.0 * (k * k - 1.0) / (1.0 + k / q + k * k);
        double ra2 = (1.0 - k / q + k * k) / (1.0 + k / q + k * k);
        return new double[]{pb0, pb1, pb2, pa1, pa2, 1.0, -2.0, 1.0, ra1, ra2};
    }

    // ---- true peak ----
    private static final int TP_HALF = 8;
    private static volatile float[][] tpTable;

    private static float[][] truePeakTable(int factor) {
        float[][] t = tpTable;
        if (t != null && t.length == factor) return t;
        t = new float[factor][2 * TP_HALF];
        double beta = Resampler.kaiserBeta(70), i0 = Resampler.besselI0(beta);
        double cutoff = 0.5 * 0.92; // cycles per input sample
        for (int p = 0; p < factor; p++) {
            double frac = p / (double) factor;
            for (int i = 0; i < 2 * TP_HALF; i++) {
                double tau = frac + TP_HALF - 1 - i;
                double r = tau / TP_HALF;
                double w = Math.abs(r) >= 1 ? 0 : Resampler.besselI0(beta * Math.sqrt(1 - r * r)) / i0;
                double xx = 2 * cutoff * tau;
                double s = xx == 0 ? 1 : Math.sin(Math.PI * xx) / (Math.PI * xx);
                t[p][i] = (float) (2 * cutoff * s * w);
            }
        }
        tpTable = t;
        return t;
    }

    /** Maximum absolute sample value. */
    public static float samplePeak(float[] x) {
        float m = 0;
        for (float v : x) m = Math.max(m, Math.abs(v));
        return m;
    }

    /** True peak (dBTP) by 4x oversampling below 96 kHz, 2x below 192 kHz; -inf for silence. */
    public static double truePeakDbtp(float[] x, int sampleRate) {
        int factor = sampleRate < 96000 ? 4 : sampleRate < 192000 ? 2 : 1;
        float peak = samplePeak(x);
        if (factor == 1 || peak == 0) return 20 * Math.log10(peak);
        float[][] t = truePeakTable(factor);
        int taps = 2 * TP_HALF;
        // Inter-sample overshoot of a band-limited signal stays within a few dB of its neighbours;
        // only interpolate where the neighbourhood is within 12 dB of the sample peak.
        float floor = peak / 4;
        float max = peak;
        int n = x.length;
        for (int j = 0; j < n; j++) {
            if (Math.abs(x[j]) < floor && (j + 1 >= n || Math.abs(x[j + 1]) < floor)) continue;
            int first = j - TP_HALF + 1;
            for (int p = 1; p < factor; p++) {
                float[] h = t[p];
                float acc = 0;
                for (int i = 0; i < taps; i++) {
                    int idx = first + i;
                    if (idx >= 0 && idx < n) acc += x[idx] * h[i];
                }
                max = Math.max(max, Math.abs(acc));
            }
        }
        return 20 * Math.log10(max);
    }

    /**
     * Gain to reach {@code targetLufs}, reduced so the true peak stays at or below {@code maxTruePeakDbtp}.
     * Silence (no gated block) is returned unchanged with gain 0.
     */
    public static Normalized normalize(float[] x, int sampleRate, double targetLufs, double maxTruePeakDbtp) {
        return normalize(x, targetLufs, maxTruePeakDbtp, integratedLoudness(x, sampleRate), truePeakDbtp(x, sampleRate));
    }

    /** As {@link #normalize(float[], int, double, double)} with loudness and true peak already measured. */
    public static Normalized normalize(float[] x, double targetLufs, double maxTruePeakDbtp, double lufs, double tp) {
        if (!Double.isFinite(lufs) || !Double.isFinite(tp)) return new Normalized(x.clone(), lufs, tp, 0, tp);
        double gain = targetLufs - lufs;
        if (tp + gain > maxTruePeakDbtp) gain = maxTruePeakDbtp - tp;
        float g = (float) Math.pow(10, gain / 20);
        float[] y = Arrays.copyOf(x, x.length);
        for (int i = 0; i < y.length; i++) y[i] *= g;
        return new Normalized(y, lufs, tp, gain, tp + gain);
    }

    public static Normalized normalize(float[] x, int sampleRate) {
        return normalize(x, sampleRate, -14, -1);
    }
}
