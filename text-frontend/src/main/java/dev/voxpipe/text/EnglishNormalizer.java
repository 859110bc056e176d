package dev.voxpipe.text;

import java.text.Normalizer;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * English text normalisation: turns written text into spoken words and punctuation tokens.
 *
 * <p>Handles cardinals, decimals, negatives, ordinals, years, decades, currency, percentages, times, dates,
 * fractions, ranges, common abbreviations, symbols, URLs, e-mail addresses and acronyms. Scripts other than Latin
 * (emoji, Cyrillic, ...) are dropped; control characters become spaces. Each whitespace token is handled by
 * bounded, backtracking-free patterns, so the whole pass is linear in the input length.
 */
public final class EnglishNormalizer {
    /** Letter runs longer than this are nonsense for G2P: they are cut into pieces of this size. */
    static final int MAX_WORD_LETTERS = 24;

    private static final Map<String, String> ABBREVIATIONS = Map.ofEntries(
            Map.entry("mr.", "Mister"), Map.entry("mrs.", "Missus"), Map.entry("ms.", "Miz"),
            Map.entry("prof.", "Professor"), Map.entry("jr.", "Junior"), Map.entry("sr.", "Senior"),
            Map.entry("mt.", "Mount"), Map.entry("vs.", "versus"), Map.entry("vs", "versus"),
            Map.entry("etc.", "et cetera"), Map.entry("e.g.", "for example"), Map.entry("i.e.", "that is"),
            Map.entry("inc.", "Incorporated"), Map.entry("ltd.", "Limited"), Map.entry("co.", "Company"),
            Map.entry("corp.", "Corporation"), Map.entry("approx.", "approximately"), Map.entry("dept.", "department"),
            Map.entry("ave.", "Avenue"), Map.entry("rd.", "Road"), Map.entry("blvd.", "Boulevard"),
            Map.entry("gen.", "General"), Map.entry("capt.", "Captain"), Map.entry("lt.", "Lieutenant"),
            Map.entry("col.", "Colonel"), Map.entry("sgt.", "Sergeant"), Map.entry("rev.", "Reverend"),
            Map.entry("hon.", "Honorable"), Map.entry("gov.", "Governor"), Map.entry("sen.", "Senator"),
            Map.entry("rep.", "Representative"), Map.entry("fig.", "figure"), Map.entry("vol.", "volume"),
            Map.entry("ch.", "chapter"), Map.entry("pp.", "pages"), Map.entry("p.", "page"),
            Map.entry("a.m.", "A M"), Map.entry("p.m.", "P M"), Map.entry("u.s.", "U S"), Map.entry("u.k.", "U K"),
            Map.entry("jan.", "January"), Map.entry("feb.", "February"), Map.entry("mar.", "March"),
            Map.entry("apr.", "April"), Map.entry("jun.", "June"), Map.entry("jul.", "July"),
            Map.entry("aug.", "August"), Map.entry("sep.", "September"), Map.entry("sept.", "September"),
            Map.entry("oct.", "October"), Map.entry("nov.", "November"), Map.entry("dec.", "December"),
            Map.entry("km", "kilometers"), Map.entry("kg", "kilograms"), Map.entry("mph", "miles per hour"),
            Map.entry("cm", "centimeters"), Map.entry("mm", "millimeters"), Map.entry("lbs", "pounds"),
            Map.entry("lb", "pound"), Map.entry("ft", "feet"), Map.entry("oz", "ounces"), Map.entry("kb", "kilobytes"),
            Map.entry("mb", "megabytes"), Map.entry("gb", "gigabytes"), Map.entry("ok", "okay"),
            Map.entry("pm", "P M"));

    /** Abbreviations whose reading depends on the next word. */
    private static final Set<String> TITLE_OR_PLACE = Set.of("dr.", "st.", "no.");

    private static final String[] MONTHS = {"january", "february", "march", "april", "may", "june", "july",
            "august", "september", "october", "november", "december"};
    private static final Set<String> MONTH_NAMES = Set.of(MONTHS);
    private static final Set<String> SCALE_WORDS = Set.of("thousand", "million", "billion", "trillion");
    private static final Set<String> CHAPTER_WORDS = Set.of("chapter", "part", "book", "volume", "act", "scene",
            "section", "war", "canto");
    /** Short all-capital words that are read letter by letter even if the lexicon knows a lower-case word. */
    private static final Set<String> SPELLED = Set.of("US", "UK", "EU", "UN", "TV", "PC", "ID", "IT", "AI", "HR",
            "PR", "CEO", "FBI", "CIA", "BBC", "CNN", "USA", "DNA", "URL", "API", "CPU", "GPU", "PDF", "HTML", "SQL");

    private static final Pattern NUMBER = Pattern.compile("([+\\-−]?)(\\d{1,3}(?:,\\d{3})++|\\d++)(?:\\.(\\d++))?");
    private static final Pattern CURRENCY = Pattern.compile("([+\\-−]?)([$£€¥₹])(\\d{1,3}(?:,\\d{3})++|\\d++)(?:\\.(\\d++))?([kKmMbB]|bn)?");
    private static final Pattern PERCENT = Pattern.compile("([+\\-−]?)(\\d{1,3}(?:,\\d{3})++|\\d++)(?:\\.(\\d++))?%");
    private static final Pattern TIME = Pattern.compile("(\\d{1,2}):(\\d{2})(?::(\\d{2}))?(am|pm|a\\.m\\.|p\\.m\\.)?", Pattern.CASE_INSENSITIVE);
    private static final Pattern HOUR_AMPM = Pattern.compile("(\\d{1,2})(am|pm|a\\.m\\.|p\\.m\\.)", Pattern.CASE_INSENSITIVE);
    private static final Pattern ISO_DATE = Pattern.compile("(\\d{4})-(\\d{2})-(\\d{2})");
    private static final Pattern SLASH_DATE = Pattern.compile("(\\d{1,2})/(\\d{1,2})/(\\d{4}|\\d{2})");
    private static final Pattern ORDINAL = Pattern.compile("(\\d++)(st|nd|rd|th)", Pattern.CASE_INSENSITIVE);
    private static final Pattern DECADE = Pattern.compile("'?(\\d{2}|\\d{4})'?s");
    private static final Pattern RANGE = Pattern.compile("(\\d++(?:\\.\\d++)?)[-–](\\d++(?:\\.\\d++)?)");
    private static final Pattern PHONE = Pattern.compile("\\+?\\d++(?:-\\d++)++");
    private static final Pattern FRACTION = Pattern.compile("(\\d{1,6})/(\\d{1,6})");
    private static final Pattern EMAIL = Pattern.compile("[\\w.+\\-]++@[\\w\\-]++(?:\\.[\\w\\-]++)++");
    private static final Pattern URL = Pattern.compile("(?:(?:https?|ftp)://|www\\.)\\S++|[\\w\\-]++(?:\\.[\\w\\-]++)*+\\.(?:com|org|net|io|dev|edu|gov|info|co\\.uk|uk|de|fr)(?:/\\S*+)?", Pattern.CASE_INSENSITIVE);
    private static final Pattern ROMAN = Pattern.compile("M{0,3}(CM|CD|D?C{0,3})(XC|XL|L?X{0,3})(IX|IV|V?I{0,3})");
    private static final Pattern INLINE_PUNCT = Pattern.compile("(?<=\\p{L})([,;!?])(?=\\p{L})");

    private static final String LEADING = "\"'([{«“‘¿¡*_";
    private static final String TRAILING = ".,;:!?)]}\"'»”’…*_";

    /** Normalises free text into tokens. Never throws on any string. */
    public List<Token> normalize(String text) {
        List<Token> out = new ArrayList<>();
        if (text == null || text.isEmpty()) return out;
        String cleaned = clean(text);
        String[] raw = cleaned.trim().isEmpty() ? new String[0] : cleaned.trim().split("\\s++");
        for (int i = 0; i < raw.length; i++) {
            i += token(raw, i, out);
        }
        return tidy(out);
    }

    /** Normalised text as a string: words separated by spaces, punctuation attached to the preceding word. */
    public String normalizeToString(String text) {
        return render(normalize(text));
    }

    static String render(List<Token> tokens) {
        StringBuilder sb = new StringBuilder();
        for (Token t : tokens) {
            if (!t.punctuation() && !sb.isEmpty()) sb.append(' ');
            if (t.punctuation() && t.text().equals("-")) sb.append(" -");
            else sb.append(t.text());
        }
        return sb.toString();
    }

    /** Unicode clean-up: compatibility forms, quotes and dashes, control characters, dropped symbols. */
    static String clean(String text) {
        String s = Normalizer.normalize(text, Normalizer.Form.NFKC);
        StringBuilder sb = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); ) {
            int cp = s.codePointAt(i);
            i += Character.charCount(cp);
            if (cp == 0x1B) { // terminal escape sequence: ESC [ params letter
                if (i < s.length() && s.charAt(i) == '[') {
                    i++;
                    while (i < s.length() && (s.charAt(i) < 0x40 || s.charAt(i) > 0x7E)) i++; // parameter bytes up to the final byte
                    if (i < s.length()) i++;
                }
                sb.append(' ');
                continue;
            }
            switch (cp) {
                case '\u2018', '\u2019', '\u02BC' -> sb.append('\'');
                case '\u201C', '\u201D', '\u201E' -> sb.append('"');
                case '\u2014', '\u2013' -> sb.append(" — ");
                case '\u2026' -> sb.append("...");
                default -> {
                    int type = Character.getType(cp);
                    if (Character.isWhitespace(cp) || Character.isISOControl(cp) || type == Character.FORMAT
                            || type == Character.UNASSIGNED || type == Character.PRIVATE_USE || type == Character.SURROGATE) {
                        sb.append(' ');
                    } else if (type == Character.OTHER_SYMBOL || type == Character.MODIFIER_SYMBOL
                            || type == Character.NON_SPACING_MARK || type == Character.ENCLOSING_MARK) {
                        sb.append(' '); // emoji, dingbats, stray combining marks
                    } else if (cp > 0x7F && Character.isLetter(cp)) {
                        sb.append(stripAccents(cp));
                    } else {
                        sb.appendCodePoint(cp);
                    }
                }
            }
        }
        return INLINE_PUNCT.matcher(sb).replaceAll("$1 ");
    }

    private static String stripAccents(int cp) {
        String d = Normalizer.normalize(new String(Character.toChars(cp)), Normalizer.Form.NFD);
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < d.length(); i++) {
            char c = d.charAt(i);
            if (Character.getType(c) != Character.NON_SPACING_MARK) sb.append(c);
        }
        String r = sb.toString();
        if (r.equals("ß")) return "ss";
        if (r.equals("æ") || r.equals("Æ")) return "ae";
        if (r.equals("ø") || r.equals("Ø")) return "o";
        // Letters of other scripts pass through; the word splitter keeps only Latin letters for English.
        return r;
    }

    /** Handles raw[i]; returns how many following raw tokens it consumed as well. */
    private int token(String[] raw, int i, List<Token> out) {
        String tok = raw[i];
        int start = 0;
        int end = tok.length();
        while (start < end && LEADING.indexOf(tok.charAt(start)) >= 0) {
            char c = tok.charAt(start);
            if (c == '(' || c == '[' || c == '{') out.add(Token.punct(","));
            start++;
        }
        // A trailing period that belongs to an abbreviation or to "a.m." stays on the core.
        int coreEnd = end;
        while (coreEnd > start && TRAILING.indexOf(tok.charAt(coreEnd - 1)) >= 0) coreEnd--;
        String core = tok.substring(start, coreEnd);
        String trailing = tok.substring(coreEnd, end);
        if (trailing.startsWith(".") && !core.isEmpty()) {
            String withDot = core + ".";
            String lower = withDot.toLowerCase(Locale.ROOT);
            if (ABBREVIATIONS.containsKey(lower) || TITLE_OR_PLACE.contains(lower) || isInitials(withDot)) {
                core = withDot;
                trailing = trailing.substring(1);
            }
        }
        int consumed = core.isEmpty() ? 0 : core(core, raw, i, out);
        punctuation(trailing, out);
        if (i == raw.length - 1 && core.endsWith(".") && trailing.isEmpty()) out.add(Token.punct(".")); // "... U.S.A."
        return consumed;
    }

    private static boolean isInitials(String s) {
        // "J." or "U.S.A." or "e.g." (letters each followed by a period)
        if (s.length() < 2 || s.length() % 2 != 0) return false;
        for (int k = 0; k < s.length(); k += 2) {
            if (!Character.isLetter(s.charAt(k)) || s.charAt(k + 1) != '.') return false;
        }
        return true;
    }

    private static void punctuation(String trailing, List<Token> out) {
        if (trailing.isEmpty()) return;
        if (trailing.contains("?")) out.add(Token.punct("?"));
        else if (trailing.contains("!")) out.add(Token.punct("!"));
        else if (trailing.contains("...")) out.add(Token.punct("..."));
        else if (trailing.contains(".")) out.add(Token.punct("."));
        else if (trailing.contains(";")) out.add(Token.punct(";"));
        else if (trailing.contains(":")) out.add(Token.punct(":"));
        else if (trailing.contains(",") || trailing.contains(")") || trailing.contains("]") || trailing.contains("}")) out.add(Token.punct(","));
    }

    private int core(String core, String[] raw, int i, List<Token> out) {
        String lower = core.toLowerCase(Locale.ROOT);
        String next = i + 1 < raw.length ? stripPunct(raw[i + 1]) : "";
        String prev = i > 0 ? stripPunct(raw[i - 1]).toLowerCase(Locale.ROOT) : "";
        Matcher m;

        if (core.equals("—") || core.equals("-") || core.equals("--")) {
            out.add(Token.punct("-"));
            return 0;
        }
        if (TITLE_OR_PLACE.contains(lower)) {
            boolean nameFollows = !next.isEmpty() && Character.isUpperCase(next.charAt(0));
            boolean numberFollows = !next.isEmpty() && Character.isDigit(next.charAt(0));
            switch (lower) {
                case "dr." -> words(nameFollows ? "Doctor" : "Drive", out);
                case "st." -> words(nameFollows ? "Saint" : "Street", out);
                default -> words(numberFollows ? "number" : "no", out);
            }
            return 0;
        }
        if (lower.equals("am") && !prev.isEmpty() && Character.isDigit(prev.charAt(prev.length() - 1))) {
            words("A M", out); // "7 am"
            return 0;
        }
        String abbreviation = ABBREVIATIONS.get(lower);
        if (abbreviation != null) {
            words(abbreviation, out);
            return 0;
        }
        if (isInitials(core)) {
            for (int k = 0; k < core.length(); k += 2) out.add(Token.word(String.valueOf(Character.toUpperCase(core.charAt(k)))));
            return 0;
        }
        if ((m = EMAIL.matcher(core)).matches()) {
            int at = core.indexOf('@');
            readAddress(core.substring(0, at), out);
            out.add(Token.word("at"));
            readAddress(core.substring(at + 1), out);
            return 0;
        }
        if ((m = URL.matcher(core)).matches() && !core.matches("[\\d.]++")) {
            String rest = core.replaceFirst("(?i)^(https?|ftp)://", "");
            readAddress(rest, out);
            return 0;
        }
        if ((m = CURRENCY.matcher(core)).matches()) {
            return currency(m, next, out);
        }
        if ((m = PERCENT.matcher(core)).matches()) {
            number(m.group(1), m.group(2), m.group(3), false, out);
            out.add(Token.word("percent"));
            return 0;
        }
        if ((m = TIME.matcher(core)).matches()) {
            time(m.group(1), m.group(2), m.group(3), m.group(4), out);
            return 0;
        }
        if ((m = HOUR_AMPM.matcher(core)).matches()) {
            words(NumberWords.cardinal(m.group(1)), out);
            words(m.group(2).toLowerCase(Locale.ROOT).startsWith("a") ? "A M" : "P M", out);
            return 0;
        }
        if ((m = ISO_DATE.matcher(core)).matches()) {
            date(Integer.parseInt(m.group(2)), Integer.parseInt(m.group(3)), m.group(1), out);
            return 0;
        }
        if ((m = SLASH_DATE.matcher(core)).matches()) {
            String year = m.group(3).length() == 2 ? "20" + m.group(3) : m.group(3);
            date(Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)), year, out);
            return 0;
        }
        if ((m = ORDINAL.matcher(core)).matches()) {
            words(NumberWords.ordinal(m.group(1)), out);
            return 0;
        }
        if ((m = DECADE.matcher(core)).matches()) {
            String d = m.group(1);
            String spoken = d.length() == 4 ? NumberWords.year(Integer.parseInt(d)) : NumberWords.cardinal(d);
            if (d.length() == 2 && d.charAt(0) == '0') spoken = "oh " + NumberWords.cardinal(d.substring(1));
            words(NumberWords.plural(spoken), out);
            return 0;
        }
        if ((m = NUMBER.matcher(core)).matches()) {
            return plainNumber(m, prev, next, out);
        }
        if ((m = RANGE.matcher(core)).matches() && m.group(1).charAt(0) != '0' && m.group(2).charAt(0) != '0') {
            rangeEnd(m.group(1), out);
            out.add(Token.word("to"));
            rangeEnd(m.group(2), out);
            return 0;
        }
        if (PHONE.matcher(core).matches()) {
            String[] groups = core.split("-");
            for (int g = 0; g < groups.length; g++) {
                if (g > 0) out.add(Token.punct(","));
                words(NumberWords.digitByDigit(groups[g]), out);
            }
            return 0;
        }
        if ((m = FRACTION.matcher(core)).matches()) {
            fraction(m.group(1), m.group(2), out);
            return 0;
        }
        if (CHAPTER_WORDS.contains(prev) && ROMAN.matcher(core).matches() && !core.isEmpty()) {
            words(NumberWords.cardinal(Integer.toString(romanValue(core))), out);
            return 0;
        }
        mixed(core, next, out);
        return 0;
    }

    private static String stripPunct(String s) {
        int a = 0;
        int b = s.length();
        while (a < b && LEADING.indexOf(s.charAt(a)) >= 0) a++;
        while (b > a && TRAILING.indexOf(s.charAt(b - 1)) >= 0) b--;
        return s.substring(a, b);
    }

    private int currency(Matcher m, String next, List<Token> out) {
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

    private int plainNumber(Matcher m, String prev, String next, List<Token> out) {
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

    private static void rangeEnd(String value, List<Token> out) {
        int dot = value.indexOf('.');
        if (dot < 0 && value.length() == 4 && Integer.parseInt(value) >= 1100 && Integer.parseInt(value) <= 2099) {
            words(NumberWords.year(Integer.parseInt(value)), out); // "1990-2000"
        } else {
            number("", dot < 0 ? value : value.substring(0, dot), dot < 0 ? null : value.substring(dot + 1), false, out);
        }
    }

    private static void number(String sign, String whole, String frac, boolean unused, List<Token> out) {
        if (sign != null && !sign.isEmpty() && !sign.equals("+")) out.add(Token.word("minus"));
        if (sign != null && sign.equals("+")) out.add(Token.word("plus"));
        words(NumberWords.cardinal(whole.replace(",", "")), out);
        if (frac != null && !frac.isEmpty()) {
            out.add(Token.word("point"));
            words(NumberWords.digitByDigit(frac), out);
        }
    }

    private static void time(String h, String min, String sec, String ampm, List<Token> out) {
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

    private static void date(int month, int day, String year, List<Token> out) {
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

    private static void fraction(String num, String den, List<Token> out) {
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
    private static void readAddress(String s, List<Token> out) {
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
    private static void mixed(String core, String next, List<Token> out) {
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

    private static void letters(String w, List<Token> out) {
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

    private static void words(String spaced, List<Token> out) {
        for (String w : spaced.split(" ")) if (!w.isEmpty()) out.add(Token.word(w));
    }

    private static int romanValue(String r) {
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

    /** Collapses repeated punctuation and drops punctuation before the first word. */
    private static List<Token> tidy(List<Token> tokens) {
        List<Token> out = new ArrayList<>(tokens.size());
        for (Token t : tokens) {
            if (t.punctuation()) {
                if (out.isEmpty()) continue;
                Token last = out.get(out.size() - 1);
                if (last.punctuation()) {
                    // keep the stronger of two adjacent marks (sentence-final beats clause-level)
                    if (strength(t.text()) > strength(last.text())) out.set(out.size() - 1, t);
                    continue;
                }
            }
            out.add(t);
        }
        return out;
    }

    private static int strength(String p) {
        return switch (p) {
            case "?", "!" -> 3;
            case ".", "..." -> 2;
            default -> 1;
        };
    }
}
