package dev.voxpipe.text;

import static dev.voxpipe.text.EnglishReadingRules.ABBREVIATIONS;
import static dev.voxpipe.text.EnglishReadingRules.MONTHS;
import static dev.voxpipe.text.EnglishReadingRules.MONTH_NAMES;
import static dev.voxpipe.text.EnglishReadingRules.SCALE_WORDS;
import static dev.voxpipe.text.EnglishReadingRules.SPELLED;

import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;

/**
 * How English written forms are read aloud: amounts of money, numbers, times, dates, fractions, addresses,
 * and anything else letter run by letter run. The {@link EnglishReadingRules} decide which applies.
 */
final class SpokenForms {

    /** Letter runs longer than this are nonsense for G2P: they are cut into pieces of this size. */
    static final int MAX_WORD_LETTERS = EnglishNormalizer.MAX_WORD_LETTERS;

    private SpokenForms() {}

    static int currency(Matcher m, String next, List<Token> out) {
        String sign = m.group(1);
        String symbol = m.group(2);
        String whole = m.group(3).replace(",", "");
        String frac = m.group(4);
        String suffix = m.group(5);
        String[] unit = switch (symbol) {
            case "£" -> new String[]{"pound", "pounds", "penny", "pence"};
            case "€" -> new String[]{"euro", "euros", "cent", "cents"};
            case "¥" -> new String[]{"yen", "yen", "sen", "sen"};
            case "₹" -> new String[]{"rupee", "rupees", "paisa", "paise"};
            default -> new String[]{"dollar", "dollars", "cent", "cents"};
        };
        if (!sign.isEmpty()) out.add(Token.word("minus"));
        String scale = null;
        int consumed = 0;
        if (suffix != null) {
            scale = switch (suffix.toLowerCase(Locale.ROOT)) {
                case "k" -> "thousand";
                case "m" -> "million";
                default -> "billion";
            };
        } else if (SCALE_WORDS.contains(next.toLowerCase(Locale.ROOT))) {
            scale = next.toLowerCase(Locale.ROOT);
            consumed = 1; // "$5 million" reads "five million dollars"
        }
        if (scale != null) {
            number("", whole, frac, false, out);
            out.add(Token.word(scale));
            out.add(Token.word(unit[1]));
            return consumed;
        }
        boolean hasWhole = !NumberWords.stripLeadingZeros(whole).equals("0");
        boolean hasCents = frac != null && frac.length() == 2 && !frac.equals("00");
        if (frac != null && frac.length() != 2) {
            number("", whole, frac, false, out);
            out.add(Token.word(unit[1]));
            return 0;
        }
        if (hasWhole || !hasCents) {
            words(NumberWords.cardinal(whole), out);
            out.add(Token.word(NumberWords.stripLeadingZeros(whole).equals("1") ? unit[0] : unit[1]));
        }
        if (hasCents) {
            if (hasWhole) out.add(Token.word("and"));
            words(NumberWords.cardinal(frac), out);
            out.add(Token.word(frac.equals("01") ? unit[2] : unit[3]));
        }
        return 0;
    }

    static int plainNumber(Matcher m, String prev, String next, List<Token> out) {
        String sign = m.group(1);
        String whole = m.group(2);
        String frac = m.group(3);
        String nextLower = next.toLowerCase(Locale.ROOT);
        boolean plainDigits = whole.indexOf(',') < 0 && frac == null && sign.isEmpty();
        if (plainDigits && whole.length() <= 2 && MONTH_NAMES.contains(prev.replace(".", "")) && Integer.parseInt(whole) <= 31) {
            words(NumberWords.ordinal(whole), out); // "March 15" -> March fifteenth
            return 0;
        }
        if (plainDigits && whole.length() <= 2 && MONTH_NAMES.contains(nextLower) && Integer.parseInt(whole) <= 31
                && Integer.parseInt(whole) > 0) {
            words("the " + NumberWords.ordinal(whole) + " of", out); // "15 March" -> the fifteenth of March
            return 0;
        }
        if (plainDigits && whole.length() == 4 && whole.charAt(0) != '0') {
            int y = Integer.parseInt(whole);
            if (y >= 1100 && y <= 2099 && !SCALE_WORDS.contains(nextLower)) {
                words(NumberWords.year(y), out);
                return 0;
            }
        }
        if (plainDigits && whole.length() > 1 && whole.charAt(0) == '0') {
            words(NumberWords.digitByDigit(whole), out); // "007", zip codes
            return 0;
        }
        number(sign, whole, frac, false, out);
        return 0;
    }

    static void rangeEnd(String value, List<Token> out) {
        int dot = value.indexOf('.');
        if (dot < 0 && value.length() == 4 && Integer.parseInt(value) >= 1100 && Integer.parseInt(value) <= 2099) {
            words(NumberWords.year(Integer.parseInt(value)), out); // "1990-2000"
        } else {
            number("", dot < 0 ? value : value.substring(0, dot), dot < 0 ? null : value.substring(dot + 1), false, out);
        }
    }

    static void number(String sign, String whole, String frac, boolean unused, List<Token> out) {
        if (sign != null && !sign.isEmpty() && !sign.equals("+")) out.add(Token.word("minus"));
        if (sign != null && sign.equals("+")) out.add(Token.word("plus"));
        words(NumberWords.cardinal(whole.replace(",", "")), out);
        if (frac != null && !frac.isEmpty()) {
            out.add(Token.word("point"));
            words(NumberWords.digitByDigit(frac), out);
        }
    }

    static void time(String h, String min, String sec, String ampm, List<Token> out) {
        int hour = Integer.parseInt(h);
        int minute = Integer.parseInt(min);
        if (hour > 24 || minute > 59) { // not a time: read as "h to min" like a ratio/score
            words(NumberWords.cardinal(h) + " " + NumberWords.cardinal(min), out);
            return;
        }
        words(NumberWords.cardinal(h), out);
        if (minute == 0) {
            if (ampm == null) words("o'clock", out);
        } else if (minute < 10) {
            words("oh " + NumberWords.cardinal(min), out);
        } else {
            words(NumberWords.cardinal(min), out);
        }
        if (sec != null && Integer.parseInt(sec) > 0) {
            words("and " + NumberWords.cardinal(sec) + (Integer.parseInt(sec) == 1 ? " second" : " seconds"), out);
        }
        if (ampm != null) words(ampm.toLowerCase(Locale.ROOT).startsWith("a") ? "A M" : "P M", out);
    }

    static void date(int month, int day, String year, List<Token> out) {
        if (month >= 1 && month <= 12 && day >= 1 && day <= 31) {
            String name = MONTHS[month - 1];
            words(Character.toUpperCase(name.charAt(0)) + name.substring(1), out);
            words(NumberWords.ordinal(Integer.toString(day)), out);
            out.add(Token.punct(","));
            words(NumberWords.year(Integer.parseInt(year)), out);
        } else {
            words(NumberWords.cardinal(Integer.toString(month)) + " " + NumberWords.cardinal(Integer.toString(day))
                    + " " + NumberWords.year(Integer.parseInt(year)), out);
        }
    }

    static void fraction(String num, String den, List<Token> out) {
        int n = Integer.parseInt(num);
        int d = Integer.parseInt(den);
        if (d == 0) {
            words(NumberWords.cardinal(num) + " slash zero", out);
            return;
        }
        String denWord = switch (d) {
            case 1 -> null;
            case 2 -> n == 1 ? "half" : "halves";
            case 4 -> n == 1 ? "quarter" : "quarters";
            default -> d <= 100 ? NumberWords.ordinal(den) + (n == 1 ? "" : "s") : null;
        };
        if (denWord == null) {
            words(NumberWords.cardinal(num) + " over " + NumberWords.cardinal(den), out);
        } else {
            words((n == 1 ? "one" : NumberWords.cardinal(num)) + " " + denWord, out);
        }
    }

    /** E-mail parts and URLs: dots, slashes and symbols read out; letter runs read as words or spelled. */
    static void readAddress(String s, List<Token> out) {
        StringBuilder run = new StringBuilder();
        for (int k = 0; k <= s.length(); k++) {
            char c = k < s.length() ? s.charAt(k) : ' ';
            if (Character.isLetterOrDigit(c) && c < 0x80) {
                run.append(c);
                continue;
            }
            if (!run.isEmpty()) {
                String r = run.toString();
                if (r.equalsIgnoreCase("www")) words("W W W", out);
                else mixed(r.matches("\\d++") ? r : r.toLowerCase(Locale.ROOT), "", out);
                run.setLength(0);
            }
            String symbol = switch (c) {
                case '.' -> "dot";
                case '/' -> "slash";
                case '-' -> "dash";
                case '_' -> "underscore";
                case '+' -> "plus";
                case ':' -> "colon";
                case '?' -> "question mark";
                case '=' -> "equals";
                case '&' -> "and";
                case '#' -> "hash";
                case '~' -> "tilde";
                case '%' -> "percent";
                default -> null;
            };
            if (symbol != null && k < s.length() - 1) words(symbol, out);
        }
    }

    /** Anything else: split into letter runs, digit runs and symbols. */
    static void mixed(String core, String next, List<Token> out) {
        int k = 0;
        int n = core.length();
        while (k < n) {
            char c = core.charAt(k);
            if (isLatinLetter(c)) {
                int e = k;
                while (e < n && (isLatinLetter(core.charAt(e)) || (core.charAt(e) == '\'' && e + 1 < n && isLatinLetter(core.charAt(e + 1))))) e++;
                String run = core.substring(k, e);
                String unit = k > 0 && Character.isDigit(core.charAt(k - 1)) ? ABBREVIATIONS.get(run.toLowerCase(Locale.ROOT)) : null;
                if (unit != null) words(unit, out); // "5km", "10kg"
                else letters(run, out);
                k = e;
            } else if (c >= '0' && c <= '9') {
                int e = k;
                while (e < n && core.charAt(e) >= '0' && core.charAt(e) <= '9') e++;
                String d = core.substring(k, e);
                words(d.length() > 1 && d.charAt(0) == '0' ? NumberWords.digitByDigit(d) : NumberWords.cardinal(d), out);
                k = e;
            } else {
                String symbol = switch (c) {
                    case '&' -> "and";
                    case '+' -> "plus";
                    case '=' -> "equals";
                    case '@' -> "at";
                    case '%' -> "percent";
                    case '#' -> k + 1 < n && Character.isDigit(core.charAt(k + 1)) ? "number" : "hash";
                    case '*' -> "star";
                    case '/' -> "slash";
                    case '°' -> "degrees";
                    case '×' -> "times";
                    case '~' -> "about";
                    case '<' -> "less than";
                    case '>' -> "greater than";
                    case '§' -> "section";
                    case '$' -> "dollars";
                    case '€' -> "euros";
                    case '£' -> "pounds";
                    case '^' -> "to the power of";
                    default -> null;
                };
                if (symbol != null) words(symbol, out);
                else if (c == '-' || c == '–' || c == '—') {
                    // hyphenated words read as separate words; a dash alone is a pause
                    if (k == 0 || k == n - 1) out.add(Token.punct("-"));
                } else if (c == ',' || c == ';' || c == ':') {
                    out.add(Token.punct(String.valueOf(c)));
                } else if (c == '.' || c == '!' || c == '?') {
                    out.add(Token.punct(String.valueOf(c)));
                }
                k++;
            }
        }
    }

    private static boolean isLatinLetter(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
    }

    static void letters(String w, List<Token> out) {
        if (w.length() > MAX_WORD_LETTERS) {
            for (int k = 0; k < w.length(); k += MAX_WORD_LETTERS) {
                out.add(Token.word(w.substring(k, Math.min(w.length(), k + MAX_WORD_LETTERS)).toLowerCase(Locale.ROOT)));
            }
            return;
        }
        boolean allCaps = w.length() >= 2 && w.chars().allMatch(ch -> ch >= 'A' && ch <= 'Z');
        if (allCaps && (SPELLED.contains(w) || (w.length() <= 5 && !hasVowel(w)))) {
            for (int k = 0; k < w.length(); k++) out.add(Token.word(String.valueOf(w.charAt(k))));
            return;
        }
        out.add(Token.word(w));
    }

    private static boolean hasVowel(String w) {
        for (int k = 0; k < w.length(); k++) if ("AEIOUYaeiouy".indexOf(w.charAt(k)) >= 0) return true;
        return false;
    }

    static void words(String spaced, List<Token> out) {
        for (String w : spaced.split(" ")) if (!w.isEmpty()) out.add(Token.word(w));
    }

    static int romanValue(String r) {
        int total = 0;
        for (int k = 0; k < r.length(); k++) {
            int v = romanDigit(r.charAt(k));
            if (k + 1 < r.length() && v < romanDigit(r.charAt(k + 1))) total -= v;
            else total += v;
        }
        return total;
    }

    private static int romanDigit(char c) {
        return switch (c) {
            case 'I' -> 1;
            case 'V' -> 5;
            case 'X' -> 10;
            case 'L' -> 50;
            case 'C' -> 100;
            case 'D' -> 500;
            default -> 1000;
        };
    }

}
