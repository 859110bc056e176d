package dev.voxpipe.text;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;

/** English number reading: cardinals, ordinals, years, digit strings. Everything here is linear in the digits. */
final class NumberWords {
    private static final String[] ONES = {"zero", "one", "two", "three", "four", "five", "six", "seven", "eight",
            "nine", "ten", "eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen",
            "nineteen"};
    private static final String[] TENS = {"", "", "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty",
            "ninety"};
    private static final String[] SCALES = {"", "thousand", "million", "billion", "trillion", "quadrillion",
            "quintillion", "sextillion", "septillion", "octillion", "nonillion", "decillion"};
    /** Longer integers are read digit by digit (nobody says "a thousand decillion"). */
    static final int MAX_CARDINAL_DIGITS = 3 * SCALES.length;

    private NumberWords() {
    }

    /** Cardinal of a string of ASCII digits (leading zeros ignored); very long strings are read digit by digit. */
    static String cardinal(String digits) {
        String d = stripLeadingZeros(digits);
        if (d.length() > MAX_CARDINAL_DIGITS) return digitByDigit(digits);
        if (d.equals("0")) return "zero";
        List<String> parts = new ArrayList<>();
        int groups = (d.length() + 2) / 3;
        int first = d.length() - (groups - 1) * 3;
        int pos = 0;
        for (int g = groups - 1; g >= 0; g--) {
            int len = g == groups - 1 ? first : 3;
            int value = Integer.parseInt(d.substring(pos, pos + len));
            pos += len;
            if (value == 0) continue;
            parts.add(belowThousand(value));
            if (g > 0) parts.add(SCALES[g]);
        }
        return String.join(" ", parts);
    }

    static String cardinal(long value) {
        if (value < 0) return "minus " + cardinal(Long.toString(-value));
        return cardinal(Long.toString(value));
    }

    private static String belowThousand(int n) {
        StringBuilder sb = new StringBuilder();
        if (n >= 100) {
            sb.append(ONES[n / 100]).append(" hundred");
            n %= 100;
            if (n > 0) sb.append(' ');
        }
        if (n >= 20) {
            sb.append(TENS[n / 10]);
            if (n % 10 > 0) sb.append(' ').append(ONES[n % 10]);
        } else if (n > 0 || sb.isEmpty()) {
            sb.append(ONES[n]);
        }
        return sb.toString();
    }

    static String digitByDigit(String digits) {
        StringBuilder sb = new StringBuilder(digits.length() * 5);
        for (int i = 0; i < digits.length(); i++) {
            char c = digits.charAt(i);
            if (c < '0' || c > '9') continue;
            if (!sb.isEmpty()) sb.append(' ');
            sb.append(ONES[c - '0']);
        }
        return sb.toString();
    }

    /** Ordinal: 1 -> first, 22 -> twenty second, 100 -> one hundredth. */
    static String ordinal(String digits) {
        String card = cardinal(digits);
        int space = card.lastIndexOf(' ');
        String head = space < 0 ? "" : card.substring(0, space + 1);
        String last = card.substring(space + 1);
        return head + ordinalWord(last);
    }

    static String ordinalWord(String w) {
        return switch (w) {
            case "one" -> "first";
            case "two" -> "second";
            case "three" -> "third";
            case "five" -> "fifth";
            case "eight" -> "eighth";
            case "nine" -> "ninth";
            case "twelve" -> "twelfth";
            default -> w.endsWith("y") ? w.substring(0, w.length() - 1) + "ieth" : w + "th";
        };
    }

    /** Year reading: 1984 -> nineteen eighty four, 2000 -> two thousand, 2005 -> two thousand five, 1905 -> nineteen oh five. */
    static String year(int y) {
        if (y < 1000 || y > 9999) return cardinal(y);
        int hi = y / 100;
        int lo = y % 100;
        if (lo == 0) return y % 1000 == 0 ? cardinal(y) : cardinal(hi) + " hundred";
        if (hi % 10 == 0 && lo < 10) return cardinal(y); // 2005, 1007
        return cardinal(hi) + " " + (lo < 10 ? "oh " + ONES[lo] : cardinal(lo));
    }

    /** Plural of a decade/number word: nineteen eighties, sixties, fives. */
    static String plural(String words) {
        if (words.endsWith("y")) return words.substring(0, words.length() - 1) + "ies";
        if (words.endsWith("x")) return words + "es";
        return words + "s";
    }

    static String stripLeadingZeros(String digits) {
        int i = 0;
        while (i < digits.length() - 1 && digits.charAt(i) == '0') i++;
        return digits.substring(i);
    }

    static boolean fitsInt(String digits) {
        String d = stripLeadingZeros(digits);
        return d.length() < 10 || new BigInteger(d).bitLength() < 31;
    }
}
