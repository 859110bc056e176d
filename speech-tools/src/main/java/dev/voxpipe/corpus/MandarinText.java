package dev.voxpipe.corpus;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import net.sourceforge.pinyin4j.PinyinHelper;
import net.sourceforge.pinyin4j.format.HanyuPinyinCaseType;
import net.sourceforge.pinyin4j.format.HanyuPinyinOutputFormat;
import net.sourceforge.pinyin4j.format.HanyuPinyinToneType;
import net.sourceforge.pinyin4j.format.HanyuPinyinVCharType;
import net.sourceforge.pinyin4j.format.exception.BadHanyuPinyinOutputFormatCombination;

/**
 * The Mandarin sentences of the {@code espeak_cmn} speaker and their tone-numbered pinyin ({@code jin1 tian1 de5}).
 *
 * <p>pinyin4j gives every reading of a character without context, most common first. That first reading is taken,
 * except for the words and characters of {@link #READINGS} whose reading in these sentences differs (长 is chang2
 * in 很长, 觉 is jiao4 in 睡觉). These were checked against espeak-ng's own Hanzi reading of every sentence: where
 * the syllables still differ, espeak-ng is wrong (地图 "de tu", 银行 "yin xing", 音乐 "yin le"). Citation tones are written (no tone sandhi), as dictionaries do. Chinese punctuation
 * becomes its ASCII form.
 */
final class MandarinText {
    static final String SENTENCES = "mandarin-sentences.txt";

    /** Readings that differ from pinyin4j's first one, longest words first where they overlap. */
    static final Map<String, String> READINGS = readings();

    private static final HanyuPinyinOutputFormat FORMAT = format();
    private static final Map<Character, String> PUNCTUATION = Map.of('，', ",", '。', ".", '？', "?", '！', "!",
            '、', ",", '；', ";", '：', ":");

    private MandarinText() {
    }

    /** The sentence list (comments and blank lines skipped), in file order. */
    static List<String> sentences() throws IOException {
        try (InputStream in = MandarinText.class.getResourceAsStream(SENTENCES)) {
            if (in == null) throw new IOException("missing resource " + SENTENCES);
            List<String> out = new ArrayList<>();
            for (String line : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
                String s = line.strip();
                if (!s.isEmpty() && !s.startsWith("#")) out.add(s);
            }
            return out;
        }
    }

    /** Tone-numbered pinyin, syllables separated by spaces, punctuation attached to the syllable before it. */
    static String pinyin(String hanzi) {
        StringBuilder out = new StringBuilder();
        int i = 0;
        while (i < hanzi.length()) {
            String word = longestOverride(hanzi, i);
            char c = hanzi.charAt(i);
            if (word != null) {
                appendSyllables(out, READINGS.get(word));
                i += word.length();
            } else if (PUNCTUATION.containsKey(c)) {
                out.append(PUNCTUATION.get(c));
                i++;
            } else if (Character.isWhitespace(c)) {
                i++;
            } else {
                appendSyllables(out, reading(c));
                i++;
            }
        }
        return out.toString().strip();
    }

    private static void appendSyllables(StringBuilder out, String syllables) {
        if (!out.isEmpty()) out.append(' ');
        out.append(syllables);
    }

    private static String longestOverride(String s, int from) {
        String best = null;
        for (String w : READINGS.keySet()) {
            if (s.startsWith(w, from) && (best == null || w.length() > best.length())) best = w;
        }
        return best;
    }

    /** pinyin4j's first reading; the character itself (lower-cased) when it is not a Han character. */
    static String reading(char c) {
        try {
            String[] all = PinyinHelper.toHanyuPinyinStringArray(c, FORMAT);
            return all == null || all.length == 0 ? String.valueOf(c).toLowerCase(Locale.ROOT) : all[0];
        } catch (BadHanyuPinyinOutputFormatCombination e) {
            throw new IllegalStateException(e);
        }
    }

    private static HanyuPinyinOutputFormat format() {
        HanyuPinyinOutputFormat f = new HanyuPinyinOutputFormat();
        f.setToneType(HanyuPinyinToneType.WITH_TONE_NUMBER);
        f.setVCharType(HanyuPinyinVCharType.WITH_U_UNICODE);
        f.setCaseType(HanyuPinyinCaseType.LOWERCASE);
        return f;
    }

    private static Map<String, String> readings() {
        Map<String, String> m = new LinkedHashMap<>();
        // single characters whose everyday reading is not pinyin4j's first
        m.put("长", "chang2");
        m.put("那", "na4");
        m.put("呢", "ne5");
        m.put("得", "de5");
        m.put("为", "wei4");
        m.put("给", "gei3");
        m.put("柜", "gui4");
        // reduplicated kinship terms: the second syllable is neutral
        for (String[] kin : new String[][] {{"哥哥", "ge1 ge5"}, {"姐姐", "jie3 jie5"}, {"弟弟", "di4 di5"}, {"妹妹", "mei4 mei5"},
                {"爸爸", "ba4 ba5"}, {"妈妈", "ma1 ma5"}, {"奶奶", "nai3 nai5"}, {"爷爷", "ye2 ye5"}}) {
            m.put(kin[0], kin[1]);
        }
        // words where a character takes another reading
        m.put("觉得", "jue2 de5");
        m.put("睡觉", "shui4 jiao4");
        m.put("钥匙", "yao4 shi5");
        m.put("得到", "de2 dao4");
        m.put("成为", "cheng2 wei2");
        m.put("认为", "ren4 wei2");
        m.put("银行", "yin2 hang2");
        m.put("长大", "zhang3 da4");
        m.put("一会儿", "yi1 hui4 er5");
        m.put("点儿", "dian3 er5");
        m.put("哪儿", "na3 er5");
        m.put("了解", "liao3 jie3");
        m.put("地方", "di4 fang5");
        m.put("东西", "dong1 xi5");
        m.put("朋友", "peng2 you5");
        m.put("时候", "shi2 hou5");
        m.put("便宜", "pian2 yi5");
        m.put("还是", "hai2 shi4");
        m.put("音乐", "yin1 yue4");
        m.put("重要", "zhong4 yao4");
        m.put("干净", "gan1 jing4");
        m.put("干干净净", "gan1 gan1 jing4 jing4");
        m.put("会计", "kuai4 ji4");
        m.put("西藏", "xi1 zang4");
        m.put("得在", "dei3 zai4");
        m.put("得很", "de5 hen3");
        m.put("种了", "zhong4 le5");
        m.put("种类", "zhong3 lei4");
        m.put("各种", "ge4 zhong3");
        m.put("节奏", "jie2 zou4");
        m.put("着急", "zhao2 ji2");
        m.put("相信", "xiang1 xin4");
        m.put("数学", "shu4 xue2");
        m.put("只有", "zhi3 you3");
        m.put("几只", "ji3 zhi1");
        m.put("这只", "zhe4 zhi1");
        m.put("一只", "yi1 zhi1");
        m.put("教室", "jiao4 shi4");
        m.put("大夫", "dai4 fu5");
        m.put("的确", "di2 que4");
        m.put("目的", "mu4 di4");
        m.put("暖和", "nuan3 huo5");
        m.put("和气", "he2 qi5");
        m.put("结实", "jie1 shi5");
        m.put("摇摇晃晃", "yao2 yao2 huang4 huang4");
        m.put("懒洋洋地", "lan3 yang2 yang2 de5");
        m.put("慢慢地", "man4 man4 de5");
        m.put("认真地", "ren4 zhen1 de5");
        m.put("降落", "jiang4 luo4");
        m.put("乘凉", "cheng2 liang2");
        m.put("收割", "shou1 ge1");
        m.put("庄稼", "zhuang1 jia5");
        m.put("朝着", "chao2 zhe5");
        m.put("少年", "shao4 nian2");
        m.put("不少", "bu4 shao3");
        m.put("空气", "kong1 qi4");
        m.put("有空", "you3 kong4");
        m.put("调查", "diao4 cha2");
        m.put("差不多", "cha4 bu4 duo1");
        return Map.copyOf(m);
    }
}
