package dev.voxpipe.text;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class G2PTest {
    private final EnglishG2P g2p = new EnglishG2P();
    private final TextFrontend fe = TextFrontend.english();

    @Test
    void lexiconWordsWithStress() {
        EnglishG2P.Pronunciation hello = g2p.pronounce("hello");
        assertTrue(hello.fromLexicon());
        assertEquals(List.of("HH", "AH0", "L", "OW1"), hello.phonemes());
        assertEquals(List.of("S", "P", "IY1", "CH"), g2p.pronounce("Speech").phonemes());
    }

    @Test
    void unknownWordsUseLetterToSound() {
        EnglishG2P.Pronunciation p = g2p.pronounce("voxpipe");
        assertFalse(p.fromLexicon());
        assertEquals(List.of("V", "AA1", "K", "S", "P", "AY0", "P"), p.phonemes());
    }

    @Test
    void concurrentUseGivesTheSameResults() {
        List<String> words = java.util.stream.IntStream.range(0, 4000)
                .mapToObj(i -> (i % 2 == 0 ? "zorp" : "measure") + Integer.toString(i, 26).replaceAll("[0-9]", "x")).toList();
        List<List<String>> sequential = words.stream().map(w -> g2p.pronounceUncached(w).phonemes()).toList();
        List<List<String>> parallel = words.parallelStream().map(w -> g2p.pronounce(w).phonemes()).toList();
        assertEquals(sequential, parallel);
    }

    @Test
    void capitalLettersAreLetterNames() {
        assertEquals(List.of("EH1", "F"), g2p.pronounce("F").phonemes());
        assertEquals(List.of("AY1"), g2p.pronounce("I").phonemes());
    }

    @Test
    void everyPhonemeIsInTheInventory() {
        PhonemeSequence seq = fe.phonemize("The quick brown fox jumps over the lazy dog; zhivago's thoughts, measure joy!");
        for (String s : seq.symbols()) assertTrue(fe.inventory().contains(s), s);
        assertFalse(seq.symbols().contains("<unk>"));
    }

    @Test
    void sequenceLayoutAndWordSpans() {
        PhonemeSequence seq = fe.phonemize("Hi, Bob.");
        assertEquals(List.of("<bos>", "HH", "AY1", ",", "B", "AA1", "B", ".", "<eos>"), seq.symbols());
        int[] expected = seq.symbols().stream().mapToInt(fe.inventory()::id).toArray();
        assertArrayEquals(expected, seq.ids());
        assertEquals(2, seq.words().size());
        assertEquals("Bob", seq.words().get(1).word());
        assertEquals(List.of("B", "AA1", "B"), seq.symbols().subList(seq.words().get(1).start(), seq.words().get(1).end()));

        PhonemeSequence two = fe.phonemize("two words");
        assertEquals("|", two.symbols().get(two.words().get(0).end()), "word boundary between words");
    }
}
