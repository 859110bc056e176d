package dev.voxpipe.feature.label;

import dev.voxpipe.text.EnglishNormalizer;
import dev.voxpipe.text.Token;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A transcript as the words a reader says ("$20" is "twenty dollars"), each word remembering the written token it
 * came from, so a clip's text can be given back exactly as the user wrote it, punctuation and case included.
 */
public final class TranscriptWords {
    private static final Pattern RAW_TOKEN = Pattern.compile("\\S+");
    private static final EnglishNormalizer NORMALIZER = new EnglishNormalizer();

    /** A whitespace-separated token of the original text: [start, end) in characters. */
    record Written(int start, int end) {
    }

    private final String text;
    private final List<Written> written = new ArrayList<>();
    private final List<String> words = new ArrayList<>();
    /** For each spoken word, the index of its written token. */
    private final List<Integer> writtenOf = new ArrayList<>();

    public TranscriptWords(String text) {
        this.text = text == null ? "" : text;
        Matcher m = RAW_TOKEN.matcher(this.text);
        while (m.find()) {
            int index = written.size();
            written.add(new Written(m.start(), m.end()));
            for (Token t : NORMALIZER.normalize(m.group())) {
                if (t.punctuation()) continue;
                String w = t.text().toLowerCase(Locale.ROOT).replaceAll("[^\\p{L}']", "");
                if (w.isEmpty()) continue;
                words.add(w);
                writtenOf.add(index);
            }
        }
    }

    /** The spoken words, lower case. */
    public List<String> words() {
        return words;
    }

    public int size() {
        return words.size();
    }

    public int writtenTokenOf(int word) {
        return writtenOf.get(word);
    }

    /**
     * The original text of written tokens [firstToken, lastToken], trailing punctuation and all, as typed; null when
     * the range is empty.
     */
    public String writtenText(int firstToken, int lastToken) {
        if (firstToken < 0 || lastToken < firstToken) return null;
        return text.substring(written.get(firstToken).start(), written.get(lastToken).end());
    }

    /**
     * As {@link #writtenText(int, int)}, with a comma after each written token in {@code pauseAfter} (inside the
     * range, not its last token) that does not already end in punctuation: where the speaker paused and the writer
     * put nothing, so that a model learning durations from the text sees the pause.
     */
    public String writtenText(int firstToken, int lastToken, java.util.Set<Integer> pauseAfter) {
        if (firstToken < 0 || lastToken < firstToken) return null;
        StringBuilder out = new StringBuilder();
        int from = written.get(firstToken).start();
        for (int t = firstToken; t < lastToken; t++) {
            if (!pauseAfter.contains(t)) continue;
            Written w = written.get(t);
            String token = text.substring(w.start(), w.end());
            if (ENDS_IN_PUNCTUATION.matcher(token).find()) continue;
            out.append(text, from, w.end()).append(',');
            from = w.end();
        }
        return out.append(text, from, written.get(lastToken).end()).toString();
    }

    private static final Pattern ENDS_IN_PUNCTUATION = Pattern.compile("[.,;:!?\u2026-]['\")\\]\u201d\u2019]*$");

    public int writtenTokens() {
        return written.size();
    }
}
