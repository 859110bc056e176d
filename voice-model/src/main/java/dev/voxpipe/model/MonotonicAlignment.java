package dev.voxpipe.model;

/**
 * Monotonic alignment search (Glow-TTS, VITS): the most likely monotonic, surjective path of
 * frames onto tokens under a per-(token, frame) log-likelihood. Plain dynamic programming on the
 * CPU, outside autograd.
 */
public final class MonotonicAlignment {
    private MonotonicAlignment() {
    }

    /**
     * @param logLikelihood [tokens][frames], only the first {@code tokens} x {@code frames} are used
     * @return per-token durations in frames (each >= 1, summing to frames); requires frames >= tokens
     */
    public static int[] durations(float[][] logLikelihood, int tokens, int frames) {
        if (tokens <= 0 || frames < tokens) {
            throw new IllegalArgumentException("need frames >= tokens > 0, got " + frames + " frames for "
                    + tokens + " tokens");
        }
        float neg = Float.NEGATIVE_INFINITY;
        float[][] q = new float[tokens][frames];
        for (int j = 0; j < frames; j++) {
            int lo = Math.max(0, tokens - (frames - j));
            int hi = Math.min(tokens - 1, j);
            for (int i = 0; i < tokens; i++) {
                if (i < lo || i > hi) {
                    q[i][j] = neg;
                    continue;
                }
                float stay = (j == 0 || i > j - 1) ? neg : q[i][j - 1];
                float advance = i == 0 ? (j == 0 ? 0f : neg) : (j == 0 ? neg : q[i - 1][j - 1]);
                q[i][j] = logLikelihood[i][j] + Math.max(stay, advance);
            }
        }
        int[] durations = new int[tokens];
        int index = tokens - 1;
        for (int j = frames - 1; j >= 0; j--) {
            durations[index]++;
            if (index > 0 && (index == j || q[index][j - 1] < q[index - 1][j - 1])) {
                index--;
            }
        }
        return durations;
    }
}
