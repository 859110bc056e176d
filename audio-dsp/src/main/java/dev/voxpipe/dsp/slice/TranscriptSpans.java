package dev.voxpipe.dsp.slice;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Splits an upload's transcript onto its clips. One clip: it gets the whole transcript. Several:
 * the transcript is cut only at sentence or clause punctuation (. ! ? ; : , and dashes), choosing the
 * cut points whose share of the text (letters; digits count triple, as they are spoken as words)
 * best matches each clip's share of voiced time. The split is accepted only when every cut lands
 * within {@code toleranceSeconds} of its clip boundary at the upload's average speaking rate;
 * otherwise no clip gets text and all are marked as needing alignment. Never splits inside a clause.
 */
public final class TranscriptSpans {
    /** Per clip: its text, or null with needsAlignment true. */
    public record Span(String text, boolean needsAlignment) {
    }

    private static final Pattern UNIT = Pattern.compile("[^.!?;:,\\u2014\\u2013]+(?:[.!?;:,\\u2014\\u2013]+[\"'\\u201d\\u2019)]*|$)");

    private final double toleranceSeconds;

    public TranscriptSpans(double toleranceSeconds) {
        this.toleranceSeconds = toleranceSeconds;
    }

    public static TranscriptSpans defaults() {
        return new TranscriptSpans(1.0);
    }

    /** Clause-level units with their trailing punctuation, trimmed, in order. */
    static List<String> units(String text) {
        List<String> out = new ArrayList<>();
        Matcher m = UNIT.matcher(text);
        while (m.find()) {
            String u = m.group().trim();
            if (!u.isEmpty() && u.chars().anyMatch(Character::isLetterOrDigit)) out.add(u);
            else if (!u.isEmpty() && !out.isEmpty()) out.set(out.size() - 1, out.get(out.size() - 1) + u);
        }
        return out;
    }

    static double weight(String s) {
        double w = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (Character.isDigit(c)) w += 3;
            else if (Character.isLetter(c)) w += 1;
        }
        return w;
    }

    /**
     * @param transcript    the upload's text (null or blank: every span is null, no alignment needed)
     * @param voicedSeconds per clip in order, seconds of speech (not silence) in it
     */
    public List<Span> assign(String transcript, double[] voicedSeconds) {
        int n = voicedSeconds.length;
        List<Span> out = new ArrayList<>(n);
        if (transcript == null || transcript.isBlank()) {
            for (int i = 0; i < n; i++) out.add(new Span(null, false));
            return out;
        }
        String text = transcript.trim().replaceAll("\\s+", " ");
        if (n == 1) {
            out.add(new Span(text, false));
            return out;
        }
        List<String> units = units(text);
        int u = units.size();
        if (u < n) return needsAlignment(n);
        double totalW = 0;
        double[] cumW = new double[u + 1];
        for (int i = 0; i < u; i++) cumW[i + 1] = cumW[i] + weight(units.get(i));
        totalW = cumW[u];
        double totalT = 0;
        double[] cumT = new double[n + 1];
        for (int i = 0; i < n; i++) cumT[i + 1] = cumT[i] + Math.max(0, voicedSeconds[i]);
        totalT = cumT[n];
        if (totalW <= 0 || totalT <= 0) return needsAlignment(n);
        double secondsPerWeight = totalT / totalW;
        // DP: best[k][j] = min squared time error placing clip boundary k after unit j
        double inf = Double.MAX_VALUE / 4;
        double[][] best = new double[n + 1][u + 1];
        int[][] from = new int[n + 1][u + 1];
        for (double[] row : best) java.util.Arrays.fill(row, inf);
        best[0][0] = 0;
        for (int k = 1; k <= n; k++) {
            for (int j = k; j <= u - (n - k); j++) {
                double err = cumW[j] * secondsPerWeight - cumT[k];
                double cost = err * err;
                for (int p = k - 1; p < j; p++) {
                    if (best[k - 1][p] >= inf) continue;
                    double c = best[k - 1][p] + cost;
                    if (c < best[k][j]) {
                        best[k][j] = c;
                        from[k][j] = p;
                    }
                }
            }
        }
        if (best[n][u] >= inf) return needsAlignment(n);
        int[] cut = new int[n + 1];
        cut[n] = u;
        for (int k = n; k > 0; k--) cut[k - 1] = from[k][cut[k]];
        for (int k = 1; k < n; k++) {
            double err = Math.abs(cumW[cut[k]] * secondsPerWeight - cumT[k]);
            if (err > toleranceSeconds) return needsAlignment(n);
        }
        for (int k = 0; k < n; k++) out.add(new Span(String.join(" ", units.subList(cut[k], cut[k + 1])), false));
        return out;
    }

    private static List<Span> needsAlignment(int n) {
        List<Span> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) out.add(new Span(null, true));
        return out;
    }
}
