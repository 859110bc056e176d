package dev.voxpipe.dsp;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Band-limited sample-rate conversion by polyphase Kaiser-windowed sinc interpolation at the exact
 * rational ratio. {@link Quality#HIGH} (the default): passband flat to 85 % of the lower Nyquist
 * within 0.01 dB, stopband (from the lower Nyquist up) designed for 100 dB, >= 90 dB measured.
 *
 * <p>Downsampling runs in two stages, because the sharp transition band is what costs: first an
 * FFT (overlap-save) low-pass at the input rate makes the signal band-limited to the new Nyquist,
 * then a short polyphase kernel only has to keep the images of that band (which start at
 * {@code from - to/2}) out of the output. For 44.1 kHz to 32 kHz that is 24 taps per output instead
 * of about 120. Filter tables are cached per rate pair; the class is thread-safe.
 */
public final class Resampler {

    /**
     * @param passbandFraction passband edge as a fraction of the lower Nyquist frequency
     * @param attenuationDb    stopband attenuation the Kaiser window is designed for
     */
    public record Quality(double passbandFraction, double attenuationDb) {
        public static final Quality HIGH = new Quality(0.85, 100);
        /** Enough for analysis (pitch, VAD): 50 dB, 60 % passband, a small fraction of the taps. */
        public static final Quality ANALYSIS = new Quality(0.60, 50);

        public Quality {
            if (!(passbandFraction > 0 && passbandFraction < 1)) throw new IllegalArgumentException("passbandFraction in (0,1)");
            if (!(attenuationDb >= 20)) throw new IllegalArgumentException("attenuationDb >= 20");
        }
    }

    private static final int MAX_EXACT_PHASES = 4096;
    private static final Map<String, Kernel> CACHE = new ConcurrentHashMap<>();

    private Resampler() {
    }

    public static float[] resample(float[] x, int fromRate, int toRate) {
        return resample(x, fromRate, toRate, Quality.HIGH);
    }

    public static float[] resample(float[] x, int fromRate, int toRate, Quality q) {
        if (fromRate <= 0 || toRate <= 0) throw new IllegalArgumentException("rates must be > 0");
        if (fromRate == toRate) return x.clone();
        Kernel k = CACHE.computeIfAbsent(fromRate + ">" + toRate + "@" + q, key -> new Kernel(fromRate, toRate, q));
        return k.apply(k.preFilter == null ? x : k.preFilter.apply(x));
    }

    /** Output length for {@code n} input samples: ceil(n * to / from), as torchaudio. */
    public static int outputLength(int n, int fromRate, int toRate) {
        return (int) ((n * (long) toRate + fromRate - 1) / fromRate);
    }

    private static long gcd(long a, long b) {
        while (b != 0) {
            long t = a % b;
            a = b;
            b = t;
        }
        return a;
    }

    static double besselI0(double x) {
        double sum = 1, term = 1, k = 1, y = x * x / 4;
        do {
            term *= y / (k * k);
            sum += term;
            k++;
        } while (term > sum * 1e-17);
        return sum;
    }

    /** Kaiser beta for a given attenuation (Kaiser's empirical formula). */
    static double kaiserBeta(double a) {
        if (a > 50) return 0.1102 * (a - 8.7);
        if (a >= 21) return 0.5842 * Math.pow(a - 21, 0.4) + 0.07886 * (a - 21);
        return 0;
    }

    /** Zero-phase linear-phase FIR low-pass (Kaiser-windowed sinc) applied by FFT overlap-save. */
    static final class FftLowPass {
        final int taps, nfft, block, delay;
        final double[] hRe, hIm;

        FftLowPass(int rate, double passHz, double stopHz, double attenuationDb) {
            double dw = 2 * Math.PI * (stopHz - passHz) / rate;
            int n = (int) Math.ceil((attenuationDb - 7.95) / (2.285 * dw)) + 1;
            if (n % 2 == 0) n++;
            this.taps = n;
            this.delay = (n - 1) / 2;
            int size = Integer.highestOneBit(Math.max(8 * n, 256) - 1) << 1;
            this.nfft = size;
            this.block = size - n + 1;
            double cutoff = (passHz + stopHz) / 2 / rate;
            double beta = kaiserBeta(attenuationDb), i0 = besselI0(beta);
            double[] h = new double[size];
            for (int k = 0; k < n; k++) {
                double t = k - delay, r = t / delay;
                double w = besselI0(beta * Math.sqrt(Math.max(0, 1 - r * r))) / i0;
                double xx = 2 * cutoff * t;
                h[k] = 2 * cutoff * (xx == 0 ? 1 : Math.sin(Math.PI * xx) / (Math.PI * xx)) * w;
            }
            hRe = new double[size / 2 + 1];
            hIm = new double[size / 2 + 1];
            new Fft.Real(size).forward(h, hRe, hIm);
        }

        float[] apply(float[] x) {
            int len = x.length;
            float[] y = new float[len];
            Fft.Real fft = new Fft.Real(nfft);
            double[] seg = new double[nfft], re = new double[nfft / 2 + 1], im = new double[nfft / 2 + 1], out = new double[nfft];
            for (int start = 0; start < len; start += block) {
                // y[start + j] = sum_k h[k] x[start + j + delay - k]: segment begins taps-1 before
                int first = start - (taps - 1) + delay;
                if (first >= 0 && first + nfft <= len) {
                    for (int i = 0; i < nfft; i++) seg[i] = x[first + i];
                } else {
                    for (int i = 0; i < nfft; i++) {
                        int idx = first + i;
                        seg[i] = idx >= 0 && idx < len ? x[idx] : 0;
                    }
                }
                fft.forward(seg, re, im);
                for (int k = 0; k < re.length; k++) {
                    double a = re[k], b = im[k];
                    re[k] = a * hRe[k] - b * hIm[k];
                    im[k] = a * hIm[k] + b * hRe[k];
                }
                fft.inverse(re, im, out);
                int count = Math.min(block, len - start);
                for (int j = 0; j < count; j++) y[start + j] = (float) out[taps - 1 + j];
            }
            return y;
        }
    }

    static final class Kernel {
        final int from, to;
        final long up, down; // output step = down/up input samples
        final int phases; // table rows
        final boolean exact;
        final int taps, half;
        final float[] table; // phases+1 rows x taps
        final FftLowPass preFilter; // downsampling only

        Kernel(int from, int to, Quality q) {
            this.from = from;
            this.to = to;
            long g = gcd(from, to);
            this.up = to / g;
            this.down = from / g;
            double lowNyq = Math.min(from, to) / 2.0;
            double passHz = q.passbandFraction() * lowNyq;
            double stopHz = lowNyq;
            int singleStageTaps = (int) Math.ceil((q.attenuationDb() - 7.95) / (2.285 * 2 * Math.PI * (stopHz - passHz) / from));
            if (to < from && singleStageTaps > 64) {
                // stage 1 removes everything above the new Nyquist; stage 2 only fights images.
                // Below ~64 taps a direct polyphase filter is cheaper than the FFT.
                this.preFilter = new FftLowPass(from, passHz, lowNyq, q.attenuationDb());
                stopHz = from - lowNyq;
            } else {
                this.preFilter = null;
            }
            double cutoff = (passHz + stopHz) / 2 / from; // cycles per input sample
            double dw = 2 * Math.PI * (stopHz - passHz) / from; // transition, rad per input sample
            int n = (int) Math.ceil((q.attenuationDb() - 7.95) / (2.285 * dw)) + 1;
            this.half = Math.max(2, (n + 1) / 2);
            this.taps = 2 * half;
            this.exact = up <= MAX_EXACT_PHASES;
            this.phases = (int) (exact ? up : MAX_EXACT_PHASES);
            double beta = kaiserBeta(q.attenuationDb());
            double i0b = besselI0(beta);
            this.table = new float[(phases + 1) * taps];
            for (int p = 0; p <= phases; p++) {
                double frac = p / (double) phases;
                double sum = 0;
                double[] row = new double[taps];
                for (int i = 0; i < taps; i++) {
                    // input index n - half + 1 + i, output time n + frac: distance tau
                    double tau = frac + half - 1 - i;
                    double r = tau / half;
                    double w = Math.abs(r) >= 1 ? 0 : besselI0(beta * Math.sqrt(1 - r * r)) / i0b;
                    double xx = 2 * cutoff * tau;
                    double s = xx == 0 ? 1 : Math.sin(Math.PI * xx) / (Math.PI * xx);
                    row[i] = 2 * cutoff * s * w;
                    sum += row[i];
                }
                // Unity DC gain for every phase removes phase-dependent ripple at low frequencies.
                for (int i = 0; i < taps; i++) table[p * taps + i] = (float) (row[i] / sum);
            }
        }

        float[] apply(float[] x) {
            int len = x.length;
            int outLen = outputLength(len, from, to);
            float[] y = new float[outLen];
            float[] interp = exact ? null : new float[taps];
            // Output j sits at input position j*down/up = n + rem/up; step it without a 64-bit
            // division per sample (that division alone cost a third of the time).
            int n = 0;
            long rem = 0;
            long stepWhole = down / up, stepRem = down % up;
            for (int j = 0; j < outLen; j++, n += (int) stepWhole, rem += stepRem) {
                if (rem >= up) {
                    rem -= up;
                    n++;
                }
                float[] h;
                int off;
                if (exact) {
                    h = table;
                    off = (int) rem * taps;
                } else {
                    double pos = rem / (double) up * phases;
                    int p = (int) pos;
                    float f = (float) (pos - p);
                    int a = p * taps, b = a + taps;
                    for (int i = 0; i < taps; i++) interp[i] = table[a + i] + f * (table[b + i] - table[a + i]);
                    h = interp;
                    off = 0;
                }
                int first = n - half + 1;
                if (first >= 0 && first + taps <= len) {
                    y[j] = dot(x, first, h, off, taps);
                } else {
                    float acc = 0;
                    for (int i = 0; i < taps; i++) {
                        int idx = first + i;
                        if (idx >= 0 && idx < len) acc += x[idx] * h[off + i];
                    }
                    y[j] = acc;
                }
            }
            return y;
        }

        /** Eight independent fused multiply-add chains: about twice the throughput of a plain loop on x86. */
        private static float dot(float[] x, int xo, float[] h, int ho, int n) {
            float a0 = 0, a1 = 0, a2 = 0, a3 = 0, a4 = 0, a5 = 0, a6 = 0, a7 = 0;
            int i = 0;
            for (; i + 7 < n; i += 8) {
                a0 = Math.fma(x[xo + i], h[ho + i], a0);
                a1 = Math.fma(x[xo + i + 1], h[ho + i + 1], a1);
                a2 = Math.fma(x[xo + i + 2], h[ho + i + 2], a2);
                a3 = Math.fma(x[xo + i + 3], h[ho + i + 3], a3);
                a4 = Math.fma(x[xo + i + 4], h[ho + i + 4], a4);
                a5 = Math.fma(x[xo + i + 5], h[ho + i + 5], a5);
                a6 = Math.fma(x[xo + i + 6], h[ho + i + 6], a6);
                a7 = Math.fma(x[xo + i + 7], h[ho + i + 7], a7);
            }
            for (; i < n; i++) a0 = Math.fma(x[xo + i], h[ho + i], a0);
            return ((a0 + a1) + (a2 + a3)) + ((a4 + a5) + (a6 + a7));
        }
    }
}
