package dev.voxpipe.eval;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import dev.voxpipe.dsp.WavIo;

/**
 * Evaluates a directory of synthesised sentences against the target speaker's recordings of the same sentences.
 *
 * <pre>
 * speech-tools/bin/speech-tools evaluate --synth DIR --ref DIR [--text metadata.tsv] [--out report] [--label name]
 *                                        [--wer open|grammar|none] [--no-wer] [--limit N]
 * </pre>
 *
 * Both directories hold {@code <id>.wav}; texts come from {@code --text} or {@code <ref>/metadata.tsv} or
 * {@code <synth>/metadata.tsv} ({@code id \t text}). Writes {@code <out>.json} and {@code <out>.md} and prints
 * the Markdown. {@code --wer open} (default): open-vocabulary WER with its ratio to the reference's own, plus
 * grammar-mode WER; {@code grammar}: grammar mode only; {@code none} (or {@code --no-wer}): no recogniser. WER needs
 * pocketsphinx (skipped with a note when not installed).
 */
public final class EvaluateCommand {
    private EvaluateCommand() {
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> a = dev.voxpipe.corpus.Args.parse(args);
        Path synth = Path.of(require(a, "synth"));
        Path ref = Path.of(require(a, "ref"));
        Path textFile = a.containsKey("text") ? Path.of(a.get("text"))
                : Files.isRegularFile(ref.resolve("metadata.tsv")) ? ref.resolve("metadata.tsv") : synth.resolve("metadata.tsv");
        int limit = Integer.parseInt(a.getOrDefault("limit", "1000000"));
        List<EvaluationHarness.Item> items = new ArrayList<>();
        for (Map.Entry<String, String> e : readMetadata(textFile).entrySet()) {
            if (items.size() >= limit) break;
            Path s = synth.resolve(e.getKey() + ".wav");
            Path r = ref.resolve(e.getKey() + ".wav");
            if (Files.isRegularFile(s) && Files.isRegularFile(r)) {
                items.add(new EvaluationHarness.Item(e.getKey(), WavIo.read(s), WavIo.read(r), e.getValue()));
            }
        }
        if (items.isEmpty()) throw new IllegalArgumentException("no id has a wav in both " + synth + " and " + ref);
        EvaluationHarness.WerMode wer = a.containsKey("no-wer") ? EvaluationHarness.WerMode.NONE
                : EvaluationHarness.WerMode.parse(a.getOrDefault("wer", "open"));
        if (wer != EvaluationHarness.WerMode.NONE && !Pocketsphinx.available()) System.err.println("pocketsphinx not installed: WER skipped");
        EvaluationReport report = EvaluationHarness.defaults().evaluate(a.getOrDefault("label", synth.getFileName() + " vs " + ref.getFileName()), items, wer);
        Path out = Path.of(a.getOrDefault("out", "evaluation"));
        if (out.getParent() != null) Files.createDirectories(out.getParent());
        Files.writeString(Path.of(out + ".json"), report.toJson(), StandardCharsets.UTF_8);
        Files.writeString(Path.of(out + ".md"), report.toMarkdown(), StandardCharsets.UTF_8);
        System.out.println(report.toMarkdown());
    }

    static String require(Map<String, String> a, String key) {
        String v = a.get(key);
        if (v == null) throw new IllegalArgumentException("missing --" + key);
        return v;
    }

    /**
     * The spoken text per id, in file order (header line "id..." tolerated). A corpus's {@code metadata.tsv} is
     * {@code id \t text [\t phonemes]}; its {@code sentences.tsv} is {@code id \t written \t spoken}.
     */
    public static Map<String, String> readMetadata(Path file) throws java.io.IOException {
        int textColumn = file.getFileName().toString().equals("sentences.tsv") ? 2 : 1;
        Map<String, String> out = new LinkedHashMap<>();
        for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
            String[] f = line.split("\t");
            if (f.length <= textColumn || f[0].equals("id")) continue;
            out.put(f[0], f[textColumn]);
        }
        return out;
    }
}
