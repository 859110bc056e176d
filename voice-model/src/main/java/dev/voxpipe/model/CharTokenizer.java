package dev.voxpipe.model;

import java.text.Normalizer;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Turns English text into the model's input ids: lower-case letters, apostrophe, space and
 * punctuation (pauses), with a blank id between every symbol (as VITS does) so that monotonic
 * alignment can give short transitions their own frames. Digits are read out. Graphemes rather
 * than phonemes keep the shipped checkpoint independent of the phoneme inventory's evolution; the
 * id space is fixed here and never reordered (append only).
 */
public final class CharTokenizer {
    public static final int BLANK = 0;
    private static final String SYMBOLS = " abcdefghijklmnopqrstuvwxyz',.?!;:-";
    /** blank + symbols + 4 spare ids kept for append-only growth. */
    public static final int VOCAB_SIZE = 1 + SYMBOLS.length() + 4;
    private static final String[] ONES = {"zero", "one", "two", "three", "four", "five", "six", "seven", "eight",
            "nine", "ten", "eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen",
            "nineteen"};
    private static final String[] TENS = {"", "", "twenty", "thirty", "forty", "fifty", "sixty", "seventy",
            "eighty", "ninety"};

    private CharTokenizer() {
    }

    /** Normalised text actually spoken: lower case, digits read out, unknown characters dropped. */
    public static String normalise(String text) {
        if (text == null) {
            return "";
        }
        String s = Normalizer.normalize(text, Normalizer.Form.NFKD).toLowerCase(Locale.ROOT)
                .replace('\u2019', '\'').replace('\u2018', '\'');
        StringBuilder out = new StringBuilder(s.length() + 16);
        int i = 0;
        while (i < s.length()) {
            char c = s.charAt(i);
            if (c >= '0' && c <= '9') {
                int j = i;
                while (j < s.length() && Character.isDigit(s.charAt(j)) && j - i < 9) {
                    j++;
                }
                out.append(' ').append(number(Long.parseLong(s.substring(i, j)))).append(' ');
                i = j;
                continue;
            }
            if (SYMBOLS.indexOf(c) >= 0) {
                out.append(c);
            } else if (c == '&') {
                out.append(" and ");
            } else if (c == '%') {
                out.append(" percent ");
            } else if (Character.isWhitespace(c) || c == '/' || c == '_' || c == '"' || c == '(' || c == ')') {
                out.append(' ');
            }
            i++;
        }
        return out.toString().replaceAll(" +", " ").strip();
    }

    /** Ids with blanks interleaved: [blank, s1, blank, s2, ..., blank]. Never empty. */
    public static int[] encode(String text) {
        String s = normalise(text);
        if (s.isEmpty()) {
            s = ".";
        }
        int[] ids = new int[2 * s.length() + 1];
        for (int i = 0; i < s.length(); i++) {
            ids[2 * i + 1] = 1 + SYMBOLS.indexOf(s.charAt(i));
        }
        return ids;
    }

    static String number(long n) {
        if (n < 20) {
            return ONES[(int) n];
        }
        if (n < 100) {
            return TENS[(int) (n / 10)] + (n % 10 == 0 ? "" : " " + ONES[(int) (n % 10)]);
        }
        if (n < 1000) {
            return ONES[(int) (n / 100)] + " hundred" + (n % 100 == 0 ? "" : " " + number(n % 100));
        }
        List<String> parts = new ArrayList<>();
        long[] scales = {1_000_000_000L, 1_000_000L, 1000L};
        String[] names = {"billion", "million", "thousand"};
        for (int k = 0; k < scales.length; k++) {
            if (n >= scales[k]) {
                parts.add(number(n / scales[k]) + " " + names[k]);
                n %= scales[k];
            }
        }
        if (n > 0) {
            parts.add(number(n));
        }
        return String.join(" ", parts);
    }
}
