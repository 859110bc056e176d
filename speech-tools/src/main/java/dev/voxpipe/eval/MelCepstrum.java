package dev.voxpipe.eval;

import dev.voxpipe.dsp.MelFilterbank;
import dev.voxpipe.dsp.Stft;

/**
 * Mel-cepstra for MCD at 16 kHz: 25 ms Hann window, 10 ms hop, 512-point FFT, 40 HTK-mel bands from 0 Hz to
 * {@code fMaxHz}, then the real cepstrum of the log <em>amplitude</em> mel spectrum
 * ({@code c_d = 1/N sum_k ln|X_k| cos(pi d (k+1/2) / N)}, i.e. {@code ln|X| = c_0 + 2 sum c_d cos(d w)}), and
 * MCD {@code = 10/ln10 * sqrt(2 * sum_{d=1..13} (c_d - c'_d)^2)}.
 *
 * <p>Convention: SPTK's one-sided mel-cepstrum ({@code mcep}, {@code pysptk.sp2mc}) is twice this real cepstrum
 * for d >= 1, so MCD figures computed on SPTK mel-cepstra are about 2x ours. This convention reproduces the
 * project's calibration figures (../shared/README.md). Frames are centred: frame t is at {@code t * 160} samples,
 * the same grid as {@code PitchTracker.f0(x, 16000, 160)}.
 */
public final class MelCepstrum {
    public static final int RATE = 16_000;
    public static final int HOP = 160;
    public static final int N_FFT = 512;
    public static final int WIN = 400;
    public static final int N_MELS = 40;
    /** c0..c13; MCD uses c1..c13. */
    public static final int ORDER = 13;

    private MelCepstrum() {
    }

    /** [frames][ORDER + 1] cepstra of 16 kHz samples, analysed up to {@code fMaxHz}. */
    public static double[][] compute(float[] x16k, double fMaxHz) {
        Stft stft = new Stft(N_FFT, WIN, HOP, true);
        MelFilterbank fb = new MelFilterbank(RATE, stft.nFreqs(), N_MELS, 0, Math.min(fMaxHz, RATE / 2.0), false, false);
        float[][] power = stft.spectrogram(x16k, 2.0);
        double[][] cos = new double[ORDER + 1][N_MELS];
        for (int d = 0; d <= ORDER; d++) {
            for (int k = 0; k < N_MELS; k++) cos[d][k] = Math.cos(Math.PI * d * (k + 0.5) / N_MELS);
        }
        double[][] out = new double[power.length][ORDER + 1];
        double[] spec = new double[stft.nFreqs()];
        float[] mel = new float[N_MELS];
        double[] logAmp = new double[N_MELS];
        for (int t = 0; t < power.length; t++) {
            for (int k = 0; k < spec.length; k++) spec[k] = power[t][k];
            fb.apply(spec, mel, 0);
            for (int k = 0; k < N_MELS; k++) logAmp[k] = 0.5 * Math.log(Math.max(mel[k], 1e-10));
            for (int d = 0; d <= ORDER; d++) {
                double sum = 0;
                for (int k = 0; k < N_MELS; k++) sum += logAmp[k] * cos[d][k];
                out[t][d] = sum / N_MELS;
            }
        }
        return out;
    }

    /** MCD in dB between two cepstral frames over c1..c13. */
    public static double frameMcd(double[] a, double[] b) {
        double sum = 0;
        for (int d = 1; d <= ORDER; d++) {
            double diff = a[d] - b[d];
            sum += diff * diff;
        }
        return 10.0 / Math.log(10) * Math.sqrt(2 * sum);
    }
}
