package dev.voxpipe.corpus;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * IPA phonemes from espeak-ng, the one multilingual phoneme inventory of the corpus.
 *
 * <p>{@code --ipa=3} joins the letters of one phoneme with U+200D (zero-width joiner, e.g. {@code t‍ʃ}), so phonemes
 * can be split without a per-language table; words are separated by spaces. espeak-ng writes one line per clause:
 * the lines are joined with a space. Its language-switch marks ({@code (en)...(fr)} around a foreign word) are
 * removed; the phonemes inside them stay.
 */
final class EspeakPhonemes {
    private static final Pattern LANGUAGE_SWITCH = Pattern.compile("\\([\u200Da-z-]{2,16}\\)");

    private final String voice;

    EspeakPhonemes(String voice) {
        this.voice = voice;
    }

    List<String> command() {
        return List.of("espeak-ng", "-q", "--ipa=3", "-v", voice, "--stdin");
    }

    /** The exact invocation, for speaker.json. */
    String invocation() {
        return String.join(" ", command()) + "  (text on standard input, UTF-8)";
    }

    String ipa(String text) throws IOException, InterruptedException {
        return clean(Processes.run(command(), null, 60, text + "\n"));
    }

    static String clean(String espeakOutput) {
        List<String> clauses = new ArrayList<>();
        for (String line : espeakOutput.split("\n")) {
            String s = LANGUAGE_SWITCH.matcher(line).replaceAll("");
            s = TranscriptRules.collapseSpaces(s);
            if (!s.isEmpty()) clauses.add(s);
        }
        return String.join(" ", clauses);
    }

    /** "eSpeak NG text-to-speech: 1.51  Data at: ..." -> "1.51"; "unknown" when espeak-ng is missing. */
    static String version() {
        try {
            String out = Processes.run(List.of("espeak-ng", "--version"), null, 30);
            var m = Pattern.compile("text-to-speech: (\\S+)").matcher(out);
            return m.find() ? m.group(1) : out.strip();
        } catch (IOException e) {
            return "unknown";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "unknown";
        }
    }
}
