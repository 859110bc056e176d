package dev.voxpipe.corpus;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.List;

import org.junit.jupiter.api.Test;

class MandarinTextTest {
    @Test
    void sentenceListIsLargeDistinctAndHanOnly() throws Exception {
        List<String> sentences = MandarinText.sentences();
        assertTrue(sentences.size() >= 150, "sentences: " + sentences.size());
        assertEquals(sentences.size(), new HashSet<>(sentences).size(), "no duplicates");
        for (String s : sentences) {
            assertTrue(s.codePoints().allMatch(c -> Character.UnicodeScript.of(c) == Character.UnicodeScript.HAN
                    || "，。？！、；：".indexOf(c) >= 0), "only Han characters and Chinese punctuation: " + s);
        }
    }

    @Test
    void toneNumberedPinyinWithContextReadings() {
        assertEquals("jin1 tian1 de5 tian1 qi4 hen3 hao3, wo3 men5 qu4 gong1 yuan2 san4 bu4 ba5.",
                MandarinText.pinyin("今天的天气很好，我们去公园散步吧。"));
        assertEquals("ge1 ge5 zai4 yin2 hang2 gong1 zuo4.", MandarinText.pinyin("哥哥在银行工作。"), "银行 is yin2 hang2");
        assertEquals("wo3 jue2 de5 hen3 chang2.", MandarinText.pinyin("我觉得很长。"));
        assertEquals("shui4 jiao4", MandarinText.pinyin("睡觉"));
        assertEquals("nü3 ren2", MandarinText.pinyin("女人"), "ü written as ü");
    }

    @Test
    void everySentenceGivesOnlyToneNumberedSyllables() throws Exception {
        for (String s : MandarinText.sentences()) {
            for (String syllable : MandarinText.pinyin(s).split(" ")) {
                assertTrue(syllable.matches("[a-zü]+[1-5][,.?!;:]?"), syllable + " in " + s);
            }
        }
    }
}
