package dev.voxpipe.text;

import java.text.Normalizer;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * English text normalisation: turns written text into spoken words and punctuation tokens.
 *
 * <p>Handles cardinals, decimals, negatives, ordinals, years, decades, currency, percentages, times, dates,
 * fractions, ranges, common abbreviations, symbols, URLs, e-mail addresses and acronyms: this class cleans the
 * text and splits it into whitespace tokens with their punctuation; {@link EnglishReadingRules} is the table of
 * written forms and {@link SpokenForms} how each is read. Scripts other than Latin
 * (emoji, Cyrillic, ...) are dropped; control characters become spaces. Each whitespace token is handled by
 * bounded, backtracking-free patterns, so the whole pass is linear in the input length.
 */
public final class EnglishNormalizer {
    /** Letter runs longer than this are nonsense for G2P: they are cut into pieces of this size. */
    static final int MAX_WORD_LETTERS = 24;

    /** A comma, semicolon, ! or ? between two letters ("yes,no"): a space goes after it. */
    private static final Pattern INLINE_PUNCT = Pattern.compile("(?<=\\p{L})([,;!?])(?=\\p{L})");

    private static final String LEADING = "\"'([{«“‘¿¡*_";
    private static final String TRAILING = ".,;:!?)]}\"'»”’…*_";


    /** Normalises free text into tokens. Never throws on any string. */
    public List<Token> normalize(String text) {
        List<Token> out = new ArrayList<>();
        if (text == null || text.isEmpty()) return out;
        String cleaned = clean(text);
        String[] raw = cleaned.trim().isEmpty() ? new String[0] : cleaned.trim().split("\\s++");
        for (int i = 0; i < raw.length; i++) {
            i += token(raw, i, out);
        }
        return tidy(out);
    }

    /** Normalised text as a string: words separated by spaces, punctuation attached to the preceding word. */
    public String normalizeToString(String text) {
        return render(normalize(text));
    }

    static String render(List<Token> tokens) {
        StringBuilder sb = new StringBuilder();
        for (Token t : tokens) {
            if (!t.punctuation() && !sb.isEmpty()) sb.append(' ');
            if (t.punctuation() && t.text().equals("-")) sb.append(" -");
            else sb.append(t.text());
        }
        return sb.toString();
    }

    /** Unicode clean-up: compatibility forms, quotes and dashes, control characters, dropped symbols. */
    static String clean(String text) {
        String s = Normalizer.normalize(text, Normalizer.Form.NFKC);
        StringBuilder sb = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); ) {
            int cp = s.codePointAt(i);
            i += Character.charCount(cp);
            if (cp == 0x1B) { // terminal escape sequence: ESC [ params letter
                if (i < s.length() && s.charAt(i) == '[') {
                    i++;
                    while (i < s.length() && (s.charAt(i) < 0x40 || s.charAt(i) > 0x7E)) i++; // parameter bytes up to the final byte
                    if (i < s.length()) i++;
                }
                sb.append(' ');
                continue;
            }
            switch (cp) {
                case '\u2018', '\u2019', '\u02BC' -> sb.append('\'');
                case '\u201C', '\u201D', '\u201E' -> sb.append('"');
                case '\u2014', '\u2013' -> sb.append(" — ");
                case '\u2026' -> sb.append("...");
                default -> {
                    int type = Character.getType(cp);
                    if (Character.isWhitespace(cp) || Character.isISOControl(cp) || type == Character.FORMAT
                            || type == Character.UNASSIGNED || type == Character.PRIVATE_USE || type == Character.SURROGATE) {
                        sb.append(' ');
                    } else if (type == Character.OTHER_SYMBOL || type == Character.MODIFIER_SYMBOL
                            || type == Character.NON_SPACING_MARK || type == Character.ENCLOSING_MARK) {
                        sb.append(' '); // emoji, dingbats, stray combining marks
                    } else if (cp > 0x7F && Character.isLetter(cp)) {
                        sb.append(stripAccents(cp));
                    } else {
                        sb.appendCodePoint(cp);
                    }
                }
            }
        }
        return INLINE_PUNCT.matcher(sb).replaceAll("$1 ");
    }

    private static String stripAccents(int cp) {
        String d = Normalizer.normalize(new String(Character.toChars(cp)), Normalizer.Form.NFD);
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < d.length(); i++) {
            char c = d.charAt(i);
            if (Character.getType(c) != Character.NON_SPACING_MARK) sb.append(c);
        }
        String r = sb.toString();
        if (r.equals("ß")) return "ss";
        if (r.equals("æ") || r.equals("Æ")) return "ae";
        if (r.equals("ø") || r.equals("Ø")) return "o";
        // Letters of other scripts pass through; the word splitter keeps only Latin letters for English.
        return r;
    }

    /** Handles raw[i]; returns how many following raw tokens it consumed as well. */
    private int token(String[] raw, int i, List<Token> out) {
        String tok = raw[i];
        int start = 0;
        int end = tok.length();
        while (start < end && LEADING.indexOf(tok.charAt(start)) >= 0) {
            char c = tok.charAt(start);
            if (c == '(' || c == '[' || c == '{') out.add(Token.punct(","));
            start++;
        }
        // A trailing period that belongs to an abbreviation or to "a.m." stays on the core.
        int coreEnd = end;
        while (coreEnd > start && TRAILING.indexOf(tok.charAt(coreEnd - 1)) >= 0) coreEnd--;
        String core = tok.substring(start, coreEnd);
        String trailing = tok.substring(coreEnd, end);
        if (trailing.startsWith(".") && !core.isEmpty()) {
            String withDot = core + ".";
            String lower = withDot.toLowerCase(Locale.ROOT);
            if (EnglishReadingRules.ABBREVIATIONS.containsKey(lower) || EnglishReadingRules.TITLE_OR_PLACE.contains(lower)
                    || EnglishReadingRules.isInitials(withDot)) {
                core = withDot;
                trailing = trailing.substring(1);
            }
        }
        int consumed = core.isEmpty() ? 0 : core(core, raw, i, out);
        punctuation(trailing, out);
        if (i == raw.length - 1 && core.endsWith(".") && trailing.isEmpty()) out.add(Token.punct(".")); // "... U.S.A."
        return consumed;
    }

    private static void punctuation(String trailing, List<Token> out) {
        if (trailing.isEmpty()) return;
        if (trailing.contains("?")) out.add(Token.punct("?"));
        else if (trailing.contains("!")) out.add(Token.punct("!"));
        else if (trailing.contains("...")) out.add(Token.punct("..."));
        else if (trailing.contains(".")) out.add(Token.punct("."));
        else if (trailing.contains(";")) out.add(Token.punct(";"));
        else if (trailing.contains(":")) out.add(Token.punct(":"));
        else if (trailing.contains(",") || trailing.contains(")") || trailing.contains("]") || trailing.contains("}")) out.add(Token.punct(","));
    }

    private int core(String core, String[] raw, int i, List<Token> out) {
        String next = i + 1 < raw.length ? stripPunct(raw[i + 1]) : "";
        String prev = i > 0 ? stripPunct(raw[i - 1]) : "";
        return EnglishReadingRules.read(EnglishReadingRules.Word.of(core, prev, next), out);
    }

    private static String stripPunct(String s) {
        int a = 0;
        int b = s.length();
        while (a < b && LEADING.indexOf(s.charAt(a)) >= 0) a++;
        while (b > a && TRAILING.indexOf(s.charAt(b - 1)) >= 0) b--;
        return s.substring(a, b);
    }

    /** Collapses repeated punctuation and drops punctuation before the first word. */
    private static List<Token> tidy(List<Token> tokens) {
        List<Token> out = new ArrayList<>(tokens.size());
        for (Token t : tokens) {
            if (t.punctuation()) {
                if (out.isEmpty()) continue;
                Token last = out.get(out.size() - 1);
                if (last.punctuation()) {
                    // keep the stronger of two adjacent marks (sentence-final beats clause-level)
                    if (strength(t.text()) > strength(last.text())) out.set(out.size() - 1, t);
                    continue;
                }
            }
            out.add(t);
        }
        return out;
    }

    private static int strength(String p) {
        return switch (p) {
            case "?", "!" -> 3;
            case ".", "..." -> 2;
            default -> 1;
        };
    }
}
