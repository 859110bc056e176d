package dev.voxpipe.feature.label;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A trigram language model of one transcript in ARPA text format, with absolute discounting and back-off to
 * lower orders: the recogniser strongly expects the transcript's words in the transcript's order, yet any of its
 * words may follow any other (a clip starts anywhere in the text; a reader skips or repeats). This is how
 * transcript-biased aligners (gentle, aeneas' ASR mode) turn a recogniser into a forced aligner that survives
 * mistakes in the text.
 */
public final class ArpaLanguageModel {
    private static final double DISCOUNT = 0.5;
    private static final String BOS = "<s>";
    private static final String EOS = "</s>";

    private ArpaLanguageModel() {
    }

    /** The ARPA text of the model of {@code words} (lower-case, non-empty). */
    public static String of(List<String> words) {
        if (words.isEmpty()) throw new IllegalArgumentException("a language model needs at least one word");
        List<String> seq = new ArrayList<>(words.size() + 2);
        seq.add(BOS);
        seq.addAll(words);
        seq.add(EOS);
        Map<String, Integer> uni = new LinkedHashMap<>();
        Map<String, Map<String, Integer>> bi = new LinkedHashMap<>();
        Map<String, Map<String, Integer>> tri = new LinkedHashMap<>();
        for (int i = 0; i < seq.size(); i++) {
            uni.merge(seq.get(i), 1, Integer::sum);
            if (i >= 1) bi.computeIfAbsent(seq.get(i - 1), k -> new LinkedHashMap<>()).merge(seq.get(i), 1, Integer::sum);
            if (i >= 2) tri.computeIfAbsent(seq.get(i - 2) + " " + seq.get(i - 1), k -> new LinkedHashMap<>()).merge(seq.get(i), 1, Integer::sum);
        }
        // unigrams: add-one over the vocabulary, so every word can start a clip
        int total = 0;
        for (var e : uni.entrySet()) if (!e.getKey().equals(BOS)) total += e.getValue();
        int vocab = uni.size() - 1;
        Map<String, Double> p1 = new HashMap<>();
        for (var e : uni.entrySet()) {
            if (e.getKey().equals(BOS)) continue;
            p1.put(e.getKey(), (e.getValue() + 1.0) / (total + vocab));
        }
        // bigrams and their back-off weights
        Map<String, Double> p2 = new HashMap<>();
        Map<String, Double> bow1 = new HashMap<>();
        for (var h : bi.entrySet()) {
            int ch = h.getValue().values().stream().mapToInt(Integer::intValue).sum();
            double seenLower = 0;
            for (var w : h.getValue().entrySet()) {
                p2.put(h.getKey() + " " + w.getKey(), (w.getValue() - DISCOUNT) / ch + DISCOUNT * h.getValue().size() / ch * p1.get(w.getKey()));
                seenLower += p1.get(w.getKey());
            }
            double left = 1 - h.getValue().keySet().stream().mapToDouble(w -> p2.get(h.getKey() + " " + w)).sum();
            bow1.put(h.getKey(), Math.max(1e-9, left) / Math.max(1e-9, 1 - seenLower));
        }
        Map<String, Double> p3 = new HashMap<>();
        Map<String, Double> bow2 = new HashMap<>();
        for (var h : tri.entrySet()) {
            int ch = h.getValue().values().stream().mapToInt(Integer::intValue).sum();
            String last = h.getKey().substring(h.getKey().indexOf(' ') + 1);
            double seenLower = 0;
            double sum = 0;
            for (var w : h.getValue().entrySet()) {
                double lower = bigram(last, w.getKey(), p1, p2, bow1);
                double p = (w.getValue() - DISCOUNT) / ch + DISCOUNT * h.getValue().size() / ch * lower;
                p3.put(h.getKey() + " " + w.getKey(), p);
                seenLower += lower;
                sum += p;
            }
            bow2.put(h.getKey(), Math.max(1e-9, 1 - sum) / Math.max(1e-9, 1 - seenLower));
        }
        StringBuilder out = new StringBuilder(64 * (p1.size() + p2.size() + p3.size()));
        out.append("\\data\\\n")
                .append("ngram 1=").append(uni.size()).append('\n')
                .append("ngram 2=").append(p2.size()).append('\n')
                .append("ngram 3=").append(p3.size()).append("\n\n\\1-grams:\n");
        for (String w : uni.keySet()) {
            double lp = w.equals(BOS) ? -99 : Math.log10(p1.get(w));
            out.append(fmt(lp)).append(' ').append(w);
            if (bow1.containsKey(w)) out.append(' ').append(fmt(Math.log10(bow1.get(w))));
            out.append('\n');
        }
        out.append("\n\\2-grams:\n");
        for (var e : p2.entrySet()) {
            out.append(fmt(Math.log10(e.getValue()))).append(' ').append(e.getKey());
            Double b = bow2.get(e.getKey());
            if (b != null) out.append(' ').append(fmt(Math.log10(b)));
            out.append('\n');
        }
        out.append("\n\\3-grams:\n");
        for (var e : p3.entrySet()) out.append(fmt(Math.log10(e.getValue()))).append(' ').append(e.getKey()).append('\n');
        out.append("\n\\end\\\n");
        return out.toString();
    }

    private static double bigram(String h, String w, Map<String, Double> p1, Map<String, Double> p2, Map<String, Double> bow1) {
        Double p = p2.get(h + " " + w);
        if (p != null) return p;
        return bow1.getOrDefault(h, 1.0) * p1.getOrDefault(w, 1e-9);
    }

    private static String fmt(double v) {
        return String.format(Locale.ROOT, "%.5f", v);
    }
}
