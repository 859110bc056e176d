package dev.voxpipe.eval;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import dev.voxpipe.corpus.Args;
import dev.voxpipe.corpus.RealSpeakerLoader;
import dev.voxpipe.corpus.RealCorpusBuilder;
import dev.voxpipe.corpus.RealCorpusBuilder.Recording;

/**
 * How far the real speaker is from herself: every pair of her recordings that say the same words (two takes of
 * "minutes", of "I am sorry, that's not a valid extension...") scored with the harness, take against take. A clone
 * scored against one take cannot be expected to come much closer to it than her other take does, so this is the
 * floor under the MCD and F0 RMSE bars.
 *
 * <pre>speech-tools/bin/speech-tools repeated-takes [--speaker allison|asterisk_fr_ca|asterisk_ru_ru|asterisk_it_it] [--out DIR]</pre>
 */
public final class RepeatedTakes {

    /** Two recordings of the same words. */
    public record Pair(Recording first, Recording second) {
    }

    /**
     * Two files this close are one recording filed under two names (cut or encoded apart: 0.35-0.37 dB, 0 cents
     * here); two takes of hers never came closer than 1.8 dB.
     */
    static final double SAME_RECORDING_MCD_DB = 1.0;
    static final double SAME_RECORDING_CENTS = 10;

    static boolean sameRecording(EvaluationReport.ItemResult r) {
        return r.mcdDb() != null && r.mcdDb() < SAME_RECORDING_MCD_DB
                && (r.f0RmseCents() == null || r.f0RmseCents() < SAME_RECORDING_CENTS);
    }

    private RepeatedTakes() {
    }

    /**
     * Every pair of utterances whose spoken words are the same (the loader's normalised text, so "thank you." and
     * "Thank you" match), in transcript order.
     */
    public static List<Pair> pairs(List<Recording> utterances) {
        Map<String, List<Recording>> byText = new LinkedHashMap<>();
        for (Recording u : utterances) {
            byText.computeIfAbsent(words(u.text()), k -> new ArrayList<>()).add(u);
        }
        List<Pair> pairs = new ArrayList<>();
        for (List<Recording> takes : byText.values()) {
            for (int i = 0; i < takes.size(); i++) {
                for (int j = i + 1; j < takes.size(); j++) pairs.add(new Pair(takes.get(i), takes.get(j)));
            }
        }
        return pairs;
    }

    /** The shared English speaker ({@code allison}, the clone target) or one of the real-speech corpus's speakers. */
    static List<Recording> recordings(String speaker) throws IOException {
        if (!speaker.equals("allison")) return RealCorpusBuilder.asteriskRecordings(speaker);
        RealSpeakerLoader loader = RealSpeakerLoader.defaults();
        List<Recording> out = new ArrayList<>();
        for (RealSpeakerLoader.RealUtterance u : loader.utterances()) {
            out.add(new Recording(u.name(), u.text(), () -> loader.audio(u, 16_000)));
        }
        return out;
    }

    static String words(String text) {
        return String.join(" ", text.toLowerCase(Locale.ROOT).replaceAll("[^\\p{L}\\p{N}' ]", " ").trim().split("\\s+"));
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> a = Args.parse(args);
        String speaker = a.getOrDefault("speaker", "allison");
        Path out = Path.of(a.getOrDefault("out", "data/repeated-takes/" + speaker));
        List<Pair> pairs = pairs(recordings(speaker));
        if (pairs.isEmpty()) throw new IOException("no two recordings of " + speaker + " say the same words");
        EvaluationHarness harness = EvaluationHarness.defaults();
        List<EvaluationHarness.Item> items = new ArrayList<>();
        for (Pair p : pairs) {
            items.add(new EvaluationHarness.Item(p.first().name() + " ~ " + p.second().name(),
                    p.first().audio().load(), p.second().audio().load(), p.first().text()));
        }
        EvaluationReport all = harness.quick("every pair", items);
        List<String> sameRecording = new ArrayList<>();
        List<EvaluationHarness.Item> takes = new ArrayList<>();
        for (int i = 0; i < items.size(); i++) {
            if (sameRecording(all.items().get(i))) sameRecording.add(items.get(i).id());
            else takes.add(items.get(i));
        }
        EvaluationReport distinct = harness.quick("the other take (" + takes.size() + " pairs)", takes);
        List<EvaluationHarness.Item> sentences = takes.stream().filter(t -> t.text().split(" ").length >= 4).toList();
        StringBuilder md = new StringBuilder("# " + speaker + " against themselves: two takes of the same words\n\n")
                .append(EvaluationReport.markdownHeader()).append('\n').append(distinct.markdownRow()).append('\n');
        if (!sentences.isEmpty()) {
            md.append(harness.quick("the other take, sentences of 4+ words (" + sentences.size() + ")", sentences).markdownRow())
                    .append('\n');
        }
        md.append(String.format(Locale.ROOT, "%nF0 contour of the other take against the first (%d pairs; clone report, second table):"
                        + " correlation %s, spread %s%n", takes.size(), EvaluationReport.f(distinct.summary().f0ContourCorrelation(), "%.2f"),
                EvaluationReport.f(distinct.summary().f0ContourSpread(), "%.2f×")));
        md.append("\nThe same recording filed twice (MCD under ").append(SAME_RECORDING_MCD_DB)
                .append(" dB and F0 within ").append(SAME_RECORDING_CENTS).append(" cents; left out above): ")
                .append(sameRecording.isEmpty() ? "none" : String.join(", ", sameRecording)).append("\n\n")
                .append("| takes | words | MCD (dB) | F0 RMSE (cents) | voiced pairs | mean F0 (Hz) |\n|---|---|---:|---:|---:|---|\n");
        for (EvaluationReport.ItemResult r : all.items()) {
            md.append(String.format(Locale.ROOT, "| %s | %s | %s | %s | %d | %s / %s |%n", r.id(), r.text(),
                    EvaluationReport.f(r.mcdDb(), "%.2f"), EvaluationReport.f(r.f0RmseCents(), "%.0f"), r.voicedPairs(),
                    EvaluationReport.f(r.synthF0MeanHz(), "%.0f"), EvaluationReport.f(r.referenceF0MeanHz(), "%.0f")));
        }
        EvaluationReport report = all;
        Files.createDirectories(out);
        Files.writeString(out.resolve("repeated-takes.md"), md);
        Files.writeString(out.resolve("repeated-takes.json"), report.toJson());
        System.out.print(md);
    }
}
