package dev.voxpipe.dsp;

/**
 * YIN fundamental-frequency estimator (de Cheveigné and Kawahara, 2002): difference function via
 * FFT cross-correlation, cumulative-mean normalisation, absolute threshold, parabolic refinement.
 * The signal is first band-limited and decimated to {@code analysisRate} (8 kHz by default: enough for
 * voices up to 1 kHz and four times cheaper than 16 kHz). One value per frame centred at
 * {@code t * hop}, matching centred mel frames; 0 means unvoiced. Thread-safe.
 *
 * @param fMin          lowest F0 searched (Hz)
 * @param fMax          highest F0 searched (Hz)
 * @param threshold     YIN absolute threshold on the normalised difference (0.1-0.2 typical)
 * @param silenceDbfs   frames whose RMS is below this are unvoiced without analysis
 * @param analysisRate  internal sample rate
 */
public record PitchTracker(double fMin, double fMax, double threshold, double silenceDbfs, int analysisRate) {
    public PitchTracker {
        if (!(fMin > 0 && fMax > fMin)) throw new IllegalArgumentException("need 0 < fMin < fMax");
        if (fMax >= analysisRate / 2.0) throw new IllegalArgumentException("fMax must be below analysisRate/2");
        if (!(threshold > 0 && threshold < 1)) throw new IllegalArgumentException("threshold in (0,1)");
    }

    public static PitchTracker defaults() {
        return new PitchTracker(50, 1000, 0.15, -55, 8000);
    }

    public PitchTracker withRange(double fMin, double fMax) {
        return new PitchTracker(fMin, fMax, threshold, silenceDbfs, analysisRate);
    }

    /** F0 per frame: {@code 1 + samples.length / hop} values (centred frames), 0 for unvoiced. */
    public float[] f0(float[] samples, int sampleRate, int hop) {
        int frames = 1 + samples.length / hop;
        float[] out = new float[frames];
        float[] x = sampleRate == analysisRate ? samples : Resampler.resample(samples, sampleRate, analysisRate, Resampler.Quality.ANALYSIS);
        int ar = analysisRate;
        int minLag = Math.max(2, (int) Math.floor(ar / fMax));
        int maxLag = (int) Math.ceil(ar / fMin);
        int w = Math.max(maxLag, (int) Math.round(0.025 * ar)); // integration window
        int seg = w + maxLag + 1;
        int typicalLag = (int) Math.round(Math.sqrt((double) minLag * maxLag));
        int nfft = Integer.highestOneBit(seg - 1) << 1;
        Fft.Real fft = new Fft.Real(nfft);
        double[] a = new double[nfft], b = new double[nfft];
        int nb = nfft / 2 + 1;
        double[] are = new double[nb], aim = new double[nb], bre = new double[nb], bim = new double[nb];
        double[] r = new double[nfft];
        double[] cum = new double[x.length + 1]; // prefix sums of x^2 for the energy terms
        for (int i = 0; i < x.length; i++) cum[i + 1] = cum[i] + (double) x[i] * x[i];
        double[] dprime = new double[maxLag + 2];
        double silence = Math.pow(10, silenceDbfs / 10); // mean-square threshold
        double rateRatio = ar / (double) sampleRate;
        for (int t = 0; t < frames; t++) {
            int centre = (int) Math.round(t * hop * rateRatio);
            // the difference function compares [start, start + w) with itself a lag later, so it describes the span
            // around start + (w + lag) / 2: centre that on the frame for a mid-range lag (starting at centre - seg / 2
            // put every estimate about 10 ms, one hop, before its frame)
            int start = centre - (w + typicalLag) / 2;
            if (start < 0 || start + seg > x.length) continue; // too close to an edge for a full window
            double e0 = cum[start + w] - cum[start];
            if (e0 / w < silence) continue;
            for (int i = 0; i < nfft; i++) {
                a[i] = i < w ? x[start + i] : 0;
                b[i] = i < seg ? x[start + i] : 0;
            }
            fft.forward(a, are, aim);
            fft.forward(b, bre, bim);
            for (int k = 0; k < nb; k++) {
                // conj(A) * B
                double pr = are[k] * bre[k] + aim[k] * bim[k];
                double pi = are[k] * bim[k] - aim[k] * bre[k];
                are[k] = pr;
                aim[k] = pi;
            }
            fft.inverse(are, aim, r);
            dprime[0] = 1;
            double running = 0;
            int found = -1;
            for (int tau = 1; tau <= maxLag; tau++) {
                double et = cum[start + tau + w] - cum[start + tau];
                double d = Math.max(0, e0 + et - 2 * r[tau]);
                running += d;
                dprime[tau] = running > 0 ? d * tau / running : 1;
            }
            for (int tau = minLag; tau <= maxLag; tau++) {
                if (dprime[tau] < threshold) {
                    while (tau + 1 <= maxLag && dprime[tau + 1] < dprime[tau]) tau++;
                    found = tau;
                    break;
                }
            }
            if (found < 0) continue;
            double refined = found;
            if (found > 1 && found < maxLag) {
                double y0 = dprime[found - 1], y1 = dprime[found], y2 = dprime[found + 1];
                double den = y0 - 2 * y1 + y2;
                if (den > 0) refined = found + 0.5 * (y0 - y2) / den;
            }
            out[t] = (float) (ar / refined);
        }
        return out;
    }
}
