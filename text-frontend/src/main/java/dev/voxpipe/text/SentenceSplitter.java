package dev.voxpipe.text;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Splits long-form text into paragraphs (blank lines), chapter headings ("Chapter 3", "CHAPTER III: The Storm",
 * "Part Two", "Prologue", "# Title") and sentences. Never splits inside numbers ("3.14") or after titles and
 * initials ("Dr. Smith", "J. R. R. Tolkien"). One left-to-right pass: linear in the input.
 */
final class SentenceSplitter {
    /** A raw sentence with its place in the document. */
    record RawSentence(String text, int paragraphIndex, boolean paragraphStart, int chapterIndex, boolean heading) {
    }

    private static final int MAX_HEADING_CHARS = 120;
    private static final Pattern HEADING = Pattern.compile(
            "(?i)(?:(?:chapter|part|book)\\s++(?:\\d++|[ivxlcdm]++|one|two|three|four|five|six|seven|eight|nine|ten"
                    + "|eleven|twelve|thirteen|fourteen|fifteen|sixteen|seventeen|eighteen|nineteen|twenty"
                    + "|first|second|third|fourth|fifth|last)\\b(?:\\s*+[:.\\-—–]\\s*+.*+|\\s++[\\p{Lu}\"'].*+)?"
                    + "|(?:prologue|epilogue|introduction|preface)\\b(?:\\s*+[:.\\-—–]\\s*+.*+)?"
                    + "|#{1,3}\\s++\\S.*+)");

    /** After these a period never ends a sentence. */
    private static final Set<String> NO_SPLIT = Set.of("mr", "mrs", "ms", "dr", "prof", "st", "mt", "gen", "capt",
            "lt", "col", "sgt", "rev", "hon", "gov", "sen", "rep", "no", "vs", "fig", "vol", "ch", "pp", "approx",
            "dept", "e.g", "i.e", "cf", "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov",
            "dec", "ave", "blvd", "rd", "jr", "sr");

    private SentenceSplitter() {
    }

    static List<RawSentence> split(String text) {
        List<RawSentence> out = new ArrayList<>();
        int paragraph = -1;
        int chapter = 0;
        boolean anyHeading = false;
        StringBuilder para = new StringBuilder();
        int lineStart = 0;
        int n = text.length();
        int[] state = {paragraph, chapter};
        for (int i = 0; i <= n; i++) {
            if (i < n && text.charAt(i) != '\n') continue;
            String line = text.substring(lineStart, i).strip();
            lineStart = i + 1;
            if (line.isEmpty()) {
                flush(para, out, state, false);
                continue;
            }
            if (line.length() <= MAX_HEADING_CHARS && HEADING.matcher(line).matches()) {
                flush(para, out, state, false);
                if (anyHeading || !out.isEmpty()) state[1]++;
                anyHeading = true;
                String heading = line.startsWith("#") ? line.replaceFirst("^#++\\s*+", "") : line;
                para.append(heading);
                flush(para, out, state, true);
                continue;
            }
            if (!para.isEmpty()) para.append(' ');
            para.append(line);
        }
        flush(para, out, state, false);
        return out;
    }

    private static void flush(StringBuilder para, List<RawSentence> out, int[] state, boolean heading) {
        if (para.isEmpty()) return;
        String p = collapseSpaces(para);
        para.setLength(0);
        if (p.isEmpty()) return;
        state[0]++;
        if (heading) {
            out.add(new RawSentence(p, state[0], true, state[1], true));
            return;
        }
        boolean first = true;
        for (String s : sentences(p)) {
            out.add(new RawSentence(s, state[0], first, state[1], false));
            first = false;
        }
    }

    private static String collapseSpaces(CharSequence s) {
        StringBuilder sb = new StringBuilder(s.length());
        boolean space = false;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (Character.isWhitespace(c) || Character.isISOControl(c)) {
                space = !sb.isEmpty();
            } else {
                if (space) sb.append(' ');
                space = false;
                sb.append(c);
            }
        }
        return sb.toString();
    }

    /** Sentences of one paragraph (spaces already collapsed). */
    static List<String> sentences(String p) {
        List<String> out = new ArrayList<>();
        int start = 0;
        int n = p.length();
        int i = 0;
        while (i < n) {
            char c = p.charAt(i);
            boolean cjk = c == '。' || c == '！' || c == '？';
            if (c != '.' && c != '!' && c != '?' && !cjk && c != '…') {
                i++;
                continue;
            }
            int j = i;
            while (j < n && ".!?。！？…\"'”’)]»」』".indexOf(p.charAt(j)) >= 0) j++;
            boolean split;
            if (cjk) {
                split = true;
            } else if (j < n && p.charAt(j) != ' ') {
                split = false; // "3.14", "e.g.x", "example.com"
            } else if (j >= n) {
                split = true;
            } else {
                char next = nextNonSpace(p, j);
                if (Character.isLowerCase(next)) {
                    split = false; // "e.g. the", "... and then"
                } else if (c == '.' && j - i == 1) {
                    String word = wordBefore(p, i);
                    boolean initial = word.length() == 1 && Character.isUpperCase(word.charAt(0));
                    split = !initial && !NO_SPLIT.contains(word.toLowerCase(Locale.ROOT));
                } else {
                    split = true;
                }
            }
            if (split) {
                String s = p.substring(start, j).strip();
                if (!s.isEmpty()) out.add(s);
                start = j;
            }
            i = j;
        }
        String rest = p.substring(start).strip();
        if (!rest.isEmpty()) out.add(rest);
        return out;
    }

    private static char nextNonSpace(String p, int j) {
        while (j < p.length() && p.charAt(j) == ' ') j++;
        return j < p.length() ? p.charAt(j) : ' ';
    }

    private static String wordBefore(String p, int dot) {
        int k = dot;
        while (k > 0 && p.charAt(k - 1) != ' ' && dot - k < 32) k--;
        String w = p.substring(k, dot);
        int a = 0;
        while (a < w.length() && !Character.isLetterOrDigit(w.charAt(a))) a++;
        return w.substring(a);
    }
}
