package dev.voxpipe.eval;


/**
 * Dynamic time warping with steps (1,0), (0,1), (1,1) inside a Sakoe-Chiba band around the (length-scaled)
 * diagonal. Memory and time are O(n * band), so minute-long utterances stay cheap.
 */
public final class Dtw {
    /** The warping path: pairs (a[k], b[k]) from (0,0) to (n-1, m-1), and its mean local cost. */
    public record Path(int[] a, int[] b, double meanCost) {
        public int length() {
            return a.length;
        }
    }

    /** Local distance between frame i of the first and frame j of the second sequence. */
    public interface Distance {
        double between(int i, int j);
    }

    private Dtw() {
    }

    /** Band radius used by {@link #align(int, int, Distance)}: 20 % of the longer side, at least 30 frames. */
    public static int defaultBand(int n, int m) {
        return Math.max(30, (int) Math.ceil(0.2 * Math.max(n, m)));
    }

    public static Path align(int n, int m, Distance d) {
        return align(n, m, d, defaultBand(n, m));
    }

    public static Path align(int n, int m, Distance d, int band) {
        if (n <= 0 || m <= 0) throw new IllegalArgumentException("empty sequence");
        int[] lo = new int[n];
        int[] hi = new int[n];
        int radius = Math.max(band, Math.abs(n - m) + 1);
        for (int i = 0; i < n; i++) {
            int centre = n == 1 ? 0 : (int) Math.round((double) i * (m - 1) / (n - 1));
            lo[i] = Math.max(0, centre - radius);
            hi[i] = Math.min(m - 1, centre + radius);
        }
        // The band must let each row reach the previous row's cells: widen rows so consecutive ranges overlap.
        for (int i = 1; i < n; i++) lo[i] = Math.min(lo[i], hi[i - 1]);
        double[][] cost = new double[n][];
        byte[][] move = new byte[n][];
        for (int i = 0; i < n; i++) {
            int w = hi[i] - lo[i] + 1;
            cost[i] = new double[w];
            move[i] = new byte[w];
            for (int j = lo[i]; j <= hi[i]; j++) {
                double local = d.between(i, j);
                double best;
                byte step;
                if (i == 0 && j == 0) {
                    best = 0;
                    step = 0;
                } else {
                    double diag = i > 0 ? at(cost, lo, hi, i - 1, j - 1) : Double.POSITIVE_INFINITY;
                    double up = i > 0 ? at(cost, lo, hi, i - 1, j) : Double.POSITIVE_INFINITY;
                    double left = j > lo[i] ? cost[i][j - 1 - lo[i]] : Double.POSITIVE_INFINITY;
                    best = diag;
                    step = 1;
                    if (up < best) {
                        best = up;
                        step = 2;
                    }
                    if (left < best) {
                        best = left;
                        step = 3;
                    }
                }
                cost[i][j - lo[i]] = best + local;
                move[i][j - lo[i]] = step;
            }
        }
        if (m - 1 > hi[n - 1] || Double.isInfinite(cost[n - 1][m - 1 - lo[n - 1]])) {
            throw new IllegalStateException("DTW band too narrow");
        }
        int[] pa = new int[n + m];
        int[] pb = new int[n + m];
        int k = 0;
        int i = n - 1;
        int j = m - 1;
        double total = 0;
        while (true) {
            pa[k] = i;
            pb[k] = j;
            k++;
            total += d.between(i, j);
            byte step = move[i][j - lo[i]];
            if (step == 0) break;
            if (step == 1) {
                i--;
                j--;
            } else if (step == 2) {
                i--;
            } else {
                j--;
            }
        }
        int[] a = new int[k];
        int[] b = new int[k];
        for (int t = 0; t < k; t++) {
            a[t] = pa[k - 1 - t];
            b[t] = pb[k - 1 - t];
        }
        return new Path(a, b, total / k);
    }

    private static double at(double[][] cost, int[] lo, int[] hi, int i, int j) {
        if (j < lo[i] || j > hi[i]) return Double.POSITIVE_INFINITY;
        return cost[i][j - lo[i]];
    }

}
