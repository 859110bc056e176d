package dev.voxpipe.model;

import dev.voxpipe.text.PhonemeInventory;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PhonemeTokenizerTest {
    private static final PhonemeInventory INVENTORY = PhonemeInventory.standard();

    private static List<String> symbols(int[] ids) {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < ids.length; i++) {
            if (i % 2 == 0) {
                assertEquals(PhonemeTokenizer.BLANK, ids[i], "a blank between every two symbols");
            } else {
                out.add(ids[i] >= PhonemeTokenizer.IPA_BASE ? "ipa" + ids[i] : INVENTORY.symbol(ids[i]));
            }
        }
        return out;
    }

    @Test
    void englishBecomesArpabetWithWordBoundaries() {
        assertEquals(List.of("<bos>", "HH", "AH0", "L", "OW1", "|", "W", "ER1", "L", "D", ".", "<eos>"),
                symbols(PhonemeTokenizer.encode("Hello world.")));
    }

    @Test
    void mandarinCharactersAndPinyinGiveTheSameTonedSymbols() {
        List<String> han = symbols(PhonemeTokenizer.encode("你好。"));
        assertEquals(List.of("<bos>", "n", "i3", "h", "ao3", ".", "<eos>"), han);
        assertEquals(han, symbols(PhonemeTokenizer.encode("ni3 hao3.")));
    }

    @Test
    void mixedTextSpeaksBothLanguages() {
        List<String> s = symbols(PhonemeTokenizer.encode("我爱 Java 编程。"));
        assertTrue(s.contains("ai4"), s.toString());
        assertTrue(s.stream().anyMatch(x -> x.startsWith("JH")), s.toString());
    }

    @Test
    void numbersAndDatesAreReadOutInMandarin() {
        List<String> s = symbols(PhonemeTokenizer.encode("你好，世界。今天是2026年11月28日，价格是100元。"));
        assertFalse(s.contains("<unk>"), s.toString());
        assertTrue(s.size() > 40, "every character and number is spoken: " + s);
    }

    @Test
    void ipaFromTheRealCorpusSplitsJoinedLettersAndKeepsDiacritics() {
        assertEquals(List.of("t\u200Dʃ".replace("\u200D", ""), "ɑ̃", "ˈ"),
                PhonemeTokenizer.splitIpaWord("t\u200Dʃɑ̃ˈ"));
        int[] ids = PhonemeTokenizer.encodeIpa("aktivˈe ajuˈte");
        List<String> s = symbols(ids);
        assertEquals("<bos>", s.get(0));
        assertTrue(s.contains("|"));
        assertTrue(s.stream().filter(x -> x.startsWith("ipa")).count() >= 10, s.toString());
    }

    @Test
    void emptyOrUnspeakableTextIsOnePause() {
        assertEquals(List.of("sil"), symbols(PhonemeTokenizer.encode("")));
        assertEquals(List.of("sil"), symbols(PhonemeTokenizer.encode("\u0000 🙂")));
    }

    @Test
    void everyIdFitsTheVocabulary() {
        for (String text : List.of("Dr. Smith paid $12.50 for 3 tickets.", "今天是2026年11月28日。", "ni3 hao3")) {
            for (int id : PhonemeTokenizer.encode(text)) {
                assertTrue(id >= 0 && id < PhonemeTokenizer.VOCAB_SIZE);
            }
        }
        assertEquals(PhonemeTokenizer.VOCAB_SIZE, ModelConfig.phonemeBase().vocabSize());
    }
}
