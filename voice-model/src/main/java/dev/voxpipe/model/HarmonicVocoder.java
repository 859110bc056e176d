package dev.voxpipe.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

import java.util.Random;

/**
 * A harmonic-plus-noise vocoder: voiced frames are rendered as sinusoids at whole multiples of a given F0 up to
 * {@link #MAX_VOICED_HZ}, with amplitudes read from the spectral envelope the log-mel gives (the same NNLS
 * magnitude Griffin-Lim starts from); everything else (unvoiced frames, and the band above the maximum voiced
 * frequency) is noise shaped by that envelope. Unlike Griffin-Lim it is told the pitch, so it cannot lose voicing
 * or blur harmonics; it needs F0 and voicing per frame, which the acoustic model does not predict yet.
 *
 * <p>Frames are {@link Spectral#HOP} apart at {@link Spectral#SAMPLE_RATE}, F0 0 means unvoiced. Deterministic
 * for a given seed.
 */
public final class HarmonicVocoder {
    /** Harmonics stop here; above it voiced frames get noise (speech is mostly aperiodic above 4-6 kHz). */
    public static final double MAX_VOICED_HZ = Double.parseDouble(System.getProperty("voxpipe.hnm.maxVoicedHz", "5000"));
    /**
     * Share of a voiced frame's power below {@link #MAX_VOICED_HZ} that is noise (aperiodicity): real voices are
     * never perfectly periodic. Without an aperiodicity feature it is one constant.
     */
    public static final double VOICED_NOISE_SHARE = Double.parseDouble(System.getProperty("voxpipe.hnm.voicedNoise", "0"));
    /** Sum of the squared analysis window: converts STFT power of a sinusoid to its amplitude. */
    private static final double WINDOW_POWER;

    static {
        double s = 0;
        for (float w : Spectral.WINDOW) s += w * w;
        WINDOW_POWER = s;
    }

    private HarmonicVocoder() {
    }

    /**
     * @param logMel [frames][MELS] log-mel (the feature stage's)
     * @param f0Hz   per frame; 0 for unvoiced. Must have as many frames as {@code logMel} (extra values ignored)
     * @return audio at {@link Spectral#SAMPLE_RATE}, {@code (frames - 1) * HOP} samples
     */
    public static float[] synthesize(NDManager parent, float[][] logMel, float[] f0Hz, long seed) {
        int frames = logMel.length;
        if (frames == 0) return new float[0];
        if (f0Hz.length < frames) throw new IllegalArgumentException(f0Hz.length + " F0 values for " + frames + " frames");
        int samples = (frames - 1) * Spectral.HOP;
        float[][] power;
        try (NDManager m = parent.newSubManager()) {
            float[] flat = new float[frames * Spectral.MELS];
            for (int t = 0; t < frames; t++) System.arraycopy(logMel[t], 0, flat, t * Spectral.MELS, Spectral.MELS);
            NDArray mel = m.create(flat, new Shape(frames, Spectral.MELS)).exp();
            power = Spectral.toMatrix(Spectral.melToPower(m, mel));
        }
        float[] out = harmonics(power, f0Hz, samples);
        float[] noise = noise(parent, power, f0Hz, samples, seed);
        for (int i = 0; i < samples; i++) out[i] += noise[i];
        return Spectral.limitPeak(out);
    }

    /** Sinusoids at k * F0 with amplitudes from the envelope, interpolated sample by sample between frames. */
    static float[] harmonics(float[][] power, float[] f0Hz, int samples) {
        int frames = power.length;
        double binHz = Spectral.SAMPLE_RATE / (double) Spectral.N_FFT;
        int maxHarmonics = (int) (MAX_VOICED_HZ / 50) + 1;
        // amplitude of harmonic k at each frame (0 where unvoiced)
        float[][] amp = new float[frames][];
        for (int t = 0; t < frames; t++) {
            float f0 = f0Hz[t];
            if (!(f0 > 0)) continue;
            int count = Math.min(maxHarmonics, (int) (MAX_VOICED_HZ / f0));
            amp[t] = new float[count + 1];
            for (int k = 1; k <= count; k++) {
                // the envelope's power over the band this harmonic owns (±F0/2) is the sinusoid's power
                int lo = Math.max(1, (int) Math.ceil((k - 0.5) * f0 / binHz));
                int hi = Math.min(Spectral.BINS - 1, (int) Math.floor((k + 0.5) * f0 / binHz));
                double band = 0;
                for (int b = lo; b <= hi; b++) band += power[t][b];
                amp[t][k] = (float) Math.sqrt(4 * (1 - VOICED_NOISE_SHARE) * band / (Spectral.N_FFT * WINDOW_POWER));
            }
        }
        float[] out = new float[samples];
        double phase = 0;
        for (int n = 0; n < samples; n++) {
            double pos = n / (double) Spectral.HOP;
            int t = Math.min(frames - 1, (int) pos);
            int u = Math.min(frames - 1, t + 1);
            double w = pos - t;
            float f0a = f0Hz[t];
            float f0b = f0Hz[u];
            boolean va = f0a > 0;
            boolean vb = f0b > 0;
            if (!va && !vb) continue;
            // pitch glides between voiced frames; at a voicing edge the voiced side's pitch holds
            double f0 = va && vb ? (1 - w) * f0a + w * f0b : va ? f0a : f0b;
            phase += 2 * Math.PI * f0 / Spectral.SAMPLE_RATE;
            if (phase > 2 * Math.PI * 1e6) phase -= 2 * Math.PI * 1e6; // keep precision; a multiple of 2π
            double sum = 0;
            int count = Math.max(va ? amp[t].length : 0, vb ? amp[u].length : 0) - 1;
            for (int k = 1; k <= count; k++) {
                double a0 = va && k < amp[t].length ? amp[t][k] : 0;
                double a1 = vb && k < amp[u].length ? amp[u][k] : 0;
                double a = (1 - w) * a0 + w * a1;
                if (a != 0) sum += a * Math.cos(k * phase);
            }
            out[n] = (float) sum;
        }
        return out;
    }

    /** Envelope-shaped noise: the whole band in unvoiced frames, above the maximum voiced frequency in voiced ones. */
    static float[] noise(NDManager parent, float[][] power, float[] f0Hz, int samples, long seed) {
        int frames = power.length;
        double binHz = Spectral.SAMPLE_RATE / (double) Spectral.N_FFT;
        int voicedTop = (int) Math.round(MAX_VOICED_HZ / binHz);
        Random rng = new Random(seed);
        float[] spec = new float[frames * Spectral.BINS * 2];
        for (int t = 0; t < frames; t++) {
            boolean voiced = f0Hz[t] > 0;
            for (int b = 0; b < Spectral.BINS; b++) {
                double mag = voiced && b < voicedTop ? Math.sqrt(VOICED_NOISE_SHARE * power[t][b]) : Math.sqrt(power[t][b]);
                double a = rng.nextDouble() * 2 * Math.PI;
                int i = (t * Spectral.BINS + b) * 2;
                spec[i] = (float) (mag * Math.cos(a));
                spec[i + 1] = (float) (mag * Math.sin(a));
            }
        }
        try (NDManager m = parent.newSubManager()) {
            NDArray s = m.create(spec, new Shape(frames, Spectral.BINS, 2));
            return Spectral.istft(s, m.create(Spectral.WINDOW), Spectral.inverseEnvelope(frames), samples);
        }
    }
}
