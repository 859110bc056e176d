package dev.voxpipe.text;

import java.util.List;

import net.sourceforge.pinyin4j.PinyinHelper;
import net.sourceforge.pinyin4j.format.HanyuPinyinCaseType;
import net.sourceforge.pinyin4j.format.HanyuPinyinOutputFormat;
import net.sourceforge.pinyin4j.format.HanyuPinyinToneType;
import net.sourceforge.pinyin4j.format.HanyuPinyinVCharType;
import net.sourceforge.pinyin4j.format.exception.BadHanyuPinyinOutputFormatCombination;

/**
 * Mandarin G2P with pinyin4j: each Han character becomes an initial (may be absent) and a toned final, e.g.
 * 好 → h ao3. Polyphonic characters take pinyin4j's first reading (no word-level disambiguation).
 */
public final class MandarinG2P {
    private static final String[] INITIALS = {"zh", "ch", "sh", "b", "p", "m", "f", "d", "t", "n", "l", "g", "k",
            "h", "j", "q", "x", "r", "z", "c", "s", "y", "w"};
    /** Frequent polyphones whose first pinyin4j reading is the rare one (particles are mostly neutral tone). */
    private static final java.util.Map<Character, String> COMMON_READINGS = java.util.Map.ofEntries(
            java.util.Map.entry('的', "de5"), java.util.Map.entry('了', "le5"), java.util.Map.entry('呢', "ne5"),
            java.util.Map.entry('吗', "ma5"), java.util.Map.entry('着', "zhe5"), java.util.Map.entry('么', "me5"),
            java.util.Map.entry('们', "men5"), java.util.Map.entry('得', "de5"), java.util.Map.entry('地', "de5"),
            java.util.Map.entry('个', "ge4"), java.util.Map.entry('和', "he2"), java.util.Map.entry('长', "chang2"),
            java.util.Map.entry('行', "xing2"), java.util.Map.entry('还', "hai2"), java.util.Map.entry('都', "dou1"),
            java.util.Map.entry('好', "hao3"), java.util.Map.entry('为', "wei4"), java.util.Map.entry('会', "hui4"),
            java.util.Map.entry('说', "shuo1"), java.util.Map.entry('要', "yao4"), java.util.Map.entry('儿', "er2"));
    private static final HanyuPinyinOutputFormat FORMAT = new HanyuPinyinOutputFormat();

    static {
        FORMAT.setToneType(HanyuPinyinToneType.WITH_TONE_NUMBER);
        FORMAT.setVCharType(HanyuPinyinVCharType.WITH_V);
        FORMAT.setCaseType(HanyuPinyinCaseType.LOWERCASE);
    }

    static boolean isHan(int cp) {
        return Character.UnicodeScript.of(cp) == Character.UnicodeScript.HAN;
    }

    /** Toned pinyin of one Han character ("hao3"), or null if pinyin4j does not know it. */
    public String pinyin(char c) {
        String common = COMMON_READINGS.get(c);
        if (common != null) return common;
        try {
            String[] readings = PinyinHelper.toHanyuPinyinStringArray(c, FORMAT);
            return readings == null || readings.length == 0 ? null : readings[0];
        } catch (BadHanyuPinyinOutputFormatCombination e) {
            throw new IllegalStateException(e);
        }
    }

    /** Splits toned pinyin into inventory symbols: "zhang1" → [zh, ang1]; "er2" → [er2]. */
    public List<String> symbols(String pinyin) {
        char tone = Character.isDigit(pinyin.charAt(pinyin.length() - 1)) ? pinyin.charAt(pinyin.length() - 1) : '5';
        String base = Character.isDigit(pinyin.charAt(pinyin.length() - 1)) ? pinyin.substring(0, pinyin.length() - 1) : pinyin;
        if (base.equals("r")) base = "er"; // pinyin4j writes the erhua 儿 as r5
        String initial = "";
        for (String i : INITIALS) {
            if (base.startsWith(i) && base.length() > i.length()) {
                initial = i;
                break;
            }
        }
        String fin = base.substring(initial.length());
        // after j/q/x/y, written u is ü
        if ((initial.equals("j") || initial.equals("q") || initial.equals("x") || initial.equals("y")) && fin.startsWith("u")) {
            fin = "v" + fin.substring(1);
        }
        if (fin.equals("ue")) fin = "ve";
        if (fin.equals("iou")) fin = "iu";
        if (fin.equals("uei")) fin = "ui";
        if (fin.equals("uen")) fin = "un";
        if (fin.equals("ueng")) fin = "ong";
        String toned = fin + (tone == '0' ? '5' : tone);
        if (!PhonemeInventory.standard().contains(toned)) toned = PhonemeInventory.UNK;
        return initial.isEmpty() ? List.of(toned) : List.of(initial, toned);
    }
}
