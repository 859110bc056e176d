package dev.voxpipe.model;

import dev.voxpipe.text.MandarinG2P;
import dev.voxpipe.text.PhonemeInventory;
import dev.voxpipe.text.TextFrontend;
import dev.voxpipe.text.TextFrontendException;
import dev.voxpipe.text.Utterance;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Turns text into the v2 model's input ids: the text frontend's phonemes (ARPAbet with stress for English, toned
 * pinyin initials and finals for Mandarin, punctuation as pauses, {@code |} between words), with a blank between
 * every symbol as {@link CharTokenizer} does, so that monotonic alignment can give transitions their own frames.
 *
 * <p>Id space ({@link #VOCAB_SIZE} = 512): ids below {@link #IPA_BASE} are {@link PhonemeInventory} ids (its
 * {@code <pad>} = 0 is the blank; room to grow to 384 symbols); from {@link #IPA_BASE} on, the espeak-ng IPA symbols
 * of {@code ipa-symbols.txt}, used only to pretrain on real speech in languages the frontend does not speak
 * (French, Russian). Both lists are append-only: ids are baked into trained models.
 *
 * <p>A sentence written as tone-numbered pinyin ({@code ni3 hao3 shi4 jie4.}) is read as pinyin, so that Mandarin can
 * be given either in characters or in pinyin.
 */
public final class PhonemeTokenizer {
    public static final int BLANK = 0;
    public static final int IPA_BASE = 384;
    public static final int VOCAB_SIZE = 512;
    private static final String IPA_RESOURCE = "/dev/voxpipe/model/ipa-symbols.txt";
    private static final Pattern PINYIN_SYLLABLE = Pattern.compile("[a-zü]{1,6}[1-5]");
    private static final Pattern PINYIN_TOKEN = Pattern.compile("[a-zü]{1,6}[1-5]|[,.?!;:]");
    private static final PhonemeInventory INVENTORY = PhonemeInventory.standard();
    private static final TextFrontend AUTO = TextFrontend.auto();
    private static final MandarinG2P MANDARIN = new MandarinG2P();
    private static final Map<String, Integer> IPA_IDS = loadIpa();

    static {
        if (INVENTORY.size() > IPA_BASE) {
            throw new IllegalStateException("the phoneme inventory outgrew the ids reserved for it: " + INVENTORY.size());
        }
    }

    private PhonemeTokenizer() {
    }

    private static Map<String, Integer> loadIpa() {
        try (InputStream in = PhonemeTokenizer.class.getResourceAsStream(IPA_RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException("missing resource " + IPA_RESOURCE);
            }
            Map<String, Integer> ids = new HashMap<>();
            BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
            for (String line; (line = r.readLine()) != null; ) {
                String s = line.strip();
                if (s.isEmpty() || s.startsWith("#")) {
                    continue;
                }
                ids.put(s, IPA_BASE + ids.size());
            }
            if (IPA_BASE + ids.size() > VOCAB_SIZE) {
                throw new IllegalStateException("too many IPA symbols for the vocabulary: " + ids.size());
            }
            return ids;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Ids with blanks interleaved for any text the frontend reads (English, Mandarin, mixed, pinyin). Never empty. */
    public static int[] encode(String text) {
        List<Integer> symbols = new ArrayList<>();
        if (text != null && !text.isBlank()) {
            List<Utterance> sentences;
            try {
                sentences = AUTO.sentences(text);
            } catch (TextFrontendException e) {
                sentences = List.of(); // unusable for the frontend: a pause, as for empty text
            }
            for (Utterance u : sentences) {
                if (isPinyin(u.text())) {
                    pinyin(u.text(), symbols);
                } else {
                    try {
                        for (int id : AUTO.phonemize(u.text()).ids()) {
                            symbols.add(id);
                        }
                    } catch (TextFrontendException e) {
                        // a sentence the frontend refuses is skipped; the others are spoken
                    }
                }
            }
        }
        if (symbols.isEmpty()) {
            symbols.add(INVENTORY.id(PhonemeInventory.LONG_PAUSE));
        }
        return withBlanks(symbols);
    }

    /**
     * Ids for espeak-ng IPA as the real-speech corpus stores it ({@code --ipa=3}: words separated by spaces, the
     * letters of one phoneme joined by U+200D, diacritics and length marks after their letter).
     */
    public static int[] encodeIpa(String ipa) {
        List<Integer> symbols = new ArrayList<>();
        symbols.add(INVENTORY.id(PhonemeInventory.BOS));
        String[] words = ipa.strip().split("\\s+");
        for (int w = 0; w < words.length; w++) {
            if (words[w].isEmpty()) {
                continue;
            }
            if (w > 0) {
                symbols.add(INVENTORY.id(PhonemeInventory.WORD_BOUNDARY));
            }
            for (String s : splitIpaWord(words[w])) {
                symbols.add(IPA_IDS.getOrDefault(s, INVENTORY.id(PhonemeInventory.UNK)));
            }
        }
        symbols.add(INVENTORY.id(PhonemeInventory.EOS));
        return withBlanks(symbols);
    }

    static List<String> splitIpaWord(String word) {
        List<String> out = new ArrayList<>();
        boolean join = false;
        for (int i = 0; i < word.length(); ) {
            int cp = word.codePointAt(i);
            i += Character.charCount(cp);
            String ch = new String(Character.toChars(cp));
            if (cp == 0x200D) {
                join = true;
                continue;
            }
            boolean attaches = Character.getType(cp) == Character.NON_SPACING_MARK || cp == 'ː' || cp == 'ˑ';
            if (!out.isEmpty() && (join || attaches)) {
                out.set(out.size() - 1, out.get(out.size() - 1) + ch);
            } else {
                out.add(ch);
            }
            join = false;
        }
        return out;
    }

    static boolean isPinyin(String sentence) {
        int syllables = 0;
        for (String t : sentence.toLowerCase(java.util.Locale.ROOT).split("[\\s,.?!;:，。？！；：]+")) {
            if (t.isEmpty()) {
                continue;
            }
            if (!PINYIN_SYLLABLE.matcher(t).matches()) {
                return false;
            }
            syllables++;
        }
        return syllables > 0;
    }

    private static void pinyin(String sentence, List<Integer> out) {
        out.add(INVENTORY.id(PhonemeInventory.BOS));
        var m = PINYIN_TOKEN.matcher(sentence.toLowerCase(java.util.Locale.ROOT).replace('ü', 'v'));
        while (m.find()) {
            String t = m.group();
            if (t.length() == 1 && ",.?!;:".contains(t)) {
                int last = out.get(out.size() - 1);
                if (last != INVENTORY.id(PhonemeInventory.BOS) && !INVENTORY.symbol(last).matches("[,.?!;:]")) {
                    out.add(INVENTORY.id(t));
                }
                continue;
            }
            for (String s : MANDARIN.symbols(t)) {
                out.add(INVENTORY.idOrUnknown(s));
            }
        }
        out.add(INVENTORY.id(PhonemeInventory.EOS));
    }

    private static int[] withBlanks(List<Integer> symbols) {
        int[] ids = new int[2 * symbols.size() + 1];
        for (int i = 0; i < symbols.size(); i++) {
            ids[2 * i + 1] = symbols.get(i);
        }
        return ids;
    }
}
