package dev.voxpipe.eval;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

import dev.voxpipe.corpus.Args;
import dev.voxpipe.dsp.WavIo;

/**
 * The clone report: every condition of every held-out speaker scored against that speaker's own recordings, as one
 * Markdown and one JSON file.
 *
 * <pre>
 * speech-tools/bin/speech-tools clone-report --run DIR --speakers real:en,flite_rms:en,... --out BASE [--title T]
 * </pre>
 * {@code DIR/<speaker>/ref} holds the recordings and {@code DIR/<speaker>/<condition>} the renderings
 * ({@code <id>.wav} + metadata.tsv), as the voice-model's {@code CloneEvaluation} writes them. The language decides
 * the WER mode: open vocabulary (with grammar mode beside it) for {@code en}, none otherwise (the recogniser is
 * English). Writes {@code BASE.md}, {@code BASE.json} and one {@code BASE-<speaker>-<condition>.json} per condition
 * with the per-item figures.
 */
public final class CloneReport {
    /** Conditions in report order, with what each one is. */
    static final Map<String, String> CONDITIONS = new LinkedHashMap<>();

    static {
        CONDITIONS.put("vocoded", "vocoder floor: the recording's own log-mel through Griffin-Lim");
        CONDITIONS.put("hnm", "vocoder floor: the recording's own log-mel and F0 (the feature stage's tracker) through the harmonic-plus-noise vocoder");
        CONDITIONS.put("flite_slt", "baseline: untuned Debian voice (flite slt)");
        CONDITIONS.put("baseline", "baseline: base model, mean pretraining embedding");
        CONDITIONS.put("nearest", "baseline: base model, nearest pretraining speaker");
        CONDITIONS.put("zeroshot", "zero-shot: speaker encoder on the few-shot clips");
        CONDITIONS.put("fewshot", "few-shot: fine-tuned on the few-shot clips");
    }

    private CloneReport() {
    }

    /** @param werRatioInterval the open-WER ratio's 95 % bootstrap interval over the prompts, null without WER */
    public record Row(String speaker, String condition, String description, EvaluationReport.Summary summary,
                      WerRatioInterval.Interval werRatioInterval) {
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> a = Args.parse(args);
        Path run = Path.of(EvaluateCommand.require(a, "run"));
        Path out = Path.of(EvaluateCommand.require(a, "out"));
        if (out.getParent() != null) Files.createDirectories(out.getParent());
        EvaluationHarness harness = EvaluationHarness.defaults();
        List<Row> rows = new ArrayList<>();
        StringBuilder md = new StringBuilder("# ").append(a.getOrDefault("title", "Clone report")).append("\n\n");
        for (String spec : EvaluateCommand.require(a, "speakers").split(",")) {
            String[] p = spec.split(":");
            String speaker = p[0];
            String language = p.length > 1 ? p[1] : "en";
            EvaluationHarness.WerMode mode = language.equals("en") ? EvaluationHarness.WerMode.OPEN : EvaluationHarness.WerMode.NONE;
            Path dir = run.resolve(speaker);
            md.append("## ").append(speaker).append(" (").append(language).append(")\n\n");
            Path summary = dir.resolve("summary.txt");
            if (Files.isRegularFile(summary)) md.append("```\n").append(Files.readString(summary).strip()).append("\n```\n\n");
            md.append(headlineHeader()).append('\n');
            EvaluationReport.Summary first = null;
            StringBuilder contours = new StringBuilder();
            Map<String, String> conditions = new LinkedHashMap<>(CONDITIONS);
            // any other rendering beside ref (a sweep's variants) follows the known conditions
            try (var list = Files.list(dir)) {
                list.filter(Files::isDirectory).map(d -> d.getFileName().toString()).sorted()
                        .filter(n -> !n.equals("ref") && !CONDITIONS.containsKey(n)).forEach(n -> conditions.put(n, "variant"));
            }
            for (var c : conditions.entrySet()) {
                Path synth = dir.resolve(c.getKey());
                if (!Files.isDirectory(synth)) continue;
                EvaluationReport report = harness.evaluate(speaker + " " + c.getKey(), items(synth, dir.resolve("ref")), mode);
                Files.writeString(Path.of(out + "-" + speaker + "-" + c.getKey() + ".json"), report.toJson(), StandardCharsets.UTF_8);
                WerRatioInterval.Interval interval = WerRatioInterval.of(report.items());
                rows.add(new Row(speaker, c.getKey(), c.getValue(), report.summary(), interval));
                if (first == null) {
                    first = report.summary();
                    md.append(referenceRow(first)).append('\n');
                }
                String row = headlineRow(c.getKey(), report.summary(), interval);
                md.append(row).append('\n');
                System.out.println(speaker + " " + row);
                contours.append(contourRow(c.getKey(), report.summary())).append('\n');
            }
            md.append('\n').append(CONTOUR_HEADER).append('\n').append(contours).append('\n');
        }
        md.append("Conditions:\n");
        CONDITIONS.forEach((k, v) -> md.append("- `").append(k).append("`: ").append(v).append('\n'));
        md.append("""

                Columns: MCD (c1-c13, DTW, 16 kHz); F0 RMSE in cents over frames voiced in both; voiced frames = share of \
                the rendering's frames that are voiced, and its ratio to the recordings' share; rate = reference speech \
                seconds / rendered speech seconds; open WER = pocketsphinx en-us language model and dictionary, and its \
                ratio to the recordings' own open WER on the same prompts (the headline intelligibility figure), with its \
                95 % interval from a paired bootstrap over the prompts (`WerRatioInterval`): a bar inside it is neither \
                met nor missed on these prompts; grammar \
                WER = a grammar of the batch's sentences (secondary: even noise can score 0 %). F0 contour: over the same \
                frame pairs as the F0 RMSE, each prompt's log-F0 about its own mean on each side; the correlation of the \
                two (1: the recording's intonation) and the rendering's spread over the recording's (below 1: flatter).
                """);
        Files.writeString(Path.of(out + ".md"), md.toString(), StandardCharsets.UTF_8);
        Files.writeString(Path.of(out + ".json"), new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT)
                .writeValueAsString(rows), StandardCharsets.UTF_8);
        System.out.println(md);
    }

    static List<EvaluationHarness.Item> items(Path synth, Path ref) throws Exception {
        List<EvaluationHarness.Item> items = new ArrayList<>();
        for (Map.Entry<String, String> e : EvaluateCommand.readMetadata(ref.resolve("metadata.tsv")).entrySet()) {
            Path s = synth.resolve(e.getKey() + ".wav");
            Path r = ref.resolve(e.getKey() + ".wav");
            if (!Files.isRegularFile(s)) throw new IllegalStateException(synth + " lacks " + e.getKey() + ".wav");
            items.add(new EvaluationHarness.Item(e.getKey(), WavIo.read(s), WavIo.read(r), e.getValue()));
        }
        if (items.isEmpty()) throw new IllegalArgumentException("no items in " + ref);
        return items;
    }

    static String headlineHeader() {
        return "| condition | items | MCD (dB) | F0 RMSE (cents) | voiced frames | voiced vs recordings | rate | open WER | open WER vs recordings | 95 % interval | grammar WER |\n"
                + "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|";
    }

    static String referenceRow(EvaluationReport.Summary s) {
        return String.format(Locale.ROOT, "| recordings | %d | - | - | %s | 1.00× | 1.00 | %s | %s | - | %s |", s.items(),
                pct(s.referenceVoicedShare()), pct(s.referenceWer()), s.referenceWer() == null ? "-" : "1.00×",
                pct(s.grammarReferenceWer()));
    }

    static String headlineRow(String condition, EvaluationReport.Summary s, WerRatioInterval.Interval interval) {
        String range = interval == null ? "-" : String.format(Locale.ROOT, "%.2f–%.2f×", interval.low(), interval.high());
        return String.format(Locale.ROOT, "| %s | %d | %s | %s | %s | %s | %s | %s | %s | %s | %s |", condition, s.items() - s.failed(),
                EvaluationReport.f(s.mcdDb(), "%.2f"), EvaluationReport.f(s.f0RmseCents(), "%.0f"), pct(s.voicedShare()),
                EvaluationReport.f(s.voicedShareRatio(), "%.2f×"), EvaluationReport.f(s.speakingRateRatio(), "%.2f"),
                pct(s.wer()), EvaluationReport.f(s.werRatio(), "%.2f×"), range, pct(s.grammarWer()));
    }

    /**
     * What the F0 RMSE is made of: how far the rendering's intonation follows the recording's (correlation of the
     * contours, each about its own level) and how wide it is (spread). With the same level, the RMSE is at least the
     * recording's own spread times sqrt(1 - r^2), so an F0 bar implies a correlation.
     */
    static final String CONTOUR_HEADER = "| condition | F0 contour correlation | F0 contour spread vs recordings |\n|---|---:|---:|";

    static String contourRow(String condition, EvaluationReport.Summary s) {
        return String.format(Locale.ROOT, "| %s | %s | %s |", condition, EvaluationReport.f(s.f0ContourCorrelation(), "%.2f"),
                EvaluationReport.f(s.f0ContourSpread(), "%.2f×"));
    }

    static String pct(Double v) {
        return v == null ? "-" : String.format(Locale.ROOT, "%.1f%%", 100 * v);
    }
}
