package dev.voxpipe.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.voxpipe.dsp.MelConfig;
import dev.voxpipe.dsp.MelSpectrogram;
import dev.voxpipe.dsp.Stft;

import java.util.Random;

/**
 * The model's side of the feature stage's log-mel (audio-dsp's {@link MelConfig#defaults()}: 32 kHz, n_fft 1280,
 * hop 320, periodic Hann, centred with reflect padding, 100 Slaney mel bins 0-16 kHz, log of the power mel clamped
 * at 1e-5) and its inverse, a momentum ("fast") Griffin-Lim. The log-mel, the window, the framing, the overlap-add
 * and the filterbank are audio-dsp's ({@link MelSpectrogram}, {@link Stft}); only the FFTs inside the vocoders run on
 * the engine, all frames of a signal in one batched call, together with the filterbank inversion.
 */
public final class Spectral {
    /** The feature stage's settings, which the model was trained on. */
    public static final MelConfig CONFIG = MelConfig.defaults();
    public static final int SAMPLE_RATE = CONFIG.sampleRate();
    public static final int N_FFT = CONFIG.nFft();
    public static final int HOP = CONFIG.hopLength();
    public static final int MELS = CONFIG.nMels();
    public static final int BINS = CONFIG.nFreqs();
    /** The feature stage's log-mel (thread-safe). */
    private static final MelSpectrogram FEATURES = new MelSpectrogram(CONFIG);
    /** Framing, window and overlap-add of every STFT here; only its thread-safe halves are used. */
    private static final Stft STFT = FEATURES.newStft();
    /** The filterbank as audio-dsp builds it, [MELS][BINS]. */
    private static final float[][] FILTERBANK = transpose(FEATURES.filterbank().matrix());
    // row-major [BINS, MELS], built once: every vocoder call uploads it
    private static final float[] FILTERBANK_TRANSPOSED = MelSpectrogram.flatten(FEATURES.filterbank().matrix());
    private static volatile float[] pseudoInverse;
    /** Enough for the MCD floor to settle (10: 1.08 dB, 20: 1.07, 40: 1.06 on the real speaker). */
    private static final int NNLS_ITERATIONS = 20;

    private Spectral() {
    }

    /** The analysis window of every STFT here (audio-dsp's torch-compatible periodic Hann). */
    static double[] window() {
        return STFT.window();
    }

    public static int frameCount(int samples) {
        return CONFIG.frameCount(samples);
    }

    /** Complex STFT of the whole signal as real pairs [frames, BINS, 2]: audio-dsp's frames, the engine's FFT. */
    static NDArray stft(NDManager manager, float[] signal) {
        return spectra(manager, STFT.windowedFrames(signal), frameCount(signal.length));
    }

    /** The engine's batched FFT of {@code count} windowed frames [count * N_FFT]: [count, BINS, 2]. */
    private static NDArray spectra(NDManager manager, float[] windowedFrames, int count) {
        return manager.create(windowedFrames, new Shape(count, N_FFT)).rfft(N_FFT, -1).real();
    }

    /** The feature stage's log-mel [frames][MELS] of 32 kHz audio (audio-dsp's {@link MelSpectrogram}). */
    public static float[][] logMel(float[] pcm) {
        if (pcm.length == 0) {
            return new float[0][MELS];   // audio-dsp would frame the empty signal once
        }
        return FEATURES.logMel(pcm);
    }

    /** The filterbank as [BINS, MELS] (power spectrum @ it = power mel). */
    static NDArray filterbankTransposed(NDManager m) {
        return m.create(FILTERBANK_TRANSPOSED, new Shape(BINS, MELS));
    }

    /** [BINS][MELS] (audio-dsp's layout) to [MELS][BINS]. */
    private static float[][] transpose(float[][] binsByMels) {
        float[][] out = new float[MELS][BINS];
        for (int k = 0; k < BINS; k++) {
            for (int j = 0; j < MELS; j++) {
                out[j][k] = binsByMels[k][j];
            }
        }
        return out;
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
    static float[] griffinLimFrom(NDManager parent, NDArray magnitude, NDArray start, int iterations, double momentum,
                                  int samples) {
        try (NDManager m = parent.newSubManager()) {
            NDArray angles = start.div(start.square().sum(new int[]{2}, true).sqrt().add(1e-16f));
            angles.attach(m);
            return iterate(m, magnitude, angles, iterations, momentum, samples);
        }
    }

    /**
     * Griffin-Lim on some frames only: the frames where {@code free} is true are re-estimated, the others keep
     * {@code start}'s phase throughout (the same as iterating the whole signal and putting their phase back after each
     * iteration, but each iteration transforms only the free frames: the fixed frames' share of the inverse STFT is
     * added once). {@code magnitude} [T, BINS, 1], {@code start} [T, BINS, 2].
     */
    static float[] griffinLimFrames(NDManager parent, NDArray magnitude, NDArray start, boolean[] free, int iterations,
                                    double momentum, int samples) {
        int frames = free.length;
        int[] freeFrames = java.util.stream.IntStream.range(0, frames).filter(t -> free[t]).toArray();
        int[] fixedFrames = java.util.stream.IntStream.range(0, frames).filter(t -> !free[t]).toArray();
        float[] mag = magnitude.toFloatArray();
        float[] phase = start.toFloatArray();
        try (NDManager m = parent.newSubManager()) {
            float[] fixedShare = fixedFrames.length == 0 ? new float[samples]
                    : overlapAddFrames(m.create(spectrumOf(mag, phase, fixedFrames), new Shape(fixedFrames.length, BINS, 2)),
                    fixedFrames, frames, samples);
            if (freeFrames.length == 0) return fixedShare;
            NDArray freeMagnitude = m.create(magnitudesOf(mag, freeFrames), new Shape(freeFrames.length, BINS, 1));
            NDArray angles = m.create(unitPhase(phase, freeFrames), new Shape(freeFrames.length, BINS, 2));
            NDArray previous = null;
            float alpha = (float) (momentum / (1 + momentum));
            for (int it = 0; ; it++) {
                try (NDManager scope = m.newSubManager()) {
                    NDArray spectrum = freeMagnitude.mul(angles);
                    spectrum.attach(scope);
                    float[] audio = overlapAddFrames(spectrum, freeFrames, frames, samples);
                    for (int i = 0; i < samples; i++) audio[i] += fixedShare[i];
                    if (it == iterations) return audio;
                    NDArray rebuilt = spectra(scope, STFT.windowedFrames(audio, freeFrames), freeFrames.length);
                    NDArray next = previous == null ? rebuilt : rebuilt.sub(previous.mul(alpha));
                    NDArray nextAngles = next.div(next.square().sum(new int[]{2}, true).sqrt().add(1e-16f));
                    nextAngles.attach(m);
                    rebuilt.attach(m);
                    if (previous != null) previous.close();
                    angles.close();
                    angles = nextAngles;
                    previous = rebuilt;
                }
            }
        }
    }

    /** The listed frames' magnitudes [k * BINS] from {@code mag} [T * BINS]. */
    private static float[] magnitudesOf(float[] mag, int[] frames) {
        float[] out = new float[frames.length * BINS];
        for (int k = 0; k < frames.length; k++) System.arraycopy(mag, frames[k] * BINS, out, k * BINS, BINS);
        return out;
    }

    /** The listed frames' magnitude on {@code phase}'s unit phase, as real pairs [k * BINS * 2]. */
    private static float[] spectrumOf(float[] mag, float[] phase, int[] frames) {
        float[] out = unitPhase(phase, frames);
        for (int k = 0; k < frames.length; k++) {
            for (int b = 0; b < BINS; b++) {
                float a = mag[frames[k] * BINS + b];
                out[2 * (k * BINS + b)] *= a;
                out[2 * (k * BINS + b) + 1] *= a;
            }
        }
        return out;
    }

    /** Unit-length phase pairs [k * BINS * 2] of the listed frames. */
    private static float[] unitPhase(float[] phase, int[] frames) {
        float[] out = new float[frames.length * BINS * 2];
        for (int k = 0; k < frames.length; k++) {
            for (int b = 0; b < BINS; b++) {
                int src = frames[k] * BINS + b;
                float re = phase[2 * src];
                float im = phase[2 * src + 1];
                float norm = (float) Math.sqrt(re * re + im * im) + 1e-16f;
                out[2 * (k * BINS + b)] = re / norm;
                out[2 * (k * BINS + b) + 1] = im / norm;
            }
        }
        return out;
    }

    /** The share of the inverse STFT that {@code spectrum} [k, BINS, 2], the frames {@code frameIndices}, make. */
    private static float[] overlapAddFrames(NDArray spectrum, int[] frameIndices, int frames, int samples) {
        return STFT.overlapAdd(frameSignals(spectrum), frameIndices, frames, samples);
    }

    /** Each frame's inverse FFT of [k, BINS, 2], unwindowed [k * N_FFT]: the engine's batched irfft. */
    private static float[] frameSignals(NDArray spectrum) {
        try (NDManager scope = spectrum.getManager().newSubManager()) {
            NDArray s = spectrum.duplicate();
            s.attach(scope);
            return s.complex().irfft(N_FFT, -1).toFloatArray();
        }
    }

    /**
     * The fast Griffin-Lim iterations: {@code magnitude} [T, BINS, 1] with unit-length {@code angles} [T, BINS, 2]
     * (owned by {@code m}; closed as they are replaced), then one inverse STFT.
     */
    private static float[] iterate(NDManager m, NDArray magnitude, NDArray angles, int iterations, double momentum,
                                   int samples) {
        NDArray previous = null;
        float alpha = (float) (momentum / (1 + momentum));
        for (int it = 0; it < iterations; it++) {
            try (NDManager scope = m.newSubManager()) {
                float[] audio = istft(magnitude.mul(angles), samples);
                NDArray rebuilt = stft(scope, audio);
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
        return istft(magnitude.mul(angles), samples);
    }

    /** A log-mel [frames][MELS] as the engine's power mel [frames, MELS] (what the vocoders invert). */
    static NDArray powerMel(NDManager m, float[][] logMel) {
        return m.create(MelSpectrogram.flatten(logMel), new Shape(logMel.length, MELS)).exp();
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

    /**
     * Inverse STFT of [frames, BINS, 2] to {@code samples} samples: the engine's batched irfft, then audio-dsp's
     * windowed overlap-add.
     */
    static float[] istft(NDArray spec, int samples) {
        return STFT.overlapAdd(frameSignals(spec), (int) spec.getShape().get(0), samples);
    }
}
