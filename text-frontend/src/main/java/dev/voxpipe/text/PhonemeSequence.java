package dev.voxpipe.text;

import java.util.Arrays;
import java.util.List;

/**
 * Phonemes of one sentence: {@code <bos> w1 | w2 , w3 . <eos>}. Between two words there is exactly one separator:
 * the punctuation token that stood there, else the word boundary {@code |}.
 *
 * @param ids     phoneme ids from {@link PhonemeInventory#standard()}
 * @param symbols the same as symbols
 * @param words   for each spoken word, its position in {@code ids} (start inclusive, end exclusive)
 */
public record PhonemeSequence(int[] ids, List<String> symbols, List<WordSpan> words) {

    /** One spoken word (after normalisation) and where its phonemes sit in the sequence. */
    public record WordSpan(String word, int start, int end, boolean fromLexicon) {
    }

    public int length() {
        return ids.length;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof PhonemeSequence other && Arrays.equals(ids, other.ids) && words.equals(other.words);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(ids) * 31 + words.hashCode();
    }

    @Override
    public String toString() {
        return String.join(" ", symbols);
    }
}
