package dev.voxpipe.text;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Mandarin normalisation: Arabic digits to Chinese numerals (100元 → 一百元, 3.5 → 三点五, 50% → 百分之五十,
 * 2024年 → 二零二四年, ¥100 → 一百元, $5 → 五美元), full-width punctuation kept. Linear: one regex pass.
 */
public final class MandarinNormalizer {
    private static final char[] DIGITS = "零一二三四五六七八九".toCharArray();
    private static final String[] SMALL_UNITS = {"", "十", "百", "千"};
    private static final String[] BIG_UNITS = {"", "万", "亿", "万亿"};

    private static final Pattern NUMBER = Pattern.compile(
            "([¥￥$€£])?([-−])?(\\d++)(?:\\.(\\d++))?(%|％)?(年)?");

    public String normalize(String text) {
        if (text == null || text.isEmpty()) return "";
        String cleaned = text.replace('\u3000', ' ');
        Matcher m = NUMBER.matcher(cleaned);
        StringBuilder sb = new StringBuilder(cleaned.length() + 16);
        while (m.find()) {
            m.appendReplacement(sb, Matcher.quoteReplacement(spoken(m)));
        }
        m.appendTail(sb);
        return sb.toString();
    }

    private static String spoken(Matcher m) {
        String currency = m.group(1);
        String minus = m.group(2) != null ? "负" : "";
        String whole = m.group(3);
        String frac = m.group(4);
        boolean percent = m.group(5) != null;
        boolean year = m.group(6) != null;
        if (year && frac == null && currency == null && !percent) {
            return digitByDigit(whole) + "年"; // years are read digit by digit
        }
        String number = minus + (whole.length() > 1 && whole.charAt(0) == '0' && frac == null
                ? digitByDigit(whole) : cardinal(whole));
        if (frac != null) number += "点" + digitByDigit(frac);
        if (percent) number = "百分之" + number;
        if (currency != null) {
            number += switch (currency) {
                case "$" -> "美元";
                case "€" -> "欧元";
                case "£" -> "英镑";
                default -> "元";
            };
        }
        return number + (year ? "年" : "");
    }

    static String digitByDigit(String digits) {
        StringBuilder sb = new StringBuilder(digits.length());
        for (int i = 0; i < digits.length(); i++) sb.append(DIGITS[digits.charAt(i) - '0']);
        return sb.toString();
    }

    /** Chinese cardinal up to 16 digits (below 10^16); longer numbers are read digit by digit. */
    static String cardinal(String digits) {
        String d = NumberWords.stripLeadingZeros(digits);
        if (d.length() > 16) return digitByDigit(digits);
        if (d.equals("0")) return "零";
        StringBuilder sb = new StringBuilder();
        int groups = (d.length() + 3) / 4;
        int first = d.length() - (groups - 1) * 4;
        int pos = 0;
        boolean pendingZero = false;
        for (int g = groups - 1; g >= 0; g--) {
            int len = g == groups - 1 ? first : 4;
            String group = d.substring(pos, pos + len);
            pos += len;
            int value = Integer.parseInt(group);
            if (value == 0) {
                pendingZero = true;
                continue;
            }
            if (!sb.isEmpty() && (pendingZero || value < 1000)) sb.append('零');
            pendingZero = false;
            sb.append(groupReading(value));
            sb.append(BIG_UNITS[g]);
        }
        String s = sb.toString();
        // 10-19 at the very start read 十, 十一 ... not 一十
        if (s.startsWith("一十")) s = s.substring(1);
        return s;
    }

    private static String groupReading(int value) {
        StringBuilder sb = new StringBuilder();
        boolean zero = false;
        for (int unit = 3; unit >= 0; unit--) {
            int p = (int) Math.pow(10, unit);
            int digit = (value / p) % 10;
            if (digit == 0) {
                if (!sb.isEmpty()) zero = true;
                continue;
            }
            if (zero) {
                sb.append('零');
                zero = false;
            }
            sb.append(DIGITS[digit]).append(SMALL_UNITS[unit]);
        }
        return sb.toString();
    }
}
