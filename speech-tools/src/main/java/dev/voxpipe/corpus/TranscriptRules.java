package dev.voxpipe.corpus;

import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Language-independent rules of the Asterisk prompt transcripts ({@code name: text} lines), shared by the English
 * real-speaker loader and the multilingual real-speech corpus.
 *
 * <ul>
 *   <li>blank lines and {@code ;} comments are skipped, as is a byte-order mark;</li>
 *   <li>{@code silence/N} entries are not speech;</li>
 *   <li>{@code [bracketed]} and {@code <angle-bracketed>} parts are tones and {@code (parenthesised)} parts are annotations ("(simple tone sound
 *       plays)", "(enfatico)", "(You are now muted.)"): both are dropped, an entry with nothing else is not speech;</li>
 *   <li>{@code ...} marks where another prompt is spliced in: dropped, and the entry is a fragment;</li>
 *   <li>quotation marks are dropped; a leading repeat of the entry's own name ("conf-adminmenu: conf-adminmenu: ...")
 *       is dropped, and the text is cut where another entry was pasted into it ("... confbridge-mute-in: ...");</li>
 *   <li>the DTMF keys {@code #} and {@code *} are read with the language's words for them.</li>
 * </ul>
 */
final class TranscriptRules {
    /** One {@code name: text} line. */
    record Entry(String name, String written) {
    }

    private static final Pattern BRACKETED = Pattern.compile("\\[[^\\]]*+\\]|<[^>]*+>");
    private static final Pattern PARENTHESISED = Pattern.compile("\\([^)]*+\\)");
    private static final Pattern QUOTES = Pattern.compile("[\"“”„«»]");
    /** Another prompt's name followed by ": " inside the text, e.g. " confbridge-mute-in: ". */
    private static final Pattern PASTED_ENTRY = Pattern.compile("\\s[a-z][a-z0-9_]*+(?:[-/][a-z0-9_]++)++:\\s");

    private TranscriptRules() {
    }

    /** The entry on this line, or null for blank lines, comments and lines without {@code ": "}. */
    static Entry parse(String line) {
        String s = line.startsWith("\uFEFF") ? line.substring(1) : line;
        if (s.isBlank() || s.startsWith(";")) return null;
        int colon = s.indexOf(": ");
        if (colon <= 0) return null;
        String name = s.substring(0, colon).strip();
        String written = s.substring(colon + 2).strip();
        if (written.startsWith(name + ":")) written = written.substring(name.length() + 1).strip();
        return new Entry(name, written);
    }

    static boolean isSilence(String name) {
        return name.startsWith("silence/");
    }

    /** Whether another prompt is spliced in where the speaker stops ({@code ...}). */
    static boolean isFragment(String written) {
        return written.contains("...") || written.contains("…");
    }

    /**
     * The words the speaker says, with {@code #} and {@code *} read as {@code keyWords} gives them; null when the
     * entry is not speech (only tones, annotations or punctuation).
     */
    static String spokenForm(String written, Map<Character, String> keyWords) {
        String s = written;
        Matcher pasted = PASTED_ENTRY.matcher(s);
        if (pasted.find()) s = s.substring(0, pasted.start());
        s = BRACKETED.matcher(s).replaceAll(" ");
        s = PARENTHESISED.matcher(s).replaceAll(" ");
        s = QUOTES.matcher(s).replaceAll(" ");
        s = s.replace("...", " ").replace("…", " ");
        StringBuilder keys = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            String word = keyWords.get(s.charAt(i));
            keys.append(word == null ? String.valueOf(s.charAt(i)) : " " + word + " ");
        }
        s = collapseSpaces(keys.toString());
        s = s.replaceAll(" ([,.;:!?])", "$1");
        if (s.isEmpty() || !s.matches("(?s).*[\\p{L}\\p{N}].*")) return null;
        return s;
    }

    static String collapseSpaces(String s) {
        return s.replaceAll("\\s++", " ").strip();
    }
}
