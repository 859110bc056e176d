package dev.voxpipe.text;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class HostileInputTest {
    private final TextFrontend fe = TextFrontend.auto();

    @ParameterizedTest
    @ValueSource(strings = {"", "   ", "...", "?!?!", "!!!,,,;;;", "🙂🔥👍🏽", "\u0000\u0007\u001b[31m\u007f", "\uFEFF\u200B\u200D",
            "Привет мир", "مرحبا", "𝔘𝔫𝔦𝔠𝔬𝔡𝔢", "\uD800 lone surrogate", "((((((", "----", "$", "%", "$.", "1.2.3.4.5",
            "99999999999999999999999999999999999999999999999999%", "$99999999999999999999999999999999999999999999999",
            "12:99", "2024-13-45", "0/0", "1/0", "#", "@@@", "a@b", "http://", "Chapter", "\n\n\n", "\t\r\n",
            "ÀÉÎÕÜ ñ ç", "ⅫⅣ", "①②③", "Ｈｅｌｌｏ　ｗｏｒｌｄ", "100元€£¥", "e.g.", "Dr.", "U.S.A."})
    void oddInputsGiveSensibleOutputWithoutExceptions(String s) {
        List<Utterance> sentences = assertDoesNotThrow(() -> fe.sentences(s));
        PhonemeSequence seq = assertDoesNotThrow(() -> fe.phonemize(s));
        assertDoesNotThrow(() -> fe.chunks(s, 50));
        assertEquals("<bos>", seq.symbols().get(0));
        assertEquals("<eos>", seq.symbols().get(seq.length() - 1));
        for (int id : seq.ids()) assertTrue(id >= 0 && id < fe.inventory().size());
        for (Utterance u : sentences) assertFalse(u.normalized().isBlank());
    }

    @Test
    void onlyPunctuationOrEmojiSaysNothing() {
        assertTrue(fe.sentences("?!... 🙂🙂").isEmpty());
        assertEquals(List.of("<bos>", "<eos>"), fe.phonemize("🙂 !!!").symbols());
        assertTrue(fe.chunks("", 100).isEmpty());
    }

    @Test
    void controlCharactersAreSpaces() {
        assertEquals("hello world", fe.normalize("hello\u0000world"));
        assertEquals("red text", fe.normalize("\u001b[31mred text"));
    }

    @Test
    void tenThousandDigitNumberIsReadDigitByDigit() {
        String digits = "7".repeat(10_000);
        String spoken = fe.normalize("Number " + digits + ".");
        assertEquals(10_001, spoken.split(" ").length);
        assertTrue(spoken.startsWith("Number seven seven"));
        PhonemeSequence seq = fe.phonemize(digits);
        assertEquals(10_000, seq.words().size());
        assertEquals("one " + "nonillion".replace("nonillion", "decillion"), NumberWords.cardinal("1" + "0".repeat(33)));
    }

    @Test
    void mixedScriptsKeepEachScript() {
        PhonemeSequence seq = fe.phonemize("Hello 世界 and Привет 42!");
        List<String> words = seq.words().stream().map(PhonemeSequence.WordSpan::word).toList();
        assertEquals(List.of("Hello", "世", "界", "and", "forty", "two"), words);
    }

    @Test
    void oneMegabyteOfTextIsChunked() {
        String text = randomText(1 << 20, 42);
        List<TextChunk> chunks = fe.chunks(text, 250);
        assertTrue(chunks.size() > 1000, "chunks: " + chunks.size());
        for (TextChunk c : chunks) assertTrue(c.text().length() <= 250);
        assertTrue(chunks.get(chunks.size() - 1).index() == chunks.size() - 1);
    }

    @Test
    void nullAndOversizedInputAreClearErrors() {
        assertThrows(TextFrontendException.class, () -> fe.sentences(null));
        assertThrows(TextFrontendException.class, () -> fe.phonemize(null));
        String huge = "a ".repeat(TextFrontend.MAX_INPUT_CHARS / 2 + 1);
        TextFrontendException e = assertThrows(TextFrontendException.class, () -> fe.chunks(huge, 100));
        assertTrue(e.getMessage().contains("too long"));
        assertThrows(TextFrontendException.class, () -> TextFrontend.forLanguage("klingon"));
    }

    @Test
    void randomGarbageNeverThrows() {
        Random random = new Random(7);
        for (int round = 0; round < 200; round++) {
            StringBuilder sb = new StringBuilder();
            for (int k = 0; k < 200; k++) {
                int cp = random.nextInt(4) == 0 ? random.nextInt(0x3000) : random.nextInt(0x80);
                if (Character.isValidCodePoint(cp)) sb.appendCodePoint(cp);
            }
            String s = sb.toString();
            assertDoesNotThrow(() -> fe.chunks(s, 40), s);
            assertDoesNotThrow(() -> fe.phonemize(s), s);
        }
    }

    /** Text with words, numbers, abbreviations, punctuation and paragraph breaks. */
    static String randomText(int chars, long seed) {
        String[] words = {"the", "storm", "Dr.", "Smith", "3.14", "$20", "1984", "e.g.", "said", "quickly",
                "and", "15%", "10:30", "voxpipe", "J.", "St.", "running", "CHAPTER", "我们", "100元", "🙂"};
        String[] ends = {".", "?", "!", ",", ";", ""};
        Random random = new Random(seed);
        StringBuilder sb = new StringBuilder(chars + 64);
        while (sb.length() < chars) {
            sb.append(words[random.nextInt(words.length)]).append(ends[random.nextInt(ends.length)]);
            sb.append(random.nextInt(60) == 0 ? "\n\n" : " ");
        }
        sb.setLength(chars);
        return sb.toString();
    }
}
