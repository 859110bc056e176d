package dev.voxpipe.dsp;

/** Test signals and measurements shared by the DSP tests. */
final class Signals {
    private Signals() {
    }

    static float[] tone(double freq, double amplitude, int rate, double seconds) {
        int n = (int) Math.round(rate * seconds);
        float[] x = new float[n];
        for (int i = 0; i < n; i++) x[i] = (float) (amplitude * Math.sin(2 * Math.PI * freq * i / rate));
        return x;
    }

    /** Least-squares amplitude of a sinusoid at {@code freq} in x[from, to). */
    static double amplitudeAt(float[] x, double freq, int rate, int from, int to) {
        double ss = 0, cc = 0, sc = 0, ys = 0, yc = 0;
        for (int i = from; i < to; i++) {
            double s = Math.sin(2 * Math.PI * freq * i / rate), c = Math.cos(2 * Math.PI * freq * i / rate);
            ss += s * s;
            cc += c * c;
            sc += s * c;
            ys += x[i] * s;
            yc += x[i] * c;
        }
        double det = ss * cc - sc * sc;
        double a = (ys * cc - yc * sc) / det, b = (yc * ss - ys * sc) / det;
        return Math.hypot(a, b);
    }

    static double rms(float[] x, int from, int to) {
        double s = 0;
        for (int i = from; i < to; i++) s += (double) x[i] * x[i];
        return Math.sqrt(s / Math.max(1, to - from));
    }

    static double db(double ratio) {
        return 20 * Math.log10(ratio);
    }
}
