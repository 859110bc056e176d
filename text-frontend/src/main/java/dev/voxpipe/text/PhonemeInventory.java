package dev.voxpipe.text;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The phoneme inventory with stable integer ids shared by training and synthesis.
 *
 * <p>The ordering lives in {@code dev/voxpipe/text/phonemes.txt}: the n-th symbol line has id n. The file is
 * append-only: ids are baked into trained models, so existing lines are never reordered or removed.
 *
 * <p>Contents: special tokens ({@code <pad>}=0, {@code <unk>}, {@code <bos>}, {@code <eos>}, {@code sp} short
 * pause, {@code sil} long pause, {@code |} word boundary), punctuation tokens ({@code , . ? ! ; : - ...}),
 * English ARPAbet consonants and vowels <em>with</em> lexical stress digits (AH0/AH1/AH2: stress matters for
 * prosody and costs only 30 extra symbols), and Mandarin pinyin initials plus finals with tones 1-5 (lower case,
 * so never confused with ARPAbet).
 */
public final class PhonemeInventory {
    public static final String RESOURCE = "/dev/voxpipe/text/phonemes.txt";
    public static final String PAD = "<pad>";
    public static final String UNK = "<unk>";
    public static final String BOS = "<bos>";
    public static final String EOS = "<eos>";
    public static final String SHORT_PAUSE = "sp";
    public static final String LONG_PAUSE = "sil";
    public static final String WORD_BOUNDARY = "|";

    private static final PhonemeInventory STANDARD = load();

    private final List<String> symbols;
    private final Map<String, Integer> ids;

    private PhonemeInventory(List<String> symbols) {
        this.symbols = Collections.unmodifiableList(symbols);
        Map<String, Integer> map = new HashMap<>();
        for (int i = 0; i < symbols.size(); i++) {
            if (map.put(symbols.get(i), i) != null) {
                throw new IllegalStateException("duplicate phoneme symbol " + symbols.get(i));
            }
        }
        this.ids = map;
    }

    /** The one inventory every module uses. */
    public static PhonemeInventory standard() {
        return STANDARD;
    }

    private static PhonemeInventory load() {
        try (InputStream in = PhonemeInventory.class.getResourceAsStream(RESOURCE)) {
            if (in == null) throw new IllegalStateException("missing resource " + RESOURCE);
            BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
            List<String> symbols = new ArrayList<>();
            for (String line; (line = reader.readLine()) != null; ) {
                String trimmed = line.strip();
                if (trimmed.isEmpty() || trimmed.startsWith("#")) continue;
                symbols.add(trimmed.split("\\s+")[0]);
            }
            return new PhonemeInventory(symbols);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Id of a symbol; {@link IllegalArgumentException} if the symbol is not in the inventory. */
    public int id(String symbol) {
        Integer id = ids.get(symbol);
        if (id == null) throw new IllegalArgumentException("unknown phoneme symbol: " + symbol);
        return id;
    }

    /** Id of a symbol, or the id of {@code <unk>}. */
    public int idOrUnknown(String symbol) {
        Integer id = ids.get(symbol);
        return id == null ? ids.get(UNK) : id;
    }

    public boolean contains(String symbol) {
        return ids.containsKey(symbol);
    }

    public String symbol(int id) {
        if (id < 0 || id >= symbols.size()) throw new IllegalArgumentException("phoneme id out of range: " + id);
        return symbols.get(id);
    }

    public int size() {
        return symbols.size();
    }

    /** All symbols in id order. */
    public List<String> symbols() {
        return symbols;
    }
}
