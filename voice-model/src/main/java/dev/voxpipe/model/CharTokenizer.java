package dev.voxpipe.model;

import dev.voxpipe.text.TextFrontend;
import dev.voxpipe.text.TextFrontendException;

import java.text.Normalizer;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Turns English text into the model's input ids: lower-case letters, apostrophe, space and
 * punctuation (pauses), with a blank id between every symbol (as VITS does) so that monotonic
 * alignment can give short transitions their own frames. Digits are read out. Graphemes rather
 * than phonemes keep the shipped checkpoint independent of the phoneme inventory's evolution; the
 * id space is fixed here and never reordered (append only).
 */
public final class CharTokenizer {
    public static final int BLANK = 0;
    private static final String SYMBOLS = " abcdefghijklmnopqrstuvwxyz',.?!;:-";
    /** blank + symbols + 4 spare ids kept for append-only growth. */
    public static final int VOCAB_SIZE = 1 + SYMBOLS.length() + 4;
    private CharTokenizer() {
    }

    /** The project's one English normaliser: numbers, currency, dates, abbreviations, symbols read out. */
    private static final TextFrontend ENGLISH = TextFrontend.english();

    /**
     * Normalised text actually spoken: the text frontend's reading (the same one the corpus
     * transcripts and the audiobook splitter use), lower case, unknown characters dropped.
     */
    public static String normalise(String text) {
        if (text == null || text.isBlank()) {
            return "";
        }
        String read;
        try {
            read = ENGLISH.normalize(text);
        } catch (TextFrontendException e) {
            read = text; // too long or unusable for the frontend: speak what can be spoken
        }
        String s = Normalizer.normalize(read, Normalizer.Form.NFKD).toLowerCase(Locale.ROOT)
                .replace('\u2019', '\'').replace('\u2018', '\'');
        StringBuilder out = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (SYMBOLS.indexOf(c) >= 0) {
                out.append(c);
            } else if (Character.isWhitespace(c)) {
                out.append(' ');
            }
        }
        return out.toString().replaceAll(" +", " ").strip();
    }

    /** Ids with blanks interleaved: [blank, s1, blank, s2, ..., blank]. Never empty. */
    public static int[] encode(String text) {
        String s = normalise(text);
        if (s.isEmpty()) {
            s = ".";
        }
        int[] ids = new int[2 * s.length() + 1];
        for (int i = 0; i < s.length(); i++) {
            ids[2 * i + 1] = 1 + SYMBOLS.indexOf(s.charAt(i));
        }
        return ids;
    }
}
