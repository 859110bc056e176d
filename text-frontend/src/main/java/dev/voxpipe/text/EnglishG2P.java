package dev.voxpipe.text;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import marytts.fst.FSTLookup;
import marytts.modules.phonemiser.AllophoneSet;
import marytts.modules.phonemiser.TrainedLTS;

/**
 * English grapheme-to-phoneme: MaryTTS's en_US lexicon ({@code cmudict.fst}) with its trained letter-to-sound
 * model ({@code cmudict.lts}) as fallback, mapped from MaryTTS SAMPA to ARPAbet with stress digits.
 * Single capital letters are read as letter names. Thread-safe.
 */
public final class EnglishG2P {
    private static final String LEXICON = "/marytts/language/en_US/lexicon/";

    static final Map<String, String> SAMPA_TO_ARPABET = Map.ofEntries(
            Map.entry("A", "AA"), Map.entry("O", "AO"), Map.entry("u", "UW"), Map.entry("i", "IY"),
            Map.entry("{", "AE"), Map.entry("V", "AH"), Map.entry("E", "EH"), Map.entry("I", "IH"),
            Map.entry("U", "UH"), Map.entry("@", "AH"), Map.entry("r=", "ER"), Map.entry("aU", "AW"),
            Map.entry("OI", "OY"), Map.entry("@U", "OW"), Map.entry("EI", "EY"), Map.entry("AI", "AY"),
            Map.entry("p", "P"), Map.entry("t", "T"), Map.entry("k", "K"), Map.entry("b", "B"), Map.entry("d", "D"),
            Map.entry("g", "G"), Map.entry("tS", "CH"), Map.entry("dZ", "JH"), Map.entry("f", "F"), Map.entry("v", "V"),
            Map.entry("T", "TH"), Map.entry("D", "DH"), Map.entry("s", "S"), Map.entry("z", "Z"), Map.entry("S", "SH"),
            Map.entry("Z", "ZH"), Map.entry("h", "HH"), Map.entry("l", "L"), Map.entry("m", "M"), Map.entry("n", "N"),
            Map.entry("N", "NG"), Map.entry("r", "R"), Map.entry("w", "W"), Map.entry("j", "Y"));

    private static final String[] LETTER_NAMES = {"EY1", "B IY1", "S IY1", "D IY1", "IY1", "EH1 F", "JH IY1",
            "EY1 CH", "AY1", "JH EY1", "K EY1", "EH1 L", "EH1 M", "EH1 N", "OW1", "P IY1", "K Y UW1", "AA1 R",
            "EH1 S", "T IY1", "Y UW1", "V IY1", "D AH1 B AH0 L Y UW0", "EH1 K S", "W AY1", "Z IY1"};

    private static final class Resources {
        static final FSTLookup LEXICON_FST;
        static final TrainedLTS LTS;
        static final AllophoneSet ALLOPHONES;

        static {
            try (InputStream fst = open("cmudict.fst"); InputStream allo = open("allophones.en_US.xml");
                 InputStream lts = open("cmudict.lts")) {
                LEXICON_FST = new FSTLookup(fst, LEXICON + "cmudict.fst");
                ALLOPHONES = AllophoneSet.getAllophoneSet(allo, "en_US");
                LTS = new TrainedLTS(ALLOPHONES, lts, false);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            } catch (Exception e) {
                throw new IllegalStateException("cannot load the MaryTTS en_US lexicon", e);
            }
        }

        private static InputStream open(String name) {
            InputStream in = EnglishG2P.class.getResourceAsStream(LEXICON + name);
            if (in == null) throw new IllegalStateException("marytts-lang-en is not on the classpath: " + name);
            return in;
        }
    }

    /** Pronunciation of one word, and whether it came from the lexicon (false: letter-to-sound). */
    public record Pronunciation(List<String> phonemes, boolean fromLexicon) {
    }

    /** Pronunciations already computed; cleared when full (real text reuses a small vocabulary). */
    private static final java.util.concurrent.ConcurrentHashMap<String, Pronunciation> CACHE = new java.util.concurrent.ConcurrentHashMap<>();
    private static final int CACHE_LIMIT = 100_000;
    private static final java.util.Set<String> SAMPA_VOWELS = java.util.Set.of("A", "O", "u", "i", "{", "V", "E", "I",
            "U", "@", "r=", "aU", "OI", "@U", "EI", "AI");

    /** Phonemes (ARPAbet with stress) of one word made of letters and apostrophes. */
    public Pronunciation pronounce(String word) {
        Pronunciation cached = CACHE.get(word);
        if (cached != null) return cached;
        Pronunciation p = lookUp(word);
        if (CACHE.size() >= CACHE_LIMIT) CACHE.clear();
        CACHE.put(word, p);
        return p;
    }

    /** The same as {@link #pronounce} without the cache (benchmarks). */
    public Pronunciation pronounceUncached(String word) {
        return lookUp(word);
    }

    private Pronunciation lookUp(String word) {
        if (word.length() == 1 && word.charAt(0) >= 'A' && word.charAt(0) <= 'Z' && !word.equals("I")) {
            return new Pronunciation(List.of(LETTER_NAMES[word.charAt(0) - 'A'].split(" ")), true);
        }
        String lower = word.toLowerCase(Locale.ROOT);
        String sampa = lexicon(lower);
        if (sampa != null) return new Pronunciation(List.copyOf(toArpabet(sampa)), true);
        if (lower.endsWith("'s") && lower.length() > 2) {
            String base = lexicon(lower.substring(0, lower.length() - 2));
            if (base != null) {
                List<String> phones = new ArrayList<>(toArpabet(base));
                if (phones.isEmpty()) return new Pronunciation(List.of(), false);
                String last = phones.get(phones.size() - 1);
                if (List.of("S", "Z", "SH", "ZH", "CH", "JH").contains(last)) {
                    phones.add("IH0");
                    phones.add("Z");
                } else {
                    phones.add(List.of("P", "T", "K", "F", "TH").contains(last) ? "S" : "Z");
                }
                return new Pronunciation(List.copyOf(phones), true);
            }
        }
        String letters = lower.replace("'", "");
        if (letters.isEmpty()) return new Pronunciation(List.of(), false);
        List<String> predicted = List.of();
        synchronized (Resources.LTS) { // the CART walk is not documented as thread-safe
            try {
                String phones = Resources.LTS.predictPronunciation(letters);
                if (!phones.isBlank()) predicted = toArpabet(Resources.LTS.syllabify(phones));
            } catch (RuntimeException e) {
                predicted = List.of(); // MaryTTS refuses some letter strings; spelled below
            }
        }
        if (predicted.isEmpty() || !hasVowel(predicted)) {
            List<String> spelled = new ArrayList<>();
            for (char c : letters.toUpperCase(Locale.ROOT).toCharArray()) {
                if (c >= 'A' && c <= 'Z') spelled.addAll(List.of(LETTER_NAMES[c - 'A'].split(" ")));
            }
            return new Pronunciation(List.copyOf(spelled), false);
        }
        return new Pronunciation(List.copyOf(predicted), false);
    }

    private static boolean hasVowel(List<String> phones) {
        for (String p : phones) if (Character.isDigit(p.charAt(p.length() - 1))) return true;
        return false;
    }

    private static String lexicon(String lower) {
        String[] entries = Resources.LEXICON_FST.lookup(lower);
        return entries.length == 0 ? null : entries[0];
    }

    /** MaryTTS syllabified SAMPA ("h @ - ' l @U") to ARPAbet with stress digits (HH AH0 L OW1). */
    static List<String> toArpabet(String sampa) {
        List<String> out = new ArrayList<>();
        char stress = '0';
        for (String unit : sampa.trim().split(" ")) {
            switch (unit) {
                case "" -> { }
                case "-" -> stress = '0';
                case "'" -> stress = '1';
                case "," -> stress = '2';
                default -> {
                    String arpa = SAMPA_TO_ARPABET.get(unit);
                    if (arpa == null) continue; // unknown symbol: skip rather than emit garbage
                    boolean vowel = SAMPA_VOWELS.contains(unit);
                    out.add(vowel ? arpa + (unit.equals("@") ? '0' : stress) : arpa);
                }
            }
        }
        return out;
    }
}
