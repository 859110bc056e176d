package dev.voxpipe.dsp;

import java.util.ArrayList;
import java.util.List;

/**
 * Exact-length mixed-radix (4, 2, 3, 5, generic) complex FFT in Stockham autosort form, plus a real
 * FFT of even length built on a half-length complex FFT. Exact lengths matter: torchaudio uses a
 * true 1280-point DFT for n_fft 1280, so zero-padding to 2048 would break parity.
 *
 * <p>An instance owns scratch buffers: it is NOT thread-safe; create one per thread (cheap).
 */
public final class Fft {
    private final int n;
    private final int[] radices;
    /** Per stage: twiddles w^(p*k) for p in [0, m), k in [1, radix), interleaved re/im. */
    private final double[][] stageTwiddles;
    private final double[] workRe, workIm;

    public Fft(int n) {
        if (n < 1) throw new IllegalArgumentException("FFT length must be >= 1: " + n);
        this.n = n;
        this.radices = factor(n);
        this.stageTwiddles = new double[radices.length][];
        int len = n;
        for (int s = 0; s < radices.length; s++) {
            int r = radices[s];
            int m = len / r;
            double[] tw = new double[m * (r - 1) * 2];
            for (int p = 0; p < m; p++) {
                for (int k = 1; k < r; k++) {
                    double theta = -2 * Math.PI * p * k / len;
                    int idx = (p * (r - 1) + (k - 1)) * 2;
                    tw[idx] = Math.cos(theta);
                    tw[idx + 1] = Math.sin(theta);
                }
            }
            stageTwiddles[s] = tw;
            len = m;
        }
        workRe = new double[n];
        workIm = new double[n];
    }

    public int size() {
        return n;
    }

    private static int[] factor(int n) {
        List<Integer> f = new ArrayList<>();
        int rest = n;
        while (rest % 4 == 0) { f.add(4); rest /= 4; }
        while (rest % 2 == 0) { f.add(2); rest /= 2; }
        while (rest % 3 == 0) { f.add(3); rest /= 3; }
        while (rest % 5 == 0) { f.add(5); rest /= 5; }
        for (int p = 7; rest > 1; p += 2) {
            while (rest % p == 0) { f.add(p); rest /= p; }
        }
        return f.stream().mapToInt(Integer::intValue).toArray();
    }

    /** In-place forward complex DFT: X[k] = sum x[j] exp(-2 pi i jk/n). */
    public void forward(double[] re, double[] im) {
        if (re.length < n || im.length < n) throw new IllegalArgumentException("arrays shorter than " + n);
        double[] xr = re, xi = im, yr = workRe, yi = workIm;
        int len = n, stride = 1;
        for (int s = 0; s < radices.length; s++) {
            int r = radices[s];
            int m = len / r;
            double[] tw = stageTwiddles[s];
            switch (r) {
                case 4 -> radix4(m, stride, tw, xr, xi, yr, yi);
                case 2 -> radix2(m, stride, tw, xr, xi, yr, yi);
                case 3 -> radix3(m, stride, tw, xr, xi, yr, yi);
                case 5 -> radix5(m, stride, tw, xr, xi, yr, yi);
                default -> radixGeneric(r, m, stride, tw, xr, xi, yr, yi);
            }
            double[] t = xr; xr = yr; yr = t;
            t = xi; xi = yi; yi = t;
            len = m;
            stride *= r;
        }
        if (xr != re) {
            System.arraycopy(xr, 0, re, 0, n);
            System.arraycopy(xi, 0, im, 0, n);
        }
    }

    /** In-place inverse complex DFT, scaled by 1/n. */
    public void inverse(double[] re, double[] im) {
        for (int i = 0; i < n; i++) im[i] = -im[i];
        forward(re, im);
        double scale = 1.0 / n;
        for (int i = 0; i < n; i++) {
            re[i] *= scale;
            im[i] = -im[i] * scale;
        }
    }

    // Stockham DIF stage: inputs x[q + s*(p + k*m)], outputs y[q + s*(r*p + k)] = (DFT_r)_k * w^(p*k).
    private static void radix2(int m, int s, double[] tw, double[] xr, double[] xi, double[] yr, double[] yi) {
        for (int p = 0; p < m; p++) {
            double wr = tw[2 * p], wi = tw[2 * p + 1];
            int in0 = s * p, in1 = s * (p + m), out0 = s * (2 * p), out1 = s * (2 * p + 1);
            for (int q = 0; q < s; q++) {
                double ar = xr[in0 + q], ai = xi[in0 + q], br = xr[in1 + q], bi = xi[in1 + q];
                yr[out0 + q] = ar + br;
                yi[out0 + q] = ai + bi;
                double dr = ar - br, di = ai - bi;
                yr[out1 + q] = dr * wr - di * wi;
                yi[out1 + q] = dr * wi + di * wr;
            }
        }
    }

    private static void radix4(int m, int s, double[] tw, double[] xr, double[] xi, double[] yr, double[] yi) {
        for (int p = 0; p < m; p++) {
            int t = p * 6;
            double w1r = tw[t], w1i = tw[t + 1], w2r = tw[t + 2], w2i = tw[t + 3], w3r = tw[t + 4], w3i = tw[t + 5];
            int i0 = s * p, i1 = s * (p + m), i2 = s * (p + 2 * m), i3 = s * (p + 3 * m);
            int o0 = s * (4 * p), o1 = o0 + s, o2 = o1 + s, o3 = o2 + s;
            for (int q = 0; q < s; q++) {
                double ar = xr[i0 + q], ai = xi[i0 + q];
                double br = xr[i1 + q], bi = xi[i1 + q];
                double cr = xr[i2 + q], ci = xi[i2 + q];
                double dr = xr[i3 + q], di = xi[i3 + q];
                double apcr = ar + cr, apci = ai + ci, amcr = ar - cr, amci = ai - ci;
                double bpdr = br + dr, bpdi = bi + di, bmdr = br - dr, bmdi = bi - di;
                yr[o0 + q] = apcr + bpdr;
                yi[o0 + q] = apci + bpdi;
                // X1 = (a-c) - i(b-d)
                double x1r = amcr + bmdi, x1i = amci - bmdr;
                double x2r = apcr - bpdr, x2i = apci - bpdi;
                // X3 = (a-c) + i(b-d)
                double x3r = amcr - bmdi, x3i = amci + bmdr;
                yr[o1 + q] = x1r * w1r - x1i * w1i;
                yi[o1 + q] = x1r * w1i + x1i * w1r;
                yr[o2 + q] = x2r * w2r - x2i * w2i;
                yi[o2 + q] = x2r * w2i + x2i * w2r;
                yr[o3 + q] = x3r * w3r - x3i * w3i;
                yi[o3 + q] = x3r * w3i + x3i * w3r;
            }
        }
    }

    private static final double C3 = -0.5, S3 = -Math.sqrt(3) / 2;

    private static void radix3(int m, int s, double[] tw, double[] xr, double[] xi, double[] yr, double[] yi) {
        for (int p = 0; p < m; p++) {
            int t = p * 4;
            double w1r = tw[t], w1i = tw[t + 1], w2r = tw[t + 2], w2i = tw[t + 3];
            int i0 = s * p, i1 = s * (p + m), i2 = s * (p + 2 * m);
            int o0 = s * (3 * p), o1 = o0 + s, o2 = o1 + s;
            for (int q = 0; q < s; q++) {
                double ar = xr[i0 + q], ai = xi[i0 + q];
                double br = xr[i1 + q], bi = xi[i1 + q];
                double cr = xr[i2 + q], ci = xi[i2 + q];
                double sr = br + cr, si = bi + ci, dr = br - cr, di = bi - ci;
                yr[o0 + q] = ar + sr;
                yi[o0 + q] = ai + si;
                double mr = ar + C3 * sr, mi = ai + C3 * si;
                // exp(-2pi i/3) = C3 + i*S3 (S3 negative)
                double x1r = mr - S3 * di, x1i = mi + S3 * dr;
                double x2r = mr + S3 * di, x2i = mi - S3 * dr;
                yr[o1 + q] = x1r * w1r - x1i * w1i;
                yi[o1 + q] = x1r * w1i + x1i * w1r;
                yr[o2 + q] = x2r * w2r - x2i * w2i;
                yi[o2 + q] = x2r * w2i + x2i * w2r;
            }
        }
    }

    private static final double C51 = Math.cos(2 * Math.PI / 5), C52 = Math.cos(4 * Math.PI / 5);
    private static final double S51 = -Math.sin(2 * Math.PI / 5), S52 = -Math.sin(4 * Math.PI / 5);

    private static void radix5(int m, int s, double[] tw, double[] xr, double[] xi, double[] yr, double[] yi) {
        for (int p = 0; p < m; p++) {
            int t = p * 8;
            int i0 = s * p, i1 = s * (p + m), i2 = s * (p + 2 * m), i3 = s * (p + 3 * m), i4 = s * (p + 4 * m);
            int o0 = s * (5 * p);
            for (int q = 0; q < s; q++) {
                double ar = xr[i0 + q], ai = xi[i0 + q];
                double br = xr[i1 + q], bi = xi[i1 + q];
                double cr = xr[i2 + q], ci = xi[i2 + q];
                double dr = xr[i3 + q], di = xi[i3 + q];
                double er = xr[i4 + q], ei = xi[i4 + q];
                double s1r = br + er, s1i = bi + ei, d1r = br - er, d1i = bi - ei;
                double s2r = cr + dr, s2i = ci + di, d2r = cr - dr, d2i = ci - di;
                yr[o0 + q] = ar + s1r + s2r;
                yi[o0 + q] = ai + s1i + s2i;
                double m1r = ar + C51 * s1r + C52 * s2r, m1i = ai + C51 * s1i + C52 * s2i;
                double m2r = ar + C52 * s1r + C51 * s2r, m2i = ai + C52 * s1i + C51 * s2i;
                // i * (S51*d1 + S52*d2) and i * (S52*d1 - S51*d2)
                double n1r = -(S51 * d1i + S52 * d2i), n1i = S51 * d1r + S52 * d2r;
                double n2r = -(S52 * d1i - S51 * d2i), n2i = S52 * d1r - S51 * d2r;
                double x1r = m1r + n1r, x1i = m1i + n1i;
                double x4r = m1r - n1r, x4i = m1i - n1i;
                double x2r = m2r + n2r, x2i = m2i + n2i;
                double x3r = m2r - n2r, x3i = m2i - n2i;
                int o = o0 + q;
                yr[o + s] = x1r * tw[t] - x1i * tw[t + 1];
                yi[o + s] = x1r * tw[t + 1] + x1i * tw[t];
                yr[o + 2 * s] = x2r * tw[t + 2] - x2i * tw[t + 3];
                yi[o + 2 * s] = x2r * tw[t + 3] + x2i * tw[t + 2];
                yr[o + 3 * s] = x3r * tw[t + 4] - x3i * tw[t + 5];
                yi[o + 3 * s] = x3r * tw[t + 5] + x3i * tw[t + 4];
                yr[o + 4 * s] = x4r * tw[t + 6] - x4i * tw[t + 7];
                yi[o + 4 * s] = x4r * tw[t + 7] + x4i * tw[t + 6];
            }
        }
    }

    private static void radixGeneric(int r, int m, int s, double[] tw, double[] xr, double[] xi, double[] yr, double[] yi) {
        double[] cr = new double[r], ci = new double[r];
        double[] ar = new double[r], ai = new double[r];
        for (int k = 0; k < r; k++) {
            cr[k] = Math.cos(-2 * Math.PI * k / r);
            ci[k] = Math.sin(-2 * Math.PI * k / r);
        }
        for (int p = 0; p < m; p++) {
            for (int q = 0; q < s; q++) {
                for (int j = 0; j < r; j++) {
                    ar[j] = xr[q + s * (p + j * m)];
                    ai[j] = xi[q + s * (p + j * m)];
                }
                for (int k = 0; k < r; k++) {
                    double sumr = 0, sumi = 0;
                    for (int j = 0; j < r; j++) {
                        int e = (j * k) % r;
                        sumr += ar[j] * cr[e] - ai[j] * ci[e];
                        sumi += ar[j] * ci[e] + ai[j] * cr[e];
                    }
                    int o = q + s * (r * p + k);
                    if (k == 0) {
                        yr[o] = sumr;
                        yi[o] = sumi;
                    } else {
                        int t = (p * (r - 1) + (k - 1)) * 2;
                        yr[o] = sumr * tw[t] - sumi * tw[t + 1];
                        yi[o] = sumr * tw[t + 1] + sumi * tw[t];
                    }
                }
            }
        }
    }

    /** Real-input FFT of even length n via a complex FFT of n/2. */
    public static final class Real {
        private final int n, half;
        private final Fft complex;
        private final double[] zr, zi, cosT, sinT;

        public Real(int n) {
            if (n < 2 || n % 2 != 0) throw new IllegalArgumentException("real FFT length must be even: " + n);
            this.n = n;
            this.half = n / 2;
            this.complex = new Fft(half);
            this.zr = new double[half];
            this.zi = new double[half];
            this.cosT = new double[half + 1];
            this.sinT = new double[half + 1];
            for (int k = 0; k <= half; k++) {
                cosT[k] = Math.cos(-2 * Math.PI * k / n);
                sinT[k] = Math.sin(-2 * Math.PI * k / n);
            }
        }

        public int size() {
            return n;
        }

        /**
         * Forward real DFT of x[0..n) (missing tail treated as zero); writes bins 0..n/2 into outRe/outIm
         * (length >= n/2+1).
         */
        public void forward(double[] x, double[] outRe, double[] outIm) {
            for (int j = 0; j < half; j++) {
                zr[j] = x[2 * j];
                zi[j] = x[2 * j + 1];
            }
            transformPacked(outRe, outIm);
        }

        public void forward(float[] x, int offset, int count, double[] outRe, double[] outIm) {
            for (int j = 0; j < half; j++) {
                int a = 2 * j, b = 2 * j + 1;
                zr[j] = a < count ? x[offset + a] : 0;
                zi[j] = b < count ? x[offset + b] : 0;
            }
            transformPacked(outRe, outIm);
        }

        private void transformPacked(double[] outRe, double[] outIm) {
            complex.forward(zr, zi);
            for (int k = 0; k <= half; k++) {
                int a = k == half ? 0 : k;
                int b = k == 0 ? 0 : half - k;
                double zkr = zr[a], zki = zi[a];
                double zcr = zr[b], zci = -zi[b]; // conj(Z[half-k])
                double er = 0.5 * (zkr + zcr), ei = 0.5 * (zki + zci);
                // O = (Z[k] - conj(Z[half-k])) / (2i)
                double dr = zkr - zcr, di = zki - zci;
                double or = 0.5 * di, oi = -0.5 * dr;
                double wr = cosT[k], wi = sinT[k];
                outRe[k] = er + or * wr - oi * wi;
                outIm[k] = ei + or * wi + oi * wr;
            }
        }

        /** Inverse of {@link #forward}: bins 0..n/2 to n real samples (scaled by 1/n). */
        public void inverse(double[] inRe, double[] inIm, double[] out) {
            for (int k = 0; k < half; k++) {
                int b = half - k;
                double xkr = inRe[k], xki = inIm[k];
                double xcr = inRe[b], xci = -inIm[b]; // conj(X[half-k])
                double er = 0.5 * (xkr + xcr), ei = 0.5 * (xki + xci);
                double dr = 0.5 * (xkr - xcr), di = 0.5 * (xki - xci);
                // O[k] = D * conj(w^k) ; Z = E + i O
                double wr = cosT[k], wi = -sinT[k];
                double or = dr * wr - di * wi, oi = dr * wi + di * wr;
                zr[k] = er - oi;
                zi[k] = ei + or;
            }
            complex.inverse(zr, zi);
            for (int j = 0; j < half; j++) {
                out[2 * j] = zr[j];
                out[2 * j + 1] = zi[j];
            }
        }
    }
}
