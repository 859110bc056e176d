package dev.voxpipe.text;

import static dev.voxpipe.text.SpokenForms.currency;
import static dev.voxpipe.text.SpokenForms.date;
import static dev.voxpipe.text.SpokenForms.fraction;
import static dev.voxpipe.text.SpokenForms.number;
import static dev.voxpipe.text.SpokenForms.plainNumber;
import static dev.voxpipe.text.SpokenForms.rangeEnd;
import static dev.voxpipe.text.SpokenForms.readAddress;
import static dev.voxpipe.text.SpokenForms.romanValue;
import static dev.voxpipe.text.SpokenForms.time;
import static dev.voxpipe.text.SpokenForms.words;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * English normalisation as a table: each rule recognises one written form of a token (a title, an e-mail
 * address, an amount of money, a time, a date, ...) and reads it with {@link SpokenForms}. The first rule that
 * applies wins, so the order matters (an ISO date before a range, a number before a phone number); a token no
 * rule claims is read letter run by letter run ({@link SpokenForms#mixed}). Each rule has its own test
 * ({@code EnglishReadingRulesTest}).
 */
final class EnglishReadingRules {

    static final Map<String, String> ABBREVIATIONS = Map.ofEntries(
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
    static final Set<String> TITLE_OR_PLACE = Set.of("dr.", "st.", "no.");

    static final String[] MONTHS = {"january", "february", "march", "april", "may", "june", "july",
            "august", "september", "october", "november", "december"};
    static final Set<String> MONTH_NAMES = Set.of(MONTHS);
    static final Set<String> SCALE_WORDS = Set.of("thousand", "million", "billion", "trillion");
    static final Set<String> CHAPTER_WORDS = Set.of("chapter", "part", "book", "volume", "act", "scene",
            "section", "war", "canto");
    /** Short all-capital words that are read letter by letter even if the lexicon knows a lower-case word. */
    static final Set<String> SPELLED = Set.of("US", "UK", "EU", "UN", "TV", "PC", "ID", "IT", "AI", "HR",
            "PR", "CEO", "FBI", "CIA", "BBC", "CNN", "USA", "DNA", "URL", "API", "CPU", "GPU", "PDF", "HTML", "SQL");

    static final Pattern NUMBER = Pattern.compile("([+\\-−]?)(\\d{1,3}(?:,\\d{3})++|\\d++)(?:\\.(\\d++))?");
    static final Pattern CURRENCY = Pattern.compile("([+\\-−]?)([$£€¥₹])(\\d{1,3}(?:,\\d{3})++|\\d++)(?:\\.(\\d++))?([kKmMbB]|bn)?");
    static final Pattern PERCENT = Pattern.compile("([+\\-−]?)(\\d{1,3}(?:,\\d{3})++|\\d++)(?:\\.(\\d++))?%");
    static final Pattern TIME = Pattern.compile("(\\d{1,2}):(\\d{2})(?::(\\d{2}))?(am|pm|a\\.m\\.|p\\.m\\.)?", Pattern.CASE_INSENSITIVE);
    static final Pattern HOUR_AMPM = Pattern.compile("(\\d{1,2})(am|pm|a\\.m\\.|p\\.m\\.)", Pattern.CASE_INSENSITIVE);
    static final Pattern ISO_DATE = Pattern.compile("(\\d{4})-(\\d{2})-(\\d{2})");
    static final Pattern SLASH_DATE = Pattern.compile("(\\d{1,2})/(\\d{1,2})/(\\d{4}|\\d{2})");
    static final Pattern ORDINAL = Pattern.compile("(\\d++)(st|nd|rd|th)", Pattern.CASE_INSENSITIVE);
    static final Pattern DECADE = Pattern.compile("'?(\\d{2}|\\d{4})'?s");
    static final Pattern RANGE = Pattern.compile("(\\d++(?:\\.\\d++)?)[-–](\\d++(?:\\.\\d++)?)");
    static final Pattern PHONE = Pattern.compile("\\+?\\d++(?:-\\d++)++");
    static final Pattern FRACTION = Pattern.compile("(\\d{1,6})/(\\d{1,6})");
    static final Pattern EMAIL = Pattern.compile("[\\w.+\\-]++@[\\w\\-]++(?:\\.[\\w\\-]++)++");
    static final Pattern URL = Pattern.compile("(?:(?:https?|ftp)://|www\\.)\\S++|[\\w\\-]++(?:\\.[\\w\\-]++)*+\\.(?:com|org|net|io|dev|edu|gov|info|co\\.uk|uk|de|fr)(?:/\\S*+)?", Pattern.CASE_INSENSITIVE);
    static final Pattern ROMAN = Pattern.compile("M{0,3}(CM|CD|D?C{0,3})(XC|XL|L?X{0,3})(IX|IV|V?I{0,3})");


    /** A whitespace token without its surrounding punctuation, with its neighbours (for "Dr. Smith", "$5 million"). */
    record Word(String core, String lower, String prev, String next) {
        /** {@code prev} is lower-cased, {@code next} keeps its case; both without surrounding punctuation. */
        static Word of(String core, String prev, String next) {
            return new Word(core, core.toLowerCase(Locale.ROOT), prev.toLowerCase(Locale.ROOT), next);
        }
    }

    /** Reads a word into tokens and returns how many following raw tokens it consumed, or -1: not this rule's form. */
    @FunctionalInterface
    interface Reading {
        int read(Word word, List<Token> out);
    }

    @FunctionalInterface
    interface MatchReading {
        int read(Matcher match, Word word, List<Token> out);
    }

    /** One written form and how it is read. */
    record Rule(String name, Reading reading) {}

    /** A rule for a form that one pattern recognises (the whole core must match). */
    private static Rule matching(String name, Pattern pattern, MatchReading reading) {
        return new Rule(name, (word, out) -> {
            Matcher m = pattern.matcher(word.core());
            return m.matches() ? reading.read(m, word, out) : -1;
        });
    }

    private static Rule reading(String name, Reading reading) {
        return new Rule(name, reading);
    }

    /** The rules, in the order they are tried. */
    static final List<Rule> TABLE = List.of(
            reading("dash", (w, out) -> {
                if (!w.core().equals("—") && !w.core().equals("-") && !w.core().equals("--")) return -1;
                out.add(Token.punct("-"));
                return 0;
            }),
            reading("title-or-place", (w, out) -> {
                if (!TITLE_OR_PLACE.contains(w.lower())) return -1;
                String next = w.next();
                boolean nameFollows = !next.isEmpty() && Character.isUpperCase(next.charAt(0));
                boolean numberFollows = !next.isEmpty() && Character.isDigit(next.charAt(0));
                switch (w.lower()) {
                    case "dr." -> words(nameFollows ? "Doctor" : "Drive", out);
                    case "st." -> words(nameFollows ? "Saint" : "Street", out);
                    default -> words(numberFollows ? "number" : "no", out);
                }
                return 0;
            }),
            reading("am-after-a-number", (w, out) -> {
                String prev = w.prev();
                if (!w.lower().equals("am") || prev.isEmpty() || !Character.isDigit(prev.charAt(prev.length() - 1))) return -1;
                words("A M", out); // "7 am"
                return 0;
            }),
            reading("abbreviation", (w, out) -> {
                String abbreviation = ABBREVIATIONS.get(w.lower());
                if (abbreviation == null) return -1;
                words(abbreviation, out);
                return 0;
            }),
            reading("initials", (w, out) -> {
                if (!isInitials(w.core())) return -1;
                for (int k = 0; k < w.core().length(); k += 2) out.add(Token.word(String.valueOf(Character.toUpperCase(w.core().charAt(k)))));
                return 0;
            }),
            matching("email", EMAIL, (m, w, out) -> {
                int at = w.core().indexOf('@');
                readAddress(w.core().substring(0, at), out);
                out.add(Token.word("at"));
                readAddress(w.core().substring(at + 1), out);
                return 0;
            }),
            matching("url", URL, (m, w, out) -> {
                if (w.core().matches("[\\d.]++")) return -1; // "1.5" is a number, not a host
                readAddress(w.core().replaceFirst("(?i)^(https?|ftp)://", ""), out);
                return 0;
            }),
            matching("currency", CURRENCY, (m, w, out) -> currency(m, w.next(), out)),
            matching("percent", PERCENT, (m, w, out) -> {
                number(m.group(1), m.group(2), m.group(3), false, out);
                out.add(Token.word("percent"));
                return 0;
            }),
            matching("time", TIME, (m, w, out) -> {
                time(m.group(1), m.group(2), m.group(3), m.group(4), out);
                return 0;
            }),
            matching("hour-am-pm", HOUR_AMPM, (m, w, out) -> {
                words(NumberWords.cardinal(m.group(1)), out);
                words(m.group(2).toLowerCase(Locale.ROOT).startsWith("a") ? "A M" : "P M", out);
                return 0;
            }),
            matching("iso-date", ISO_DATE, (m, w, out) -> {
                date(Integer.parseInt(m.group(2)), Integer.parseInt(m.group(3)), m.group(1), out);
                return 0;
            }),
            matching("slash-date", SLASH_DATE, (m, w, out) -> {
                String year = m.group(3).length() == 2 ? "20" + m.group(3) : m.group(3);
                date(Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)), year, out);
                return 0;
            }),
            matching("ordinal", ORDINAL, (m, w, out) -> {
                words(NumberWords.ordinal(m.group(1)), out);
                return 0;
            }),
            matching("decade", DECADE, (m, w, out) -> {
                String d = m.group(1);
                String spoken = d.length() == 4 ? NumberWords.year(Integer.parseInt(d)) : NumberWords.cardinal(d);
                if (d.length() == 2 && d.charAt(0) == '0') spoken = "oh " + NumberWords.cardinal(d.substring(1));
                words(NumberWords.plural(spoken), out);
                return 0;
            }),
            matching("number", NUMBER, (m, w, out) -> plainNumber(m, w.prev(), w.next(), out)),
            matching("range", RANGE, (m, w, out) -> {
                if (m.group(1).charAt(0) == '0' || m.group(2).charAt(0) == '0') return -1; // "0-1" is a score, "07-12" a code
                rangeEnd(m.group(1), out);
                out.add(Token.word("to"));
                rangeEnd(m.group(2), out);
                return 0;
            }),
            matching("phone", PHONE, (m, w, out) -> {
                String[] groups = w.core().split("-");
                for (int g = 0; g < groups.length; g++) {
                    if (g > 0) out.add(Token.punct(","));
                    words(NumberWords.digitByDigit(groups[g]), out);
                }
                return 0;
            }),
            matching("fraction", FRACTION, (m, w, out) -> {
                fraction(m.group(1), m.group(2), out);
                return 0;
            }),
            reading("roman-after-chapter", (w, out) -> {
                if (!CHAPTER_WORDS.contains(w.prev()) || w.core().isEmpty() || !ROMAN.matcher(w.core()).matches()) return -1;
                words(NumberWords.cardinal(Integer.toString(romanValue(w.core()))), out);
                return 0;
            }));

    private EnglishReadingRules() {}

    /** Reads a word with the first rule that applies, or letter run by letter run; returns the raw tokens consumed after it. */
    static int read(Word word, List<Token> out) {
        for (Rule rule : TABLE) {
            int consumed = rule.reading().read(word, out);
            if (consumed >= 0) return consumed;
        }
        SpokenForms.mixed(word.core(), word.next(), out);
        return 0;
    }

    /** The name of the rule that reads the word ("mixed" when none does); for tests. */
    static String ruleFor(Word word) {
        for (Rule rule : TABLE) {
            if (rule.reading().read(word, new ArrayList<>()) >= 0) return rule.name();
        }
        return "mixed";
    }

    static boolean isInitials(String s) {
        // "J." or "U.S.A." or "e.g." (letters each followed by a period)
        if (s.length() < 2 || s.length() % 2 != 0) return false;
        for (int k = 0; k < s.length(); k += 2) {
            if (!Character.isLetter(s.charAt(k)) || s.charAt(k + 1) != '.') return false;
        }
        return true;
    }
}
