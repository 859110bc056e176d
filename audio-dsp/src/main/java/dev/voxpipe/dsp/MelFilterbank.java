package dev.voxpipe.dsp;

/**
 * Triangular mel filterbank exactly as torchaudio's {@code melscale_fbanks} builds it (linearly spaced
 * FFT bin frequencies, triangles between mel-spaced points, optional Slaney area normalisation).
 * Stored sparsely: each filter's non-zero bin range and weights.
 */
public final class MelFilterbank {
    private final int nMels, nFreqs;
    private final int[] start, end; // non-zero bins [start, end)
    private final float[][] weights;

    public MelFilterbank(MelConfig c) {
        this(c.sampleRate(), c.nFreqs(), c.nMels(), c.fMin(), c.fMax(), c.slaneyScale(), c.slaneyNorm());
    }

    public MelFilterbank(int sampleRate, int nFreqs, int nMels, double fMin, double fMax, boolean slaneyScale, boolean slaneyNorm) {
        this.nMels = nMels;
        this.nFreqs = nFreqs;
        double[] allFreqs = new double[nFreqs];
        for (int i = 0; i < nFreqs; i++) allFreqs[i] = nFreqs == 1 ? 0 : (double) (sampleRate / 2) * i / (nFreqs - 1);
        double mMin = hzToMel(fMin, slaneyScale), mMax = hzToMel(fMax, slaneyScale);
        double[] fPts = new double[nMels + 2];
        for (int i = 0; i < nMels + 2; i++) fPts[i] = melToHz(mMin + (mMax - mMin) * i / (nMels + 1), slaneyScale);
        start = new int[nMels];
        end = new int[nMels];
        weights = new float[nMels][];
        for (int m = 0; m < nMels; m++) {
            double lo = fPts[m], mid = fPts[m + 1], hi = fPts[m + 2];
            double enorm = slaneyNorm ? 2.0 / (hi - lo) : 1.0;
            float[] w = new float[nFreqs];
            int s = -1, e = -1;
            for (int k = 0; k < nFreqs; k++) {
                double down = (allFreqs[k] - lo) / (mid - lo);
                double up = (hi - allFreqs[k]) / (hi - mid);
                double v = Math.max(0, Math.min(down, up)) * enorm;
                w[k] = (float) v;
                if (v > 0) {
                    if (s < 0) s = k;
                    e = k + 1;
                }
            }
            if (s < 0) {
                s = 0;
                e = 0;
            }
            start[m] = s;
            end[m] = e;
            weights[m] = java.util.Arrays.copyOfRange(w, s, e);
        }
    }

    public static double hzToMel(double f, boolean slaney) {
        if (!slaney) return 2595.0 * Math.log10(1.0 + f / 700.0);
        double fSp = 200.0 / 3, minLogHz = 1000.0, minLogMel = minLogHz / fSp, logStep = Math.log(6.4) / 27.0;
        return f >= minLogHz ? minLogMel + Math.log(f / minLogHz) / logStep : f / fSp;
    }

    public static double melToHz(double mel, boolean slaney) {
        if (!slaney) return 700.0 * (Math.pow(10, mel / 2595.0) - 1.0);
        double fSp = 200.0 / 3, minLogHz = 1000.0, minLogMel = minLogHz / fSp, logStep = Math.log(6.4) / 27.0;
        return mel >= minLogMel ? minLogHz * Math.exp(logStep * (mel - minLogMel)) : fSp * mel;
    }

    public int nMels() {
        return nMels;
    }

    public int nFreqs() {
        return nFreqs;
    }

    /** out[m] = sum_k fb[k][m] * spec[k]. */
    public void apply(double[] spec, float[] out, int outOffset) {
        for (int m = 0; m < nMels; m++) {
            float[] w = weights[m];
            int s = start[m];
            double acc = 0;
            for (int j = 0; j < w.length; j++) acc += w[j] * spec[s + j];
            out[outOffset + m] = (float) acc;
        }
    }

    /** Dense matrix [nFreqs][nMels] (torchaudio's layout), e.g. for a pseudo-inverse. */
    public float[][] matrix() {
        float[][] fb = new float[nFreqs][nMels];
        for (int m = 0; m < nMels; m++) {
            for (int j = 0; j < weights[m].length; j++) fb[start[m] + j][m] = weights[m][j];
        }
        return fb;
    }

    /**
     * Approximate inverse: linear spectrum from mel energies by projecting through the transposed,
     * column-normalised filterbank (non-negative, cheap; a least-squares refinement can start here).
     */
    public double[] melToLinear(float[] mel) {
        double[] lin = new double[nFreqs];
        double[] norm = new double[nFreqs];
        for (int m = 0; m < nMels; m++) {
            float[] w = weights[m];
            for (int j = 0; j < w.length; j++) {
                lin[start[m] + j] += w[j] * mel[m];
                norm[start[m] + j] += w[j] * w[j];
            }
        }
        for (int k = 0; k < nFreqs; k++) lin[k] = norm[k] > 0 ? lin[k] / norm[k] : 0;
        return lin;
    }
}
