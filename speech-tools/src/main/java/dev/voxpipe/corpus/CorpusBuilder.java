package dev.voxpipe.corpus;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

import dev.voxpipe.dsp.PcmAudio;
import dev.voxpipe.dsp.WavIo;
import dev.voxpipe.text.TextFrontend;

/**
 * Builds the multi-speaker synthetic training corpus.
 *
 * <pre>
 * speech-tools/bin/speech-tools corpus --out data/corpus [--minutes 15] [--threads 2] [--speakers flite_slt,...]
 *                                      [--sentences 3000] [--seed 20261121] [--no-apt]
 * </pre>
 *
 * Layout: {@code <out>/<speaker>/<id>.wav} (32 kHz mono 16-bit), {@code <out>/<speaker>/metadata.tsv}
 * ({@code id \t text}, text exactly as spoken: the normalised form), {@code <out>/<speaker>/speaker.json},
 * {@code <out>/sentences.tsv} (id, written text, spoken text), {@code <out>/summary.md} and {@code summary.json}.
 * Sentence {@code sNNNNN} is the same text for every speaker: the first {@link #SHARED} sentences are rendered by
 * every speaker (a parallel set for evaluation), then each speaker continues in its own slice of the list until
 * it has {@code --minutes} of audio. A speaker whose {@code speaker.json} matches the settings is skipped, so a
 * run can be resumed. Deterministic: same settings, same files.
 */
public final class CorpusBuilder {
    private static final Logger LOG = LoggerFactory.getLogger(CorpusBuilder.class);
    /** Sentences every speaker renders (parallel data for calibration and evaluation). */
    public static final int SHARED = 60;
    static final int BATCH = 20;
    static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    public record Settings(Path out, double minutesPerSpeaker, int threads, List<String> speakers, int sentences,
                           long seed, boolean installPackages) {
    }

    /** One sentence of the list: id, written form, spoken (normalised) form. */
    public record Sentence(String id, String written, String spoken) {
    }

    public record SpeakerSummary(String speaker, String engine, String human, String gender, int utterances,
                                 double minutes, int sampleRate, F0Stats f0, String settingsKey, String status) {
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> a = Args.parse(args);
        Settings s = new Settings(Path.of(a.getOrDefault("out", "data/corpus")),
                Double.parseDouble(a.getOrDefault("minutes", "15")), Integer.parseInt(a.getOrDefault("threads", "2")),
                a.containsKey("speakers") ? List.of(a.get("speakers").split(",")) : List.of(),
                Integer.parseInt(a.getOrDefault("sentences", "3000")), Long.parseLong(a.getOrDefault("seed", "20261121")),
                !a.containsKey("no-apt"));
        List<SpeakerSummary> summaries = build(s);
        long ok = summaries.stream().filter(x -> x.status().equals("ok") && x.minutes() >= 10).count();
        LOG.info("corpus done: {} speakers with >= 10 minutes, summary in {}", ok, s.out().resolve("summary.md"));
    }

    /** The sentence list: generated, normalised, empty ones dropped. */
    public static List<Sentence> sentences(int count, long seed) {
        TextFrontend fe = TextFrontend.english();
        List<Sentence> out = new ArrayList<>();
        int k = 0;
        for (String written : SentenceGenerator.generate(count, seed)) {
            String spoken = fe.normalize(written);
            if (!spoken.isBlank()) out.add(new Sentence(String.format(Locale.ROOT, "s%05d", k++), written, spoken));
        }
        return out;
    }

    public static List<SpeakerSummary> build(Settings s) throws Exception {
        Files.createDirectories(s.out());
        List<Sentence> sentences = sentences(s.sentences(), s.seed());
        writeSentences(s.out().resolve("sentences.tsv"), sentences);
        List<TtsVoice> voices = new ArrayList<>();
        List<TtsVoice> all = VoiceCatalogue.all();
        for (TtsVoice v : all) if (s.speakers().isEmpty() || s.speakers().contains(v.id())) voices.add(v);
        Set<String> missing = new LinkedHashSet<>();
        if (s.installPackages()) {
            Set<String> packages = new LinkedHashSet<>();
            voices.forEach(v -> packages.addAll(v.aptPackages()));
            missing.addAll(AptPackages.ensure(packages));
        }
        ExecutorService pool = Executors.newFixedThreadPool(Math.max(1, s.threads()));
        List<Future<SpeakerSummary>> futures = new ArrayList<>();
        for (TtsVoice v : voices) {
            int slot = all.indexOf(v);
            boolean unavailable = v.aptPackages().stream().anyMatch(missing::contains);
            futures.add(pool.submit(() -> unavailable
                    ? new SpeakerSummary(v.id(), v.engine(), v.human(), v.gender(), 0, 0, AudioPrep.CORPUS_RATE, null, "", "missing packages")
                    : buildSpeaker(v, slot, sentences, s)));
        }
        SpeakerJobs.awaitAll(pool, futures);
        List<SpeakerSummary> summaries = readSummaries(s.out());
        writeSummary(s.out(), summaries);
        return summaries;
    }

    static String settingsKey(Settings s) {
        return "minutes=" + s.minutesPerSpeaker() + ";sentences=" + s.sentences() + ";seed=" + s.seed() + ";shared=" + SHARED;
    }

    static SpeakerSummary buildSpeaker(TtsVoice voice, int slot, List<Sentence> sentences, Settings s) throws Exception {
        Path dir = s.out().resolve(voice.id());
        Path done = dir.resolve("speaker.json");
        if (Files.isRegularFile(done)) {
            SpeakerSummary previous = JSON.readValue(done.toFile(), SpeakerSummary.class);
            if (settingsKey(s).equals(previous.settingsKey()) && "ok".equals(previous.status())) {
                LOG.info("{}: already built ({} utterances, {} min)", voice.id(), previous.utterances(), String.format("%.1f", previous.minutes()));
                return previous;
            }
        }
        Files.createDirectories(dir);
        Path work = Files.createTempDirectory("voxpipe-corpus-" + voice.id());
        List<Sentence> order = speakerOrder(slot, sentences);
        double targetSeconds = s.minutesPerSpeaker() * 60;
        double seconds = 0;
        List<String> metadata = new ArrayList<>();
        List<float[]> f0s = new ArrayList<>();
        int next = 0;
        long started = System.nanoTime();
        while (seconds < targetSeconds && next < order.size()) {
            List<Sentence> batch = order.subList(next, Math.min(order.size(), next + BATCH));
            next += batch.size();
            List<String> texts = batch.stream().map(Sentence::spoken).toList();
            List<Path> raw = new ArrayList<>();
            for (Sentence sentence : batch) raw.add(work.resolve(sentence.id() + ".raw.wav"));
            voice.synthesize(texts, raw, work);
            for (int k = 0; k < batch.size(); k++) {
                PcmAudio audio = AudioPrep.prepare(WavIo.read(raw.get(k)), AudioPrep.CORPUS_RATE);
                Files.deleteIfExists(raw.get(k));
                WavIo.writeWav16(audio, dir.resolve(batch.get(k).id() + ".wav"));
                metadata.add(batch.get(k).id() + "\t" + batch.get(k).spoken());
                f0s.add(F0Stats.TRACKER.f0(audio.samples(), audio.sampleRate(), audio.sampleRate() / 100));
                seconds += audio.durationSeconds();
            }
            Files.write(dir.resolve("metadata.tsv"), metadata, StandardCharsets.UTF_8);
            LOG.info("{}: {} utterances, {} / {} min ({} s elapsed)", voice.id(), metadata.size(),
                    String.format("%.1f", seconds / 60), String.format("%.1f", s.minutesPerSpeaker()),
                    (System.nanoTime() - started) / 1_000_000_000L);
        }
        int total = f0s.stream().mapToInt(x -> x.length).sum();
        float[] all = new float[total];
        int pos = 0;
        for (float[] f : f0s) {
            System.arraycopy(f, 0, all, pos, f.length);
            pos += f.length;
        }
        SpeakerSummary summary = new SpeakerSummary(voice.id(), voice.engine(), voice.human(), voice.gender(),
                metadata.size(), seconds / 60, AudioPrep.CORPUS_RATE, F0Stats.of(all), settingsKey(s),
                seconds >= targetSeconds ? "ok" : "short");
        JSON.writeValue(done.toFile(), summary);
        deleteQuietly(work);
        return summary;
    }

    /** Shared sentences first, then this speaker's own slice of the rest (wrapping around). */
    static List<Sentence> speakerOrder(int slot, List<Sentence> sentences) {
        List<Sentence> order = new ArrayList<>(sentences.subList(0, Math.min(SHARED, sentences.size())));
        int rest = sentences.size() - order.size();
        if (rest <= 0) return order;
        int start = (slot * 300) % rest;
        for (int k = 0; k < rest; k++) order.add(sentences.get(SHARED + (start + k) % rest));
        return order;
    }

    static void writeSentences(Path file, List<Sentence> sentences) throws IOException {
        List<String> lines = new ArrayList<>();
        lines.add("id\twritten\tspoken");
        for (Sentence s : sentences) lines.add(s.id() + "\t" + s.written() + "\t" + s.spoken());
        Files.write(file, lines, StandardCharsets.UTF_8);
    }

    static List<SpeakerSummary> readSummaries(Path out) throws IOException {
        List<SpeakerSummary> list = new ArrayList<>();
        try (var dirs = Files.list(out)) {
            for (Path d : dirs.sorted().toList()) {
                Path f = d.resolve("speaker.json");
                if (Files.isRegularFile(f)) list.add(JSON.readValue(f.toFile(), SpeakerSummary.class));
            }
        }
        list.sort(Comparator.comparing(SpeakerSummary::speaker));
        return list;
    }

    static void writeSummary(Path out, List<SpeakerSummary> summaries) throws IOException {
        JSON.writeValue(out.resolve("summary.json").toFile(), summaries);
        StringBuilder md = new StringBuilder("# Synthetic training corpus\n\n32 kHz mono 16-bit; text = spoken (normalised) form.\n\n");
        md.append("| speaker | engine | human | gender | utterances | minutes | F0 mean (Hz) | F0 median | F0 std | F0 p5-p95 | voiced |\n");
        md.append("|---|---|---|---|---:|---:|---:|---:|---:|---|---:|\n");
        double totalMinutes = 0;
        for (SpeakerSummary s : summaries) {
            F0Stats f = s.f0();
            totalMinutes += s.minutes();
            md.append(String.format(Locale.ROOT, "| %s | %s | %s | %s | %d | %.1f | %s | %s | %s | %s | %s |%n",
                    s.speaker(), s.engine(), s.human(), s.gender(), s.utterances(), s.minutes(),
                    f == null ? "-" : String.format(Locale.ROOT, "%.0f", f.meanHz()),
                    f == null ? "-" : String.format(Locale.ROOT, "%.0f", f.medianHz()),
                    f == null ? "-" : String.format(Locale.ROOT, "%.0f", f.stdHz()),
                    f == null ? "-" : String.format(Locale.ROOT, "%.0f-%.0f", f.p5Hz(), f.p95Hz()),
                    f == null ? "-" : String.format(Locale.ROOT, "%.0f%%", 100 * f.voicedFraction())));
        }
        long distinct = summaries.stream().filter(s -> s.minutes() >= 10).count();
        md.append(String.format(Locale.ROOT, "%nTotal: %.1f minutes; %d speakers with at least 10 minutes.%n", totalMinutes, distinct));
        Files.writeString(out.resolve("summary.md"), md, StandardCharsets.UTF_8);
    }

    static void deleteQuietly(Path dir) {
        try (var walk = Files.walk(dir)) {
            walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException ignored) {
            // temp files only
        }
    }
}
