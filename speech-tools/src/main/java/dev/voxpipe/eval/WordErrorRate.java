package dev.voxpipe.eval;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** Word error counts by Levenshtein alignment of words (case, punctuation and extra spaces ignored). */
public final class WordErrorRate {
    public record Counts(int substitutions, int deletions, int insertions, int referenceWords) {
        public int errors() {
            return substitutions + deletions + insertions;
        }

        /** WER in [0, inf): errors / reference words (0 when both are empty). */
        public double wer() {
            return referenceWords == 0 ? (errors() == 0 ? 0 : 1) : (double) errors() / referenceWords;
        }

        public Counts plus(Counts o) {
            return new Counts(substitutions + o.substitutions, deletions + o.deletions, insertions + o.insertions,
                    referenceWords + o.referenceWords);
        }

        public static final Counts ZERO = new Counts(0, 0, 0, 0);
    }

    private WordErrorRate() {
    }

    /** Lower-case words with letters, digits and apostrophes only. */
    public static List<String> words(String text) {
        List<String> out = new ArrayList<>();
        if (text == null) return out;
        for (String w : text.toLowerCase(Locale.ROOT).replaceAll("[^\\p{L}\\p{N}' ]", " ").split("\\s+")) {
            String t = w.replaceAll("^'+|'+$", "");
            if (!t.isEmpty()) out.add(t);
        }
        return out;
    }

    public static Counts compute(String reference, String hypothesis) {
        return compute(words(reference), words(hypothesis));
    }

    public static Counts compute(List<String> ref, List<String> hyp) {
        int n = ref.size();
        int m = hyp.size();
        int[][] d = new int[n + 1][m + 1];
        // op: 0 match, 1 sub, 2 del, 3 ins
        byte[][] op = new byte[n + 1][m + 1];
        for (int i = 1; i <= n; i++) {
            d[i][0] = i;
            op[i][0] = 2;
        }
        for (int j = 1; j <= m; j++) {
            d[0][j] = j;
            op[0][j] = 3;
        }
        for (int i = 1; i <= n; i++) {
            for (int j = 1; j <= m; j++) {
                boolean same = ref.get(i - 1).equals(hyp.get(j - 1));
                int best = d[i - 1][j - 1] + (same ? 0 : 1);
                byte o = (byte) (same ? 0 : 1);
                if (d[i - 1][j] + 1 < best) {
                    best = d[i - 1][j] + 1;
                    o = 2;
                }
                if (d[i][j - 1] + 1 < best) {
                    best = d[i][j - 1] + 1;
                    o = 3;
                }
                d[i][j] = best;
                op[i][j] = o;
            }
        }
        int s = 0;
        int del = 0;
        int ins = 0;
        int i = n;
        int j = m;
        while (i > 0 || j > 0) {
            switch (op[i][j]) {
                case 0 -> {
                    i--;
                    j--;
                }
                case 1 -> {
                    s++;
                    i--;
                    j--;
                }
                case 2 -> {
                    del++;
                    i--;
                }
                default -> {
                    ins++;
                    j--;
                }
            }
        }
        return new Counts(s, del, ins, n);
    }
}
