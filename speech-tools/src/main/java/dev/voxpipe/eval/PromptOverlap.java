package dev.voxpipe.eval;

import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Whether an evaluation prompt shares text with the transcripts a voice was cloned from. A prompt that repeats a
 * few-shot phrase ("followed by the pound key") measures recall of training audio, not cloning, so the protocol
 * refuses any prompt that is identical to a few-shot transcript, lies wholly inside one, or shares a sequence of
 * {@link #NGRAM} words with one, after normalisation ({@link WordErrorRate#words}: case and punctuation ignored).
 */
public final class PromptOverlap {
    /** Shared word sequences of this length or longer disqualify a prompt. */
    public static final int NGRAM = 4;

    private final List<List<String>> fewShotWords;
    private final Set<String> fewShotNgrams = new HashSet<>();

    public PromptOverlap(Collection<String> fewShotTranscripts) {
        this.fewShotWords = fewShotTranscripts.stream().map(WordErrorRate::words).filter(w -> !w.isEmpty()).toList();
        for (List<String> words : fewShotWords) fewShotNgrams.addAll(ngrams(words, NGRAM));
    }

    /** Why {@code prompt} overlaps the few-shot text, or empty when it does not. */
    public Optional<String> overlap(String prompt) {
        List<String> words = WordErrorRate.words(prompt);
        String joined = String.join(" ", words);
        for (List<String> few : fewShotWords) {
            if (few.equals(words)) return Optional.of("identical to a few-shot transcript");
            if (!words.isEmpty() && (" " + String.join(" ", few) + " ").contains(" " + joined + " ")) {
                return Optional.of("contained in the few-shot transcript \"" + String.join(" ", few) + "\"");
            }
        }
        for (String gram : ngrams(words, NGRAM)) {
            if (fewShotNgrams.contains(gram)) return Optional.of("shares \"" + gram + "\" with a few-shot transcript");
        }
        return Optional.empty();
    }

    /** Word n-grams of a normalised word list, joined by single spaces. */
    static Set<String> ngrams(List<String> words, int n) {
        Set<String> out = new HashSet<>();
        for (int i = 0; i + n <= words.size(); i++) out.add(String.join(" ", words.subList(i, i + n)));
        return out;
    }
}
