package dev.voxpipe.text;

import java.util.ArrayList;
import java.util.List;

/**
 * The text frontend shared by training and synthesis: sentence splitting, chunking for synthesis, normalisation and
 * G2P onto {@link PhonemeInventory#standard()}.
 *
 * <pre>{@code
 * TextFrontend fe = TextFrontend.english();          // or mandarin(), or auto() (per sentence, by script)
 * List<Utterance> s = fe.sentences(text);
 * List<TextChunk> c = fe.chunks(bookText, 200);       // ordered, each text <= 200 chars, paragraphs/chapters kept
 * PhonemeSequence p = fe.phonemize("Dr. Smith paid $20.");
 * }</pre>
 *
 * <p>Bad input: {@code null} or more than {@link #MAX_INPUT_CHARS} characters gives a {@link TextFrontendException};
 * anything else (empty, emoji, control characters, mixed scripts, huge numbers) gives sensible, possibly empty
 * output. All operations are linear in the input length. Instances are immutable and thread-safe.
 */
public final class TextFrontend {
    /** Larger inputs are refused (4 Mi characters, a long novel). */
    public static final int MAX_INPUT_CHARS = 4 * 1024 * 1024;
    /** Chunks must allow at least this many characters. */
    public static final int MIN_CHUNK_CHARS = 16;

    public enum Language { ENGLISH, MANDARIN, AUTO }

    private static final EnglishNormalizer ENGLISH_NORMALIZER = new EnglishNormalizer();
    private static final MandarinNormalizer MANDARIN_NORMALIZER = new MandarinNormalizer();
    private static final EnglishG2P ENGLISH_G2P = new EnglishG2P();
    private static final MandarinG2P MANDARIN_G2P = new MandarinG2P();

    private final Language language;
    private final PhonemeInventory inventory = PhonemeInventory.standard();

    private TextFrontend(Language language) {
        this.language = language;
    }

    public static TextFrontend english() {
        return new TextFrontend(Language.ENGLISH);
    }

    public static TextFrontend mandarin() {
        return new TextFrontend(Language.MANDARIN);
    }

    /** Chooses English or Mandarin per sentence by the majority script (Han characters vs Latin letters). */
    public static TextFrontend auto() {
        return new TextFrontend(Language.AUTO);
    }

    /** Frontend for a language code: "en", "zh"/"cmn", "auto"; anything else is a {@link TextFrontendException}. */
    public static TextFrontend forLanguage(String code) {
        if (code == null) throw new TextFrontendException("language code is null");
        return switch (code.toLowerCase(java.util.Locale.ROOT)) {
            case "en", "en-us", "en_us", "eng" -> english();
            case "zh", "zh-cn", "cmn", "zh_cn" -> mandarin();
            case "auto", "" -> auto();
            default -> throw new TextFrontendException("unsupported language: " + code);
        };
    }

    public PhonemeInventory inventory() {
        return inventory;
    }

    /** Sentences of a text with paragraph/chapter information; sentences with nothing to say are dropped. */
    public List<Utterance> sentences(String text) {
        check(text);
        List<Utterance> out = new ArrayList<>();
        for (SentenceSplitter.RawSentence raw : SentenceSplitter.split(text)) {
            String lang = languageOf(raw.text());
            String normalized = normalize(raw.text(), lang);
            if (normalized.isEmpty()) continue;
            out.add(new Utterance(raw.text(), normalized, lang, raw.paragraphIndex(), raw.paragraphStart(),
                    raw.chapterIndex(), raw.heading() ? raw.text() : null));
        }
        return out;
    }

    /**
     * Ordered chunks for synthesis whose normalised text is at most {@code maxChars} characters. Sentences of one
     * paragraph are packed together; a chunk never spans two paragraphs; an over-long sentence is cut at clause
     * punctuation, else between words, else (one huge word) hard. Chapter headings are chunks of their own.
     */
    public List<TextChunk> chunks(String longText, int maxChars) {
        if (maxChars < MIN_CHUNK_CHARS) {
            throw new TextFrontendException("maxChars must be at least " + MIN_CHUNK_CHARS + ", got " + maxChars);
        }
        List<Utterance> sentences = sentences(longText);
        List<TextChunk> out = new ArrayList<>();
        StringBuilder current = new StringBuilder();
        Utterance currentFirst = null;
        for (int k = 0; k < sentences.size(); k++) {
            Utterance u = sentences.get(k);
            boolean newParagraph = currentFirst != null && u.paragraphIndex() != currentFirst.paragraphIndex();
            if (u.isChapterHeading() || newParagraph) {
                flush(out, current, currentFirst, false);
                currentFirst = null;
            }
            if (u.isChapterHeading()) {
                boolean firstPiece = true;
                for (String piece : pieces(u.normalized(), maxChars)) {
                    out.add(new TextChunk(out.size(), piece, u.language(), u.paragraphIndex(), firstPiece,
                            u.chapterIndex(), firstPiece ? u.chapterTitle() : null, 1200));
                    firstPiece = false;
                }
                continue;
            }
            for (String piece : pieces(u.normalized(), maxChars)) {
                if (currentFirst != null && (current.length() + 1 + piece.length() > maxChars
                        || !currentFirst.language().equals(u.language()))) {
                    flush(out, current, currentFirst, false);
                    currentFirst = null;
                }
                if (currentFirst == null) {
                    current.setLength(0);
                    current.append(piece);
                    // only the first piece of the paragraph's first sentence opens the paragraph
                    currentFirst = new Utterance(u.text(), u.normalized(), u.language(), u.paragraphIndex(),
                            u.paragraphStart() && !paragraphAlreadyStarted(out, u), u.chapterIndex(), null);
                } else {
                    current.append(' ').append(piece);
                }
            }
        }
        flush(out, current, currentFirst, true);
        fixPauses(out);
        return out;
    }

    private static boolean paragraphAlreadyStarted(List<TextChunk> out, Utterance u) {
        return !out.isEmpty() && out.get(out.size() - 1).paragraphIndex() == u.paragraphIndex();
    }

    private static void flush(List<TextChunk> out, StringBuilder current, Utterance first, boolean last) {
        if (first == null || current.isEmpty()) return;
        out.add(new TextChunk(out.size(), current.toString(), first.language(), first.paragraphIndex(),
                first.paragraphStart(), first.chapterIndex(), null, 250));
        current.setLength(0);
    }

    /** Pauses depend on what follows: end of paragraph 600 ms, end of chapter or heading 1200 ms. */
    private static void fixPauses(List<TextChunk> chunks) {
        for (int k = 0; k < chunks.size(); k++) {
            TextChunk c = chunks.get(k);
            int pause;
            if (c.chapterTitle() != null) pause = 1200;
            else if (k + 1 == chunks.size()) pause = 600;
            else if (chunks.get(k + 1).chapterIndex() != c.chapterIndex()) pause = 1200;
            else if (chunks.get(k + 1).paragraphIndex() != c.paragraphIndex()) pause = 600;
            else pause = 250;
            if (pause != c.pauseAfterMs()) {
                chunks.set(k, new TextChunk(c.index(), c.text(), c.language(), c.paragraphIndex(), c.paragraphStart(),
                        c.chapterIndex(), c.chapterTitle(), pause));
            }
        }
    }

    /** Cuts one normalised sentence into pieces of at most maxChars. Each cut consumes >= maxChars/3 chars: linear. */
    static List<String> pieces(String s, int maxChars) {
        List<String> out = new ArrayList<>();
        int start = 0;
        int n = s.length();
        while (n - start > maxChars) {
            int limit = start + maxChars;
            int cut = -1;
            for (int k = limit; k > start + maxChars / 3; k--) { // clause punctuation first
                char c = s.charAt(k - 1);
                if ((c == ',' || c == ';' || c == ':' || c == '-') && (k == n || s.charAt(k) == ' ')) {
                    cut = k;
                    break;
                }
            }
            if (cut < 0) {
                for (int k = limit; k > start + maxChars / 3; k--) {
                    if (s.charAt(k) == ' ') {
                        cut = k;
                        break;
                    }
                }
            }
            if (cut < 0) {
                cut = limit;
                if (Character.isLowSurrogate(s.charAt(cut)) && cut - 1 > start) cut--;
            }
            String piece = s.substring(start, cut).strip();
            if (!piece.isEmpty()) out.add(piece);
            start = cut;
            while (start < n && s.charAt(start) == ' ') start++;
        }
        String rest = s.substring(start).strip();
        if (!rest.isEmpty()) out.add(rest);
        return out;
    }

    /** Normalised text of one sentence as spoken (numbers, symbols, abbreviations expanded). */
    public String normalize(String sentence) {
        check(sentence);
        return normalize(sentence, languageOf(sentence));
    }

    /** Normalised tokens of one sentence. */
    public List<Token> tokens(String sentence) {
        check(sentence);
        return tokens(sentence, languageOf(sentence));
    }

    /** Phoneme ids of one sentence: {@code <bos> words/punctuation <eos>}, with a per-word mapping. */
    public PhonemeSequence phonemize(String sentence) {
        check(sentence);
        List<Token> tokens = tokens(sentence, languageOf(sentence));
        List<String> symbols = new ArrayList<>(tokens.size() * 4 + 2);
        List<PhonemeSequence.WordSpan> words = new ArrayList<>(tokens.size());
        symbols.add(PhonemeInventory.BOS);
        boolean previousWasWord = false;
        boolean previousWasHan = false;
        for (Token t : tokens) {
            if (t.punctuation()) {
                if (isPunctuation(symbols.get(symbols.size() - 1))) continue; // tokens are tidy; belt and braces
                symbols.add(inventory.contains(t.text()) ? t.text() : ",");
                previousWasWord = false;
                previousWasHan = false;
                continue;
            }
            boolean han = t.text().length() == 1 && MandarinG2P.isHan(t.text().charAt(0));
            if (previousWasWord && !(han && previousWasHan)) symbols.add(PhonemeInventory.WORD_BOUNDARY);
            int start = symbols.size();
            boolean fromLexicon;
            if (han) {
                String py = MANDARIN_G2P.pinyin(t.text().charAt(0));
                if (py == null) {
                    symbols.add(PhonemeInventory.UNK);
                    fromLexicon = false;
                } else {
                    symbols.addAll(MANDARIN_G2P.symbols(py));
                    fromLexicon = true;
                }
            } else {
                EnglishG2P.Pronunciation p = ENGLISH_G2P.pronounce(t.text());
                symbols.addAll(p.phonemes());
                fromLexicon = p.fromLexicon();
            }
            if (symbols.size() == start) symbols.add(PhonemeInventory.UNK);
            words.add(new PhonemeSequence.WordSpan(t.text(), start, symbols.size(), fromLexicon));
            previousWasWord = true;
            previousWasHan = han;
        }
        symbols.add(PhonemeInventory.EOS);
        int[] ids = new int[symbols.size()];
        for (int k = 0; k < ids.length; k++) ids[k] = inventory.idOrUnknown(symbols.get(k));
        return new PhonemeSequence(ids, List.copyOf(symbols), List.copyOf(words));
    }

    private static boolean isPunctuation(String symbol) {
        return switch (symbol) {
            case ",", ".", "?", "!", ";", ":", "-", "..." -> true;
            default -> false;
        };
    }

    private static void check(String text) {
        if (text == null) throw new TextFrontendException("text is null");
        if (text.length() > MAX_INPUT_CHARS) {
            throw new TextFrontendException("text too long: " + text.length() + " characters, limit " + MAX_INPUT_CHARS);
        }
    }

    /** "en" or "zh" for a sentence under this frontend's language setting. */
    String languageOf(String sentence) {
        return switch (language) {
            case ENGLISH -> "en";
            case MANDARIN -> "zh";
            case AUTO -> {
                int han = 0;
                int latin = 0;
                for (int k = 0; k < sentence.length(); k++) {
                    char c = sentence.charAt(k);
                    if (MandarinG2P.isHan(c)) han++;
                    else if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')) latin++;
                }
                yield han > 0 && han * 3 >= latin ? "zh" : "en"; // a Han character is worth about 3 letters
            }
        };
    }

    private String normalize(String sentence, String lang) {
        return render(tokens(sentence, lang));
    }

    /** Han runs become one token per character; everything else goes through the English normaliser. */
    private static List<Token> tokens(String sentence, String lang) {
        String s = lang.equals("zh") ? MANDARIN_NORMALIZER.normalize(sentence) : sentence;
        List<Token> out = new ArrayList<>();
        int n = s.length();
        int k = 0;
        while (k < n) {
            int e = k;
            if (isHanRunChar(s.charAt(k))) {
                while (e < n && isHanRunChar(s.charAt(e))) {
                    char c = s.charAt(e);
                    if (MandarinG2P.isHan(c)) {
                        out.add(Token.word(String.valueOf(c)));
                    } else {
                        String p = cjkPunctuation(c);
                        if (p != null) out.add(Token.punct(p));
                    }
                    e++;
                }
            } else {
                while (e < n && !isHanRunChar(s.charAt(e))) e++;
                out.addAll(ENGLISH_NORMALIZER.normalize(s.substring(k, e)));
            }
            k = e;
        }
        return tidy(out);
    }

    private static boolean isHanRunChar(char c) {
        return MandarinG2P.isHan(c) || (c >= 0x3000 && c <= 0x303F) || (c >= 0xFF01 && c <= 0xFF0F)
                || (c >= 0xFF1A && c <= 0xFF1F);
    }

    private static String cjkPunctuation(char c) {
        return switch (c) {
            case '，', '、' -> ",";
            case '。', '．' -> ".";
            case '！' -> "!";
            case '？' -> "?";
            case '；' -> ";";
            case '：' -> ":";
            default -> null;
        };
    }

    private static List<Token> tidy(List<Token> tokens) {
        List<Token> out = new ArrayList<>(tokens.size());
        for (Token t : tokens) {
            if (t.punctuation() && (out.isEmpty() || out.get(out.size() - 1).punctuation())) {
                if (!out.isEmpty() && (t.text().equals("?") || t.text().equals("!") || t.text().equals("."))) {
                    out.set(out.size() - 1, t);
                }
                continue;
            }
            out.add(t);
        }
        return out;
    }

    static String render(List<Token> tokens) {
        StringBuilder sb = new StringBuilder();
        boolean previousHan = false;
        for (Token t : tokens) {
            boolean han = !t.punctuation() && t.text().length() == 1 && MandarinG2P.isHan(t.text().charAt(0));
            if (!t.punctuation() && !sb.isEmpty() && !(han && previousHan)) sb.append(' ');
            if (t.punctuation() && t.text().equals("-")) sb.append(" -");
            else sb.append(t.text());
            previousHan = han;
        }
        return sb.toString();
    }
}
