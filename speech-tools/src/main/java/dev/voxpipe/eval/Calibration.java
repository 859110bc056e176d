package dev.voxpipe.eval;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

import dev.voxpipe.corpus.Args;
import dev.voxpipe.corpus.AudioPrep;
import dev.voxpipe.corpus.Processes;
import dev.voxpipe.corpus.RealSpeakerLoader;
import dev.voxpipe.dsp.PcmAudio;
import dev.voxpipe.dsp.WavIo;

/**
 * Calibrates the harness on the synthetic corpus (and the real speaker when installed).
 *
 * <pre>speech-tools/bin/speech-tools calibrate --corpus data/corpus --out data/calibration [--items 30] [--no-wer]
 *                                          [--no-strict] [--grammar N]</pre>
 *
 * Uses the parallel sentences {@code s00000..} that every corpus speaker rendered:
 * <ul>
 *   <li>same voice re-rendered: each flite voice rendered again 10 % slower ({@code duration_stretch=1.1});</li>
 *   <li>same human voice in two engines: slt in flite / festival HTS / MaryTTS HSMM, kal in flite / festival;</li>
 *   <li>different speakers;</li>
 *   <li>each corpus voice's own WER (pocketsphinx, grammar of the calibration sentences);</li>
 *   <li>the real speaker: WER on her held-out sentences, and flite slt against her as an untrained baseline.</li>
 * </ul>
 * Writes {@code calibration.md} and {@code calibration.json}. Deterministic.
 */
public final class Calibration {
    private static final Logger LOG = LoggerFactory.getLogger(Calibration.class);

    record Pair(String category, String synth, String reference) {
    }

    /** flite's cluster voices; kal16 is a diphone voice that ignores duration_stretch (it would give 0 dB). */
    static final List<String> RERENDERED = List.of("flite_slt", "flite_awb", "flite_rms");
    static final List<Pair> PAIRS = List.of(
            new Pair("same human, two engines", "flite_slt", "festival_slt_hts"),
            new Pair("same human, two engines", "flite_slt", "marytts_slt_hsmm"),
            new Pair("same human, two engines", "festival_slt_hts", "marytts_slt_hsmm"),
            new Pair("same human, two engines", "flite_kal16", "festival_kal_diphone"),
            new Pair("different speakers", "flite_slt", "flite_awb"),
            new Pair("different speakers", "flite_slt", "flite_rms"),
            new Pair("different speakers", "flite_awb", "flite_rms"),
            new Pair("different speakers", "flite_rms", "flite_kal16"),
            new Pair("different speakers", "festival_slt_hts", "festival_ked_diphone"),
            new Pair("different speakers", "marytts_slt_hsmm", "festival_kal_diphone"),
            new Pair("different speakers", "festival_kal_diphone", "festival_ked_diphone"),
            new Pair("different speakers", "espeak_female", "flite_slt"),
            new Pair("different speakers", "espeak_male", "espeak_female"));

    public record Row(String category, String comparison, EvaluationReport.Summary summary) {
    }

    public record WerRow(String voice, int items, double wer, Double wordLoopWer) {
    }

    public record Result(List<Row> mcd, List<WerRow> wer, String note) {
    }

    private Calibration() {
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> a = Args.parse(args);
        Path corpus = Path.of(a.getOrDefault("corpus", "data/corpus"));
        Path out = Path.of(a.getOrDefault("out", "data/calibration"));
        int n = Integer.parseInt(a.getOrDefault("items", "30"));
        int grammar = Integer.parseInt(a.getOrDefault("grammar", Integer.toString(DEFAULT_GRAMMAR)));
        boolean wer = !a.containsKey("no-wer") && Pocketsphinx.available();
        strict = !a.containsKey("no-strict");
        Files.createDirectories(out);
        Result result = run(corpus, out, n, grammar, wer);
        ObjectMapper json = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
        json.writeValue(out.resolve("calibration.json").toFile(), result);
        String md = markdown(result, n);
        Files.writeString(out.resolve("calibration.md"), md, StandardCharsets.UTF_8);
        System.out.println(md);
    }

    /**
     * Extra candidate sentences in the WER grammar besides the evaluated ones (the following sentences of the
     * corpus list as distractors). 0 by default: 300 or 1000 distractors changed no clean voice's WER by more than
     * a word and cost minutes.
     */
    static final int DEFAULT_GRAMMAR = 0;
    /** Also the strict word-loop WER (about 2 minutes per voice on 2 busy cores); off with --no-strict. */
    static boolean strict = true;

    static Result run(Path corpus, Path out, int n, int grammar, boolean wer) throws Exception {
        EvaluationHarness harness = EvaluationHarness.defaults();
        Map<String, String> texts = new LinkedHashMap<>();
        for (Map.Entry<String, String> e : EvaluateCommand.readMetadata(corpus.resolve("flite_slt/metadata.tsv")).entrySet()) {
            if (texts.size() >= n) break;
            texts.put(e.getKey(), e.getValue());
        }
        List<Row> rows = new ArrayList<>();
        Path work = Files.createTempDirectory("voxpipe-calibration");
        for (String voice : RERENDERED) {
            if (!Files.isDirectory(corpus.resolve(voice))) continue;
            String flite = voice.substring("flite_".length());
            List<EvaluationHarness.Item> items = new ArrayList<>();
            for (Map.Entry<String, String> e : texts.entrySet()) {
                Path txt = work.resolve("t.txt");
                Path wav = work.resolve(voice + "_" + e.getKey() + ".wav");
                Files.writeString(txt, e.getValue(), StandardCharsets.UTF_8);
                Processes.run(List.of("flite", "-voice", flite, "--setf", "duration_stretch=1.1", "-f", txt.toString(),
                        "-o", wav.toString()), work, 120);
                PcmAudio rerendered = AudioPrep.prepare(WavIo.read(wav), AudioPrep.CORPUS_RATE);
                items.add(new EvaluationHarness.Item(e.getKey(), rerendered, WavIo.read(corpus.resolve(voice).resolve(e.getKey() + ".wav")), e.getValue()));
            }
            rows.add(new Row("same voice re-rendered", voice + " (10 % slower) vs " + voice, harness.quick(voice, items).summary()));
            LOG.info("re-rendered {}: MCD {}", voice, rows.get(rows.size() - 1).summary().mcdDb());
        }
        for (Pair p : PAIRS) {
            if (!Files.isDirectory(corpus.resolve(p.synth())) || !Files.isDirectory(corpus.resolve(p.reference()))) continue;
            List<EvaluationHarness.Item> items = load(corpus, p.synth(), p.reference(), texts);
            rows.add(new Row(p.category(), p.synth() + " vs " + p.reference(), harness.quick(p.synth(), items).summary()));
            LOG.info("{} vs {}: MCD {}", p.synth(), p.reference(), rows.get(rows.size() - 1).summary().mcdDb());
        }
        List<WerRow> werRows = new ArrayList<>();
        if (wer) {
            Pocketsphinx ps = Pocketsphinx.defaults();
            List<String> candidates = new ArrayList<>(texts.values());
            for (String spoken : EvaluateCommand.readMetadata(corpus.resolve("sentences.tsv")).values()) {
                if (candidates.size() >= grammar) break;
                if (!candidates.contains(spoken)) candidates.add(spoken);
            }
            try (var dirs = Files.list(corpus)) {
                for (Path dir : dirs.filter(Files::isDirectory).sorted().toList()) {
                    List<PcmAudio> audios = new ArrayList<>();
                    List<String> refs = new ArrayList<>();
                    for (Map.Entry<String, String> e : texts.entrySet()) {
                        Path wav = dir.resolve(e.getKey() + ".wav");
                        if (!Files.isRegularFile(wav)) continue;
                        audios.add(WavIo.read(wav));
                        refs.add(e.getValue());
                    }
                    if (audios.isEmpty()) continue;
                    werRows.add(new WerRow(dir.getFileName().toString(), audios.size(),
                            wer(ps.recognize(audios, candidates, work.resolve("wer-" + dir.getFileName())), refs),
                            strict ? wer(ps.recognize(audios, candidates, Pocketsphinx.Grammar.WORD_LOOP,
                                    work.resolve("loop-" + dir.getFileName())), refs) : null));
                    LOG.info("WER {}: {}", dir.getFileName(), werRows.get(werRows.size() - 1).wer());
                }
            }
        }
        String note = realSpeaker(harness, rows, werRows, work, n, wer);
        EvaluationHarness.deleteQuietly(work);
        return new Result(rows, werRows, note);
    }

    /** Real speaker rows when her recordings are installed; returns a note for the report. */
    private static String realSpeaker(EvaluationHarness harness, List<Row> rows, List<WerRow> werRows, Path work,
                                      int n, boolean wer) {
        RealSpeakerLoader loader = RealSpeakerLoader.defaults();
        if (!Files.isDirectory(RealSpeakerLoader.DEFAULT_SOUNDS) || !Processes.onPath("ffmpeg")) {
            return "real speaker not installed (asterisk-core-sounds-en-g722, ffmpeg): rows skipped";
        }
        try {
            RealSpeakerLoader.Split split = RealSpeakerLoader.split(loader.utterances(), 60);
            List<RealSpeakerLoader.RealUtterance> held = split.heldOut().stream()
                    .filter(u -> !u.fragment() && u.text().split(" ").length >= 4 && u.estimatedSeconds() <= 12)
                    .limit(n).toList();
            List<EvaluationHarness.Item> items = new ArrayList<>();
            List<PcmAudio> real = new ArrayList<>();
            for (RealSpeakerLoader.RealUtterance u : held) {
                Path txt = work.resolve("r.txt");
                Path wav = work.resolve("real_" + u.name().replace('/', '_') + ".wav");
                Files.writeString(txt, u.text(), StandardCharsets.UTF_8);
                Processes.run(List.of("flite", "-voice", "slt", "-f", txt.toString(), "-o", wav.toString()), work, 120);
                PcmAudio target = loader.audio(u, 16_000);
                real.add(target);
                items.add(new EvaluationHarness.Item(u.name(), AudioPrep.prepare(WavIo.read(wav), AudioPrep.CORPUS_RATE), target, u.text()));
            }
            rows.add(new Row("baseline vs real speaker", "flite_slt vs real speaker (held-out prompts)",
                    harness.quick("baseline", items).summary()));
            if (wer) {
                List<String> refs = held.stream().map(RealSpeakerLoader.RealUtterance::text).toList();
                werRows.add(new WerRow("real speaker (held-out prompts)", real.size(),
                        wer(Pocketsphinx.defaults().recognize(real, refs, work.resolve("wer-real")), refs),
                        strict ? wer(Pocketsphinx.defaults().recognize(real, refs, Pocketsphinx.Grammar.WORD_LOOP,
                                work.resolve("loop-real")), refs) : null));
            }
            return "real speaker: " + held.size() + " held-out prompts";
        } catch (Exception e) {
            LOG.warn("real speaker rows skipped", e);
            return "real speaker rows skipped: " + e.getMessage();
        }
    }

    static double wer(List<String> hyps, List<String> refs) {
        WordErrorRate.Counts total = WordErrorRate.Counts.ZERO;
        for (int k = 0; k < refs.size(); k++) total = total.plus(WordErrorRate.compute(refs.get(k), hyps.get(k)));
        return total.wer();
    }

    static List<EvaluationHarness.Item> load(Path corpus, String synth, String ref, Map<String, String> texts) throws Exception {
        List<EvaluationHarness.Item> items = new ArrayList<>();
        for (Map.Entry<String, String> e : texts.entrySet()) {
            Path s = corpus.resolve(synth).resolve(e.getKey() + ".wav");
            Path r = corpus.resolve(ref).resolve(e.getKey() + ".wav");
            if (Files.isRegularFile(s) && Files.isRegularFile(r)) {
                items.add(new EvaluationHarness.Item(e.getKey(), WavIo.read(s), WavIo.read(r), e.getValue()));
            }
        }
        return items;
    }

    static String markdown(Result r, int n) throws IOException {
        StringBuilder sb = new StringBuilder("# Evaluation harness calibration\n\n");
        sb.append("Parallel sentences s00000-s").append(String.format(Locale.ROOT, "%05d", n - 1))
                .append(" of the corpus; MCD c1-c13 with DTW at 16 kHz (real-cepstrum convention, see MelCepstrum).\n\n");
        sb.append("| category | comparison | items | MCD (dB) | MCD std | F0 RMSE (Hz) | F0 RMSE (cents) | voicing error | rate ratio |\n");
        sb.append("|---|---|---:|---:|---:|---:|---:|---:|---:|\n");
        for (Row row : r.mcd()) {
            EvaluationReport.Summary s = row.summary();
            sb.append(String.format(Locale.ROOT, "| %s | %s | %d | %s | %s | %s | %s | %s | %s |%n", row.category(),
                    row.comparison(), s.items() - s.failed(), EvaluationReport.f(s.mcdDb(), "%.2f"),
                    EvaluationReport.f(s.mcdStdDb(), "%.2f"), EvaluationReport.f(s.f0RmseHz(), "%.1f"),
                    EvaluationReport.f(s.f0RmseCents(), "%.0f"),
                    EvaluationReport.f(s.voicingError() == null ? null : 100 * s.voicingError(), "%.1f%%"),
                    EvaluationReport.f(s.speakingRateRatio(), "%.2f")));
        }
        if (!r.wer().isEmpty()) {
            sb.append("\n| voice | items | WER (grammar: candidate sentences) | WER (strict: loop over their words) |\n|---|---:|---:|---:|\n");
            for (WerRow w : r.wer()) {
                sb.append(String.format(Locale.ROOT, "| %s | %d | %.1f%% | %s |%n", w.voice(), w.items(), 100 * w.wer(),
                        EvaluationReport.f(w.wordLoopWer() == null ? null : 100 * w.wordLoopWer(), "%.1f%%")));
            }
        }
        sb.append("\n").append(r.note()).append("\n");
        return sb.toString();
    }
}
