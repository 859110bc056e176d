package dev.voxpipe.eval;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import dev.voxpipe.corpus.RealSpeakerLoader;
import dev.voxpipe.corpus.RealSpeakerLoader.RealUtterance;

/**
 * The three disjoint splits of the real speaker: few-shot (what a user uploads), validation (every tuning choice)
 * and test (reported, never used for a choice). The few-shot set is {@link RealSpeakerLoader#split}'s. Validation
 * and test prompts are complete sentences of {@value #MIN_SECONDS}-{@value #MAX_SECONDS} s with at least
 * {@value #MIN_WORDS} words whose text does not overlap the few-shot transcripts ({@link PromptOverlap}) nor each
 * other; they are taken alternately from the held-out pool in SHA-256 order of the prompt name, so both spread over
 * the whole pool. Everything else that is not few-shot is the pretraining pool.
 */
public final class EvaluationProtocol {
    public static final double MIN_SECONDS = 1.5;
    public static final double MAX_SECONDS = 8.0;
    public static final int MIN_WORDS = 3;
    /** Default prompts per evaluation split. */
    public static final int DEFAULT_PROMPTS = 40;

    private EvaluationProtocol() {
    }

    /** The splits, plus the held-out prompts refused for overlapping the few-shot text (with the reason). */
    public record Splits(List<RealUtterance> fewShot, List<RealUtterance> validation, List<RealUtterance> test,
                         List<RealUtterance> pretrainingPool, Map<String, String> refusedForOverlap) {
        public List<RealUtterance> part(String name) {
            return switch (name) {
                case "fewshot" -> fewShot;
                case "validation" -> validation;
                case "test" -> test;
                case "pretrain" -> pretrainingPool;
                default -> throw new IllegalArgumentException("no split " + name + " (fewshot|validation|test|pretrain)");
            };
        }
    }

    public static Splits split(List<RealUtterance> all, double fewShotSeconds, int promptsPerSplit) {
        List<RealUtterance> fewShot = RealSpeakerLoader.split(all, fewShotSeconds).fewShot();
        Set<String> fewShotNames = new HashSet<>();
        fewShot.forEach(u -> fewShotNames.add(u.name()));
        PromptOverlap overlap = new PromptOverlap(fewShot.stream().map(RealUtterance::text).toList());

        List<RealUtterance> pool = new ArrayList<>(all.stream().filter(u -> !fewShotNames.contains(u.name())).toList());
        pool.sort(Comparator.comparing(u -> RealSpeakerLoader.sha256(u.name())));
        List<RealUtterance> validation = new ArrayList<>();
        List<RealUtterance> test = new ArrayList<>();
        Map<String, String> refused = new LinkedHashMap<>();
        Set<String> chosenTexts = new HashSet<>();
        for (RealUtterance u : pool) {
            if (!isPrompt(u)) continue;
            var why = overlap.overlap(u.text());
            if (why.isPresent()) {
                refused.put(u.name(), why.get());
                continue;
            }
            if (!chosenTexts.add(sentence(u.text()))) continue; // the same sentence recorded twice goes to one split at most
            // alternate, test first, so both splits spread over the pool
            boolean toTest = test.size() <= validation.size();
            if (toTest && test.size() < promptsPerSplit) test.add(u);
            else if (validation.size() < promptsPerSplit) validation.add(u);
            else if (test.size() < promptsPerSplit) test.add(u);
        }
        Set<String> evaluation = new HashSet<>();
        validation.forEach(u -> evaluation.add(u.name()));
        test.forEach(u -> evaluation.add(u.name()));
        List<RealUtterance> pretraining = all.stream()
                .filter(u -> !fewShotNames.contains(u.name()) && !evaluation.contains(u.name())).toList();
        Comparator<RealUtterance> byName = Comparator.comparing(RealUtterance::name);
        validation.sort(byName);
        test.sort(byName);
        return new Splits(fewShot, List.copyOf(validation), List.copyOf(test), pretraining, refused);
    }

    /** A sentence as the recogniser's scoring reads it, so that two spellings of one sentence count once. */
    static String sentence(String text) {
        return String.join(" ", WordErrorRate.words(text));
    }

    /** A complete sentence of ordinary prompt length. */
    static boolean isPrompt(RealUtterance u) {
        return isPrompt(u, u.estimatedSeconds(), MAX_SECONDS);
    }

    /** A complete sentence of at least {@value #MIN_WORDS} words, {@code seconds} long, {@value #MIN_SECONDS} s to {@code maxSeconds}. */
    static boolean isPrompt(RealUtterance u, double seconds, double maxSeconds) {
        return !u.fragment() && WordErrorRate.words(u.text()).size() >= MIN_WORDS
                && seconds >= MIN_SECONDS && seconds <= maxSeconds;
    }
}
