package dev.voxpipe.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;

import java.util.Random;

/**
 * The feature stage's log-mel (32 kHz, n_fft 1280, hop 320, periodic Hann, centred with reflect
 * padding, 100 Slaney mel bins 0-16 kHz, log of the power mel clamped at 1e-5) and its inverse, a
 * momentum ("fast") Griffin-Lim, on the engine's FFT. Framing and overlap-add are index and reshape
 * operations, so the whole vocoder stays inside the native library.
 */
public final class Spectral {
    public static final int SAMPLE_RATE = 32000;
    public static final int N_FFT = 1280;
    public static final int HOP = 320;
    public static final int MELS = 100;
    public static final int BINS = N_FFT / 2 + 1;
    /** The analysis window of every STFT here (and of the vocoders' inverse). */
    static final float[] WINDOW = hann(N_FFT);
    private static final float[][] FILTERBANK = slaneyFilterbank(MELS, N_FFT, SAMPLE_RATE, 0, SAMPLE_RATE / 2.0);
    // row-major [BINS, MELS], built once: every log-mel and every vocoder call uploads it
    private static final float[] FILTERBANK_TRANSPOSED = transpose(FILTERBANK);
    private static volatile float[] pseudoInverse;
    /** Enough for the MCD floor to settle (10: 1.08 dB, 20: 1.07, 40: 1.06 on the real speaker). */
    private static final int NNLS_ITERATIONS = 20;

    private Spectral() {
    }

    static float[] hann(int n) {
        float[] w = new float[n];
        for (int i = 0; i < n; i++) {
            w[i] = (float) (0.5 - 0.5 * Math.cos(2 * Math.PI * i / n));
        }
        return w;
    }

    private static double hzToMel(double f) {
        double fSp = 200.0 / 3;
        double minLogHz = 1000.0;
        double minLogMel = minLogHz / fSp;
        double logStep = Math.log(6.4) / 27.0;
        return f < minLogHz ? f / fSp : minLogMel + Math.log(f / minLogHz) / logStep;
    }

    private static double melToHz(double m) {
        double fSp = 200.0 / 3;
        double minLogHz = 1000.0;
        double minLogMel = minLogHz / fSp;
        double logStep = Math.log(6.4) / 27.0;
        return m < minLogMel ? m * fSp : minLogHz * Math.exp(logStep * (m - minLogMel));
    }

    /** Slaney-style mel filterbank with Slaney area normalisation, [mels][nFft/2+1] (librosa's default). */
    public static float[][] slaneyFilterbank(int mels, int nFft, int sampleRate, double fMin, double fMax) {
        int bins = nFft / 2 + 1;
        double[] hz = new double[mels + 2];
        double lo = hzToMel(fMin);
        double hi = hzToMel(fMax);
        for (int i = 0; i < mels + 2; i++) {
            hz[i] = melToHz(lo + (hi - lo) * i / (mels + 1));
        }
        float[][] fb = new float[mels][bins];
        for (int m = 0; m < mels; m++) {
            double enorm = 2.0 / (hz[m + 2] - hz[m]);
            for (int k = 0; k < bins; k++) {
                double f = (double) k * sampleRate / nFft;
                double lower = (f - hz[m]) / (hz[m + 1] - hz[m]);
                double upper = (hz[m + 2] - f) / (hz[m + 2] - hz[m + 1]);
                fb[m][k] = (float) (Math.max(0, Math.min(lower, upper)) * enorm);
            }
        }
        return fb;
    }

    public static float[][] filterbank() {
        return FILTERBANK;
    }

    private static int reflect(int i, int n) {
        if (n == 1) {
            return 0;
        }
        int period = 2 * (n - 1);
        i = Math.floorMod(i, period);
        return i < n ? i : period - i;
    }

    public static int frameCount(int samples) {
        return 1 + samples / HOP;
    }

    /** Centred, reflect-padded, windowed frames [frames * N_FFT] of a signal (Java loops: cheaper than gathers). */
    static float[] frames(float[] signal, int samples) {
        int frames = frameCount(samples);
        float[] out = new float[frames * N_FFT];
        for (int t = 0; t < frames; t++) {
            int start = t * HOP - N_FFT / 2;
            int base = t * N_FFT;
            if (start >= 0 && start + N_FFT <= samples) {
                for (int n = 0; n < N_FFT; n++) {
                    out[base + n] = signal[start + n] * WINDOW[n];
                }
            } else {
                for (int n = 0; n < N_FFT; n++) {
                    out[base + n] = signal[reflect(start + n, samples)] * WINDOW[n];
                }
            }
        }
        return out;
    }

    /** Complex STFT as real pairs [frames, BINS, 2]. */
    static NDArray stft(NDManager manager, float[] signal, int samples) {
        int frames = frameCount(samples);
        return manager.create(frames(signal, samples), new Shape(frames, N_FFT)).rfft(N_FFT, -1).real();
    }

    /** Power spectrogram → log-mel [frames][MELS]. */
    public static float[][] logMel(NDManager parent, float[] pcm) {
        if (pcm.length == 0) {
            return new float[0][MELS];
        }
        try (NDManager m = parent.newSubManager()) {
            NDArray spec = stft(m, pcm, pcm.length);
            NDArray power = spec.square().sum(new int[]{2});
            NDArray mel = power.matMul(filterbankTransposed(m)).maximum(1e-5f).log();
            return toMatrix(mel);
        }
    }

    /** The filterbank as [BINS, MELS] (power spectrum @ it = power mel). */
    static NDArray filterbankTransposed(NDManager m) {
        return m.create(FILTERBANK_TRANSPOSED, new Shape(BINS, MELS));
    }

    private static float[] transpose(float[][] filterbank) {
        float[] data = new float[BINS * MELS];
        for (int k = 0; k < BINS; k++) {
            for (int j = 0; j < MELS; j++) {
                data[k * MELS + j] = filterbank[j][k];
            }
        }
        return data;
    }

    static float[][] toMatrix(NDArray a) {
        long[] s = a.getShape().getShape();
        float[] flat = a.toType(DataType.FLOAT32, false).toFloatArray();
        float[][] out = new float[(int) s[0]][(int) s[1]];
        for (int i = 0; i < s[0]; i++) {
            System.arraycopy(flat, (int) (i * s[1]), out[i], 0, (int) s[1]);
        }
        return out;
    }

    /** Pseudo-inverse of the filterbank, [MELS, BINS] row-major, computed once. */
    static float[] pseudoInverse(NDManager m) {
        float[] p = pseudoInverse;
        if (p == null) {
            synchronized (Spectral.class) {
                if (pseudoInverse == null) {
                    try (NDManager s = m.newSubManager()) {
                        NDArray fbT = filterbankTransposed(s);          // [BINS, MELS]
                        NDArray gram = fbT.transpose().matMul(fbT);      // [MELS, MELS]
                        NDArray reg = s.eye(MELS).mul(1e-6f * gram.max().getFloat());
                        NDArray inv = gram.add(reg).inverse();            // pinv = (F F^T)^-1 F, used as mel @ pinv
                        pseudoInverse = inv.matMul(fbT.transpose()).toFloatArray();
                    }
                }
                p = pseudoInverse;
            }
        }
        return p;
    }

    /**
     * Linear power spectrum [T, BINS] whose mel projection best matches {@code melPower} [T, MELS]:
     * non-negative least squares by multiplicative updates (Lee and Seung), started from the clipped
     * pseudo-inverse. Clipping the pseudo-inverse alone leaves holes and ringing between filter
     * centres; on the real speaker that cost 0.5 dB of the vocoder's MCD floor (1.60 → 1.07 dB).
     */
    static NDArray melToPower(NDManager m, NDArray melPower) {
        int frames = (int) melPower.getShape().get(0);
        NDArray pinv = m.create(pseudoInverse(m), new Shape(MELS, BINS));
        // multiplicative updates cannot leave zero, so every bin starts slightly positive
        float[] power = melPower.matMul(pinv).maximum(0f).add(1e-8f * melPower.max().getFloat() + 1e-12f).toFloatArray();
        float[] mel = melPower.toType(DataType.FLOAT32, false).toFloatArray();
        // the filterbank is sparse (each bin lies under at most two triangles), so the updates run in Java on its
        // non-zero entries: a fiftieth of the dense products' work, which dominated both vocoders' time
        float[] target = new float[BINS];
        float[] rendered = new float[MELS];
        float[] back = new float[BINS];
        for (int t = 0; t < frames; t++) {
            int pOff = t * BINS;
            int mOff = t * MELS;
            java.util.Arrays.fill(target, 0f);
            for (int j = 0; j < MELS; j++) {
                float y = mel[mOff + j];
                for (int e = SPARSE_START[j]; e < SPARSE_START[j + 1]; e++) target[SPARSE_BIN[e]] += SPARSE_WEIGHT[e] * y;
            }
            for (int k = 0; k < NNLS_ITERATIONS; k++) {
                for (int j = 0; j < MELS; j++) {
                    float sum = 0;
                    for (int e = SPARSE_START[j]; e < SPARSE_START[j + 1]; e++) sum += SPARSE_WEIGHT[e] * power[pOff + SPARSE_BIN[e]];
                    rendered[j] = sum;
                }
                java.util.Arrays.fill(back, 0f);
                for (int j = 0; j < MELS; j++) {
                    float r = rendered[j];
                    for (int e = SPARSE_START[j]; e < SPARSE_START[j + 1]; e++) back[SPARSE_BIN[e]] += SPARSE_WEIGHT[e] * r;
                }
                for (int b = 0; b < BINS; b++) power[pOff + b] *= target[b] / (back[b] + 1e-12f);
            }
        }
        return m.create(power, new Shape(frames, BINS));
    }

    /** The width over which {@link #scaleBandsToMel} smooths an unvoiced frame's band powers. */
    private static final double UNVOICED_SMOOTHING_HZ = 200;

    /** Centre frequency (Hz) of each mel band: where its triangle peaks. */
    private static final double[] BAND_CENTRE_HZ = new double[MELS];

    static {
        for (int j = 0; j < MELS; j++) {
            int peak = 0;
            for (int b = 1; b < BINS; b++) if (FILTERBANK[j][b] > FILTERBANK[j][peak]) peak = b;
            BAND_CENTRE_HZ[j] = peak * (double) SAMPLE_RATE / N_FFT;
        }
    }

    /**
     * Multiplies each frame of a complex spectrum {@code pairs} [T * BINS * 2] so that its power mel comes closer to
     * {@code targetMel} [T * MELS]: band j's amplitude ratio {@code sqrt(target / own)}, clipped to
     * {@code 1/maxGain..maxGain}, spread over the linear bins by the filterbank's weights normalised per bin (a bin
     * under no triangle, DC and Nyquist, is zeroed). Both powers are first summed over the bands within one F0 of
     * each band (±F0/2; an unvoiced frame over 200 Hz): that removes the ripple of the target's own harmonics, so
     * the pass corrects the envelope and never moves energy towards harmonics of another pitch (a requested pitch
     * shift, or a mel whose harmonics disagree with the F0), nor makes noise periodic. Sparse, in Java: the dense
     * [BINS x MELS] products cost more than the FFTs around them.
     */
    static void scaleBandsToMel(float[] pairs, float[] targetMel, float[] f0Hz, float maxGain) {
        int frames = pairs.length / (BINS * 2);
        double[] ownSum = new double[MELS + 1];
        double[] targetSum = new double[MELS + 1];
        float[] num = new float[BINS];
        float[] den = new float[BINS];
        for (int t = 0; t < frames; t++) {
            int sOff = t * BINS * 2;
            int mOff = t * MELS;
            for (int j = 0; j < MELS; j++) {
                double sum = 0;
                for (int e = SPARSE_START[j]; e < SPARSE_START[j + 1]; e++) {
                    int i = sOff + 2 * SPARSE_BIN[e];
                    sum += SPARSE_WEIGHT[e] * (pairs[i] * pairs[i] + pairs[i + 1] * pairs[i + 1]);
                }
                ownSum[j + 1] = ownSum[j] + sum;
                targetSum[j + 1] = targetSum[j] + targetMel[mOff + j];
            }
            // an unvoiced frame is smoothed over 200 Hz: noise must not take on the harmonics a target mel may show there
            double f0 = t < f0Hz.length && f0Hz[t] > 0 ? f0Hz[t] : UNVOICED_SMOOTHING_HZ;
            java.util.Arrays.fill(num, 0f);
            java.util.Arrays.fill(den, 0f);
            int lo = 0;
            int hi = 0;
            for (int j = 0; j < MELS; j++) {
                // the power of the bands within one F0 around band j, on both sides (the envelope there)
                while (BAND_CENTRE_HZ[lo] < BAND_CENTRE_HZ[j] - f0 / 2) lo++;
                if (hi < j) hi = j;
                while (hi + 1 < MELS && BAND_CENTRE_HZ[hi + 1] <= BAND_CENTRE_HZ[j] + f0 / 2) hi++;
                double ratio = (targetSum[hi + 1] - targetSum[lo] + 1e-10) / (ownSum[hi + 1] - ownSum[lo] + 1e-10);
                float g = (float) Math.max(1 / maxGain, Math.min(maxGain, Math.sqrt(ratio)));
                for (int e = SPARSE_START[j]; e < SPARSE_START[j + 1]; e++) {
                    num[SPARSE_BIN[e]] += SPARSE_WEIGHT[e] * g;
                    den[SPARSE_BIN[e]] += SPARSE_WEIGHT[e];
                }
            }
            for (int b = 0; b < BINS; b++) {
                float gain = num[b] / (den[b] + 1e-12f);
                pairs[sOff + 2 * b] *= gain;
                pairs[sOff + 2 * b + 1] *= gain;
            }
        }
    }

    /** The filterbank's non-zero entries, row by row: band j owns entries SPARSE_START[j]..SPARSE_START[j+1]. */
    private static final int[] SPARSE_START = new int[MELS + 1];
    private static final int[] SPARSE_BIN;
    private static final float[] SPARSE_WEIGHT;

    static {
        int count = 0;
        for (float[] row : FILTERBANK) for (float v : row) if (v != 0) count++;
        SPARSE_BIN = new int[count];
        SPARSE_WEIGHT = new float[count];
        int e = 0;
        for (int j = 0; j < MELS; j++) {
            SPARSE_START[j] = e;
            for (int b = 0; b < BINS; b++) {
                if (FILTERBANK[j][b] != 0) {
                    SPARSE_BIN[e] = b;
                    SPARSE_WEIGHT[e++] = FILTERBANK[j][b];
                }
            }
        }
        SPARSE_START[MELS] = e;
    }

    /**
     * Fast Griffin-Lim (Perraudin et al. 2013): audio whose log-mel approximates {@code logMel}.
     *
     * @param logMel     [frames][MELS]
     * @param iterations 16-32 is plenty with momentum 0.99
     * @param seed       initial random phase (deterministic output)
     */
    public static float[] griffinLim(NDManager parent, float[][] logMel, int iterations, double momentum, long seed) {
        int frames = logMel.length;
        if (frames == 0) {
            return new float[0];
        }
        int samples = (frames - 1) * HOP;
        try (NDManager m = parent.newSubManager()) {
            NDArray magnitude = melToPower(m, powerMel(m, logMel)).sqrt().expandDims(2);   // [T, BINS, 1]
            Random rng = new Random(seed);
            float[] phase = new float[frames * BINS * 2];
            for (int i = 0; i < frames * BINS; i++) {
                double a = rng.nextDouble() * 2 * Math.PI;
                phase[2 * i] = (float) Math.cos(a);
                phase[2 * i + 1] = (float) Math.sin(a);
            }
            NDArray angles = m.create(phase, new Shape(frames, BINS, 2));
            return limitPeak(iterate(m, magnitude, angles, iterations, momentum, samples));
        }
    }

    /**
     * Griffin-Lim from a given starting spectrum: keeps its phase, imposes {@code magnitude} [T, BINS, 1], and
     * iterates {@code iterations} times (0: one inverse STFT with the start's phase).
     */
    static float[] griffinLimFrom(NDManager parent, NDArray magnitude, NDArray start, int iterations, double momentum, int samples) {
        try (NDManager m = parent.newSubManager()) {
            NDArray angles = start.div(start.square().sum(new int[]{2}, true).sqrt().add(1e-16f));
            angles.attach(m);
            return iterate(m, magnitude, angles, iterations, momentum, samples);
        }
    }

    /**
     * The fast Griffin-Lim iterations: {@code magnitude} [T, BINS, 1] with unit-length {@code angles} [T, BINS, 2]
     * (owned by {@code m}; closed as they are replaced), then one inverse STFT.
     */
    private static float[] iterate(NDManager m, NDArray magnitude, NDArray angles, int iterations, double momentum,
                                   int samples) {
        int frames = (int) angles.getShape().get(0);
        float[] envelope = inverseEnvelope(frames);
        NDArray window = m.create(WINDOW);
        NDArray previous = null;
        float alpha = (float) (momentum / (1 + momentum));
        for (int it = 0; it < iterations; it++) {
            try (NDManager scope = m.newSubManager()) {
                float[] audio = istft(magnitude.mul(angles), window, envelope, samples);
                NDArray rebuilt = stft(scope, audio, samples);
                NDArray next = previous == null ? rebuilt : rebuilt.sub(previous.mul(alpha));
                NDArray norm = next.square().sum(new int[]{2}, true).sqrt().add(1e-16f);
                NDArray nextAngles = next.div(norm);
                nextAngles.attach(m);
                rebuilt.attach(m);
                if (previous != null) {
                    previous.close();
                }
                angles.close();
                angles = nextAngles;
                previous = rebuilt;
            }
        }
        return istft(magnitude.mul(angles), window, envelope, samples);
    }

    /** Row-major copy of a [rows][cols] matrix. */
    static float[] flatten(float[][] a) {
        int cols = a.length == 0 ? 0 : a[0].length;
        float[] out = new float[a.length * cols];
        for (int i = 0; i < a.length; i++) {
            System.arraycopy(a[i], 0, out, i * cols, cols);
        }
        return out;
    }

    /** A log-mel [frames][MELS] as the engine's power mel [frames, MELS] (what the vocoders invert). */
    static NDArray powerMel(NDManager m, float[][] logMel) {
        return m.create(flatten(logMel), new Shape(logMel.length, MELS)).exp();
    }

    /** Scales {@code audio} in place so that no sample exceeds 0.99 (a vocoder's output must not clip); returns it. */
    static float[] limitPeak(float[] audio) {
        float peak = 0;
        for (float v : audio) {
            peak = Math.max(peak, Math.abs(v));
        }
        if (peak > 0.99f) {
            for (int i = 0; i < audio.length; i++) {
                audio[i] *= 0.99f / peak;
            }
        }
        return audio;
    }

    /** 1 / sum of squared windows over the overlap-added span, cropped like the centred STFT. */
    static float[] inverseEnvelope(int frames) {
        int total = (frames - 1) * HOP + N_FFT;
        float[] sum = new float[total];
        for (int t = 0; t < frames; t++) {
            for (int n = 0; n < N_FFT; n++) {
                sum[t * HOP + n] += WINDOW[n] * WINDOW[n];
            }
        }
        for (int i = 0; i < total; i++) {
            sum[i] = sum[i] > 1e-6f ? 1f / sum[i] : 0f;
        }
        return sum;
    }

    /** Inverse STFT of [frames, BINS, 2]: irfft and window in the engine, overlap-add in Java. */
    static float[] istft(NDArray spec, NDArray window, float[] invEnvelope, int samples) {
        int frames = (int) spec.getShape().get(0);
        float[] frameAudio;
        try (NDManager scope = spec.getManager().newSubManager()) {
            NDArray s = spec.duplicate();
            s.attach(scope);
            NDArray f = s.complex().irfft(N_FFT, -1).mul(window);
            frameAudio = f.toFloatArray();
        }
        float[] out = new float[samples];
        int offset = N_FFT / 2;
        for (int t = 0; t < frames; t++) {
            int base = t * HOP - offset;
            int from = Math.max(0, -base);
            int to = Math.min(N_FFT, samples - base);
            for (int n = from; n < to; n++) {
                out[base + n] += frameAudio[t * N_FFT + n];
            }
        }
        for (int i = 0; i < samples; i++) {
            out[i] *= invEnvelope[i + offset];
        }
        return out;
    }
}
