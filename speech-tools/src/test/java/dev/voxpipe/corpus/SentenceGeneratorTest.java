package dev.voxpipe.corpus;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.Test;

import dev.voxpipe.text.PhonemeInventory;
import dev.voxpipe.text.TextFrontend;

class SentenceGeneratorTest {
    @Test
    void deterministicDistinctAndVaried() {
        List<String> a = SentenceGenerator.generate(3000, 20261121);
        assertEquals(a, SentenceGenerator.generate(3000, 20261121));
        assertEquals(3000, new HashSet<>(a).size());
        assertTrue(a.stream().anyMatch(s -> s.endsWith("?")));
        assertTrue(a.stream().anyMatch(s -> s.endsWith("!")));
        assertTrue(a.stream().anyMatch(s -> s.matches(".*\\d.*")), "numbers for the normaliser");
        assertTrue(a.stream().anyMatch(s -> s.split(" ").length <= 2), "short sentences");
        assertTrue(a.stream().anyMatch(s -> s.split(" ").length >= 25), "long sentences");
    }

    @Test
    void coversEveryEnglishPhoneme() {
        TextFrontend fe = TextFrontend.english();
        Set<String> seen = new HashSet<>();
        for (CorpusBuilder.Sentence s : CorpusBuilder.sentences(300, 20261121)) {
            for (String p : fe.phonemize(s.spoken()).symbols()) seen.add(p.replaceAll("\\d", ""));
        }
        for (String symbol : PhonemeInventory.standard().symbols()) {
            if (symbol.matches("[A-Z]+\\d?")) {
                assertTrue(seen.contains(symbol.replaceAll("\\d", "")), "phoneme never used: " + symbol);
            }
        }
    }

    @Test
    void spokenFormIsNormalised() {
        List<CorpusBuilder.Sentence> s = CorpusBuilder.sentences(500, 20261121);
        assertEquals("s00000", s.get(0).id());
        assertTrue(s.stream().noneMatch(x -> x.spoken().matches(".*[0-9$%].*")), "no digits or symbols left");
    }

    @Test
    void everySpeakerStartsWithTheSharedSentences() {
        List<CorpusBuilder.Sentence> s = CorpusBuilder.sentences(400, 1);
        List<CorpusBuilder.Sentence> a = CorpusBuilder.speakerOrder(0, s);
        List<CorpusBuilder.Sentence> b = CorpusBuilder.speakerOrder(3, s);
        assertEquals(a.subList(0, CorpusBuilder.SHARED), b.subList(0, CorpusBuilder.SHARED));
        assertEquals(s.size(), a.size());
        assertEquals(s.size(), new HashSet<>(b).size());
        assertTrue(!a.get(CorpusBuilder.SHARED).equals(b.get(CorpusBuilder.SHARED)), "own slices differ");
    }
}
