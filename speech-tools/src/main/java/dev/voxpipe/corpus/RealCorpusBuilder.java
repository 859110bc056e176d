package dev.voxpipe.corpus;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.text.Normalizer;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.zip.GZIPInputStream;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.fasterxml.jackson.databind.JsonNode;

import dev.voxpipe.dsp.PcmAudio;
import dev.voxpipe.dsp.WavIo;
import dev.voxpipe.dsp.decode.AudioDecodeException;

/**
 * Builds the corpus of real human speech for pretraining: the Asterisk prompt speakers of {@link RealSpeakers}
 * (French, Italian, Russian; true 16 kHz G.722 with transcripts) and one synthetic Mandarin speaker
 * ({@code espeak_cmn}).
 *
 * <pre>
 * speech-tools/bin/speech-tools real-corpus --out data/real-corpus [--no-apt] [--speakers a,b] [--threads 2] [--limit N]
 * </pre>
 *
 * Layout: {@code <out>/<speaker>/<id>.wav} (32 kHz mono 16-bit, conditioned by {@link AudioPrep} like the synthetic
 * corpus), {@code <out>/<speaker>/metadata.tsv} ({@code id \t text \t phonemes}: text in the original language,
 * lower-cased, digits as written; phonemes: espeak-ng IPA), {@code <out>/<speaker>/speaker.json},
 * {@code <out>/summary.md} and {@code summary.json}. {@code --limit N} keeps the first N utterances of each speaker
 * (tests). A speaker whose speaker.json has the same settings key (limit, package versions, espeak-ng version) is
 * kept as it is. Deterministic: same packages and settings, same bytes.
 */
public final class RealCorpusBuilder {
    private static final Logger LOG = LoggerFactory.getLogger(RealCorpusBuilder.class);
    /** Bumped when the output of a speaker changes for the same inputs, so that old speakers are rebuilt. */
    static final int FORMAT_VERSION = 1;
    static final String MANDARIN_ID = "espeak_cmn";
    /**
     * Debian's espeak-ng 1.51 plain {@code -v cmn} reads Latin text as English, including its own Hanzi-to-pinyin
     * transliteration ("你好" comes out as "ni three hao three"); {@code cmn-latn-pinyin} is the same Mandarin voice
     * reading Latin text as pinyin, so it is given the tone-numbered pinyin of the metadata.
     */
    static final String MANDARIN_VOICE = "cmn-latn-pinyin";
    /** Male below this mean F0 (Hz). */
    static final double MALE_BELOW_HZ = 165;

    public record Settings(Path out, List<String> speakers, int threads, int limit, boolean installPackages) {
    }

    public record PackageVersion(String name, String version) {
    }

    /** speaker.json. {@code gender}: from the mean F0; {@code genderLabel}: what the source says (package directory name). */
    public record SpeakerSummary(String speaker, String language, String gender, String genderLabel, boolean human, boolean synthetic,
                                 String voice, String engine, String sourceFormat, int sourceSampleRate,
                                 int sourceBandwidthHz, List<PackageVersion> sourcePackages, String licence,
                                 String copyright, String textNormalisation, boolean digitsExpanded,
                                 String phonemizer, String phonemizerVersion, int utterances, double minutes,
                                 int sampleRate, F0Stats f0, double voicedShare, Map<String, Integer> skipped,
                                 String settingsKey, String status) {
    }

    /** One utterance to write: id, metadata text, the text given to espeak-ng for phonemes, and its audio. */
    record Prompt(String id, String text, String phonemeInput, AudioSource audio) {
    }

    @FunctionalInterface
    public interface AudioSource {
        PcmAudio load() throws IOException, InterruptedException;
    }

    /** What a speaker is, before its audio is measured. */
    record SpeakerInfo(String id, String language, String genderLabel, boolean human, String voice, String engine, String sourceFormat,
                       int sourceSampleRate, List<String> packages, String licence, String copyright,
                       String textNormalisation, String espeakVoice) {
    }

    private RealCorpusBuilder() {
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> a = Args.parse(args);
        Settings s = new Settings(Path.of(a.getOrDefault("out", "data/real-corpus")),
                a.containsKey("speakers") ? List.of(a.get("speakers").split(",")) : List.of(),
                Integer.parseInt(a.getOrDefault("threads", "2")), Integer.parseInt(a.getOrDefault("limit", "0")),
                !a.containsKey("no-apt"));
        long started = System.nanoTime();
        List<SpeakerSummary> summaries = build(s);
        long tenMinutes = summaries.stream().filter(x -> x.human() && x.minutes() >= 10).count();
        LOG.info("real-speech corpus done in {} s: {} human speakers with >= 10 minutes, summary in {}",
                (System.nanoTime() - started) / 1_000_000_000L, tenMinutes, s.out().resolve("summary.md"));
    }

    /** Every speaker id this builder knows, in order. */
    static List<String> speakerIds() {
        List<String> ids = new ArrayList<>();
        RealSpeakers.ASTERISK.forEach(sp -> ids.add(sp.id()));
        ids.add(MANDARIN_ID);
        return ids;
    }

    public static List<SpeakerSummary> build(Settings s) throws Exception {
        for (String id : s.speakers()) {
            if (!speakerIds().contains(id)) throw new IllegalArgumentException("unknown speaker " + id + "; known: " + speakerIds());
        }
        List<String> wanted = s.speakers().isEmpty() ? speakerIds() : speakerIds().stream().filter(s.speakers()::contains).toList();
        Set<String> missing = new LinkedHashSet<>();
        if (s.installPackages()) {
            Set<String> packages = new LinkedHashSet<>(List.of("ffmpeg", "espeak-ng"));
            for (RealSpeakers.AsteriskSpeaker sp : RealSpeakers.ASTERISK) if (wanted.contains(sp.id())) packages.addAll(sp.packages());
            missing.addAll(AptPackages.ensure(packages));
        }
        Files.createDirectories(s.out());
        String espeakVersion = EspeakPhonemes.version();
        ExecutorService pool = Executors.newFixedThreadPool(Math.max(1, Math.min(s.threads(), wanted.size())));
        List<Future<SpeakerSummary>> futures = new ArrayList<>();
        for (String id : wanted) {
            futures.add(pool.submit(() -> {
                if (id.equals(MANDARIN_ID)) return buildMandarin(s, espeakVersion);
                RealSpeakers.AsteriskSpeaker sp = RealSpeakers.ASTERISK.stream().filter(x -> x.id().equals(id)).findFirst().orElseThrow();
                if (sp.packages().stream().anyMatch(missing::contains)) {
                    LOG.warn("{}: packages missing ({}), skipped", id, sp.packages());
                    return null;
                }
                return buildAsterisk(sp, s, espeakVersion);
            }));
        }
        SpeakerJobs.awaitAll(pool, futures);
        List<SpeakerSummary> summaries = readSummaries(s.out());
        writeSummary(s.out(), summaries);
        return summaries;
    }

    // ---- Asterisk speakers ----

    static SpeakerSummary buildAsterisk(RealSpeakers.AsteriskSpeaker sp, Settings s, String espeakVersion) throws Exception {
        Map<String, Integer> skipped = new LinkedHashMap<>();
        List<Prompt> prompts = asteriskPrompts(sp, readTranscript(sp.transcript()), skipped);
        String stanza = RealSpeakers.copyrightStanza(sp.copyrightFile(), sp.copyrightFiles());
        SpeakerInfo info = new SpeakerInfo(sp.id(), sp.language(), sp.genderLabel(), true, sp.person(), null, "G.722 (Debian package)", 16_000,
                sp.packages(), RealSpeakers.licence(stanza),
                stanza == null ? "not found in " + sp.copyrightFile() : stanza + " (" + sp.copyrightFile() + ", Files: " + sp.copyrightFiles() + ")",
                "transcript text as written (TranscriptRules: tones, annotations, splice marks and quotes dropped, "
                        + "# and * in words), NFC, lower-cased; digits not expanded (espeak-ng reads them for the phonemes)",
                sp.espeakVoice());
        return writeSpeaker(info, prompts, skipped, s, espeakVersion);
    }

    /** One recorded prompt of a real speaker: its name, its words as the corpus normalises them, its audio. */
    public record Recording(String name, String text, AudioSource audio) {
    }

    /**
     * Every prompt of one of the corpus's Asterisk speakers ({@code asterisk_fr_ca}, {@code asterisk_ru_ru},
     * {@code asterisk_it_it}) that has speech and an installed file, in transcript order.
     */
    public static List<Recording> asteriskRecordings(String speakerId) throws IOException {
        RealSpeakers.AsteriskSpeaker sp = RealSpeakers.ASTERISK.stream().filter(x -> x.id().equals(speakerId)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("unknown speaker " + speakerId + "; known: "
                        + RealSpeakers.ASTERISK.stream().map(RealSpeakers.AsteriskSpeaker::id).toList()));
        if (!Files.isRegularFile(sp.transcript())) {
            throw new IOException("the transcripts of " + speakerId + " are not installed (Debian package " + sp.transcriptPackage() + ")");
        }
        List<Recording> out = new ArrayList<>();
        for (Prompt prompt : asteriskPrompts(sp, readTranscript(sp.transcript()), new HashMap<>())) {
            out.add(new Recording(prompt.id(), prompt.text(), prompt.audio()));
        }
        return out;
    }

    static List<String> readTranscript(Path gz) throws IOException {
        try (var in = new BufferedReader(new InputStreamReader(new GZIPInputStream(Files.newInputStream(gz)), StandardCharsets.UTF_8))) {
            return in.lines().toList();
        }
    }

    /** Transcript lines to prompts that have speech and a G.722 file, in transcript order, first of duplicate names. */
    static List<Prompt> asteriskPrompts(RealSpeakers.AsteriskSpeaker sp, List<String> transcript, Map<String, Integer> skipped) {
        List<Prompt> prompts = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        for (String line : transcript) {
            TranscriptRules.Entry e = TranscriptRules.parse(line);
            if (e == null) continue;
            if (TranscriptRules.isSilence(e.name())) {
                skipped.merge("silence", 1, Integer::sum);
                continue;
            }
            if (!seen.add(e.name())) {
                skipped.merge("duplicate name", 1, Integer::sum);
                continue;
            }
            String text = normaliseText(TranscriptRules.spokenForm(e.written(), sp.keyWords()), sp.locale());
            if (text == null) {
                skipped.merge("not speech", 1, Integer::sum);
                continue;
            }
            Path file = sp.soundsDir().resolve(e.name() + ".g722");
            if (!Files.isRegularFile(file)) {
                skipped.merge("no audio file", 1, Integer::sum);
                continue;
            }
            prompts.add(new Prompt(e.name().replace('/', '_'), text, text, () -> RealSpeakerLoader.decodeG722(file, 16_000)));
        }
        return prompts;
    }

    /** Minimal normalisation: NFC, typographic apostrophes to ', lower case; null stays null. */
    static String normaliseText(String spoken, Locale locale) {
        if (spoken == null) return null;
        String s = Normalizer.normalize(spoken, Normalizer.Form.NFC).replace('’', '\'').replace('‘', '\'');
        return TranscriptRules.collapseSpaces(s.toLowerCase(locale));
    }

    // ---- Mandarin (synthetic) ----

    static SpeakerSummary buildMandarin(Settings s, String espeakVersion) throws Exception {
        List<String> sentences = MandarinText.sentences();
        List<Prompt> prompts = new ArrayList<>();
        List<String> hanzi = new ArrayList<>();
        for (int k = 0; k < sentences.size(); k++) {
            String id = String.format(Locale.ROOT, "zh%04d", k);
            String pinyin = MandarinText.pinyin(sentences.get(k));
            prompts.add(new Prompt(id, pinyin, pinyin, () -> espeakMandarin(pinyin)));
            hanzi.add(id + "\t" + sentences.get(k));
        }
        if (s.limit() > 0 && hanzi.size() > s.limit()) hanzi = hanzi.subList(0, s.limit());
        SpeakerInfo info = new SpeakerInfo(MANDARIN_ID, "cmn-Hans-CN", "male", false, "espeak-ng Mandarin (" + MANDARIN_VOICE + ")",
                "espeak-ng " + espeakVersion + " -v " + MANDARIN_VOICE + " (tone-numbered pinyin on standard input)",
                "espeak-ng WAV", 22_050, List.of("espeak-ng", "espeak-ng-data"), "GPL-3.0-or-later (espeak-ng, used as a tool); "
                + "sentences: VoxPipe's own", "espeak-ng: Copyright 2005-2014 Jonathan Duddington, 2013-2016 Reece H. Dunn and others; GPL-3+ "
                        + "(/usr/share/doc/espeak-ng/copyright)",
                "tone-numbered pinyin (pinyin4j 2.5.1 first reading, MandarinText.READINGS for polyphones; citation tones, "
                        + "no sandhi), ASCII punctuation; Hanzi in hanzi.tsv", MANDARIN_VOICE);
        Path dir = s.out().resolve(MANDARIN_ID);
        SpeakerSummary summary = writeSpeaker(info, prompts, new LinkedHashMap<>(), s, espeakVersion);
        Files.write(dir.resolve("hanzi.tsv"), hanzi, StandardCharsets.UTF_8);
        return summary;
    }

    static PcmAudio espeakMandarin(String pinyin) throws IOException, InterruptedException {
        Path wav = Files.createTempFile("voxpipe-cmn", ".wav");
        try {
            Processes.run(List.of("espeak-ng", "-v", MANDARIN_VOICE, "-w", wav.toString(), "--stdin"), null, 120, pinyin + "\n");
            return WavIo.read(wav);
        } catch (AudioDecodeException e) {
            throw new IOException("bad WAV from espeak-ng for: " + pinyin, e);
        } finally {
            Files.deleteIfExists(wav);
        }
    }

    // ---- common ----

    static String settingsKey(SpeakerInfo info, Settings s, String espeakVersion) {
        StringBuilder k = new StringBuilder("format=" + FORMAT_VERSION + ";limit=" + s.limit() + ";espeak-ng=" + espeakVersion);
        for (String p : info.packages()) k.append(';').append(p).append('=').append(RealSpeakers.packageVersion(p));
        return k.toString();
    }

    static SpeakerSummary writeSpeaker(SpeakerInfo info, List<Prompt> all, Map<String, Integer> skipped, Settings s,
                                       String espeakVersion) throws Exception {
        Path dir = s.out().resolve(info.id());
        Path done = dir.resolve("speaker.json");
        String key = settingsKey(info, s, espeakVersion);
        if (Files.isRegularFile(done)) {
            JsonNode previous = CorpusBuilder.JSON.readTree(done.toFile());
            if (key.equals(previous.path("settingsKey").asText()) && "ok".equals(previous.path("status").asText())) {
                LOG.info("{}: already built ({} utterances, {} min)", info.id(), previous.path("utterances").asInt(),
                        String.format(Locale.ROOT, "%.1f", previous.path("minutes").asDouble()));
                return CorpusBuilder.JSON.treeToValue(previous, SpeakerSummary.class);
            }
        }
        List<Prompt> prompts = s.limit() > 0 && all.size() > s.limit() ? all.subList(0, s.limit()) : all;
        if (Files.isDirectory(dir)) CorpusBuilder.deleteQuietly(dir); // a partial or outdated build: start clean
        Files.createDirectories(dir);
        EspeakPhonemes phonemizer = new EspeakPhonemes(info.espeakVoice());
        List<String> metadata = new ArrayList<>();
        List<float[]> f0s = new ArrayList<>();
        double seconds = 0;
        long started = System.nanoTime();
        for (Prompt p : prompts) {
            PcmAudio audio = AudioPrep.prepare(p.audio().load(), AudioPrep.CORPUS_RATE);
            WavIo.writeWav16(audio, dir.resolve(p.id() + ".wav"));
            metadata.add(p.id() + "\t" + p.text() + "\t" + phonemizer.ipa(p.phonemeInput()));
            f0s.add(F0Stats.TRACKER.f0(audio.samples(), audio.sampleRate(), audio.sampleRate() / 100));
            seconds += audio.durationSeconds();
            if (metadata.size() % 100 == 0) {
                LOG.info("{}: {} / {} utterances, {} min ({} s elapsed)", info.id(), metadata.size(), prompts.size(),
                        String.format(Locale.ROOT, "%.1f", seconds / 60), (System.nanoTime() - started) / 1_000_000_000L);
            }
        }
        Files.write(dir.resolve("metadata.tsv"), metadata, StandardCharsets.UTF_8);
        F0Stats f0 = F0Stats.of(concat(f0s));
        List<PackageVersion> packages = info.packages().stream().map(p -> new PackageVersion(p, RealSpeakers.packageVersion(p))).toList();
        SpeakerSummary summary = new SpeakerSummary(info.id(), info.language(), f0.meanHz() < MALE_BELOW_HZ ? "male" : "female",
                info.genderLabel(), info.human(), !info.human(), info.voice(), info.engine(), info.sourceFormat(), info.sourceSampleRate(),
                info.sourceSampleRate() / 2, packages, info.licence(), info.copyright(), info.textNormalisation(), false,
                phonemizer.invocation(), espeakVersion, metadata.size(), seconds / 60, AudioPrep.CORPUS_RATE, f0,
                f0.voicedFraction(), skipped, key, "ok");
        CorpusBuilder.JSON.writeValue(done.toFile(), summary);
        LOG.info("{}: {} utterances, {} min, F0 mean {} Hz", info.id(), metadata.size(),
                String.format(Locale.ROOT, "%.1f", seconds / 60), String.format(Locale.ROOT, "%.0f", f0.meanHz()));
        return summary;
    }

    static float[] concat(List<float[]> parts) {
        float[] all = new float[parts.stream().mapToInt(x -> x.length).sum()];
        int pos = 0;
        for (float[] f : parts) {
            System.arraycopy(f, 0, all, pos, f.length);
            pos += f.length;
        }
        return all;
    }

    static List<SpeakerSummary> readSummaries(Path out) throws IOException {
        List<SpeakerSummary> list = new ArrayList<>();
        try (var dirs = Files.list(out)) {
            for (Path d : dirs.sorted().toList()) {
                Path f = d.resolve("speaker.json");
                if (Files.isRegularFile(f)) list.add(CorpusBuilder.JSON.readValue(f.toFile(), SpeakerSummary.class));
            }
        }
        list.sort(Comparator.comparing(SpeakerSummary::speaker));
        return list;
    }

    static void writeSummary(Path out, List<SpeakerSummary> summaries) throws IOException {
        CorpusBuilder.JSON.writeValue(out.resolve("summary.json").toFile(), summaries);
        StringBuilder md = new StringBuilder("# Real-speech corpus\n\n32 kHz mono 16-bit (AudioPrep); metadata.tsv: id, text "
                + "(original language), espeak-ng IPA.\n\n");
        md.append("| speaker | language | gender | human | utterances | minutes | F0 mean (Hz) | F0 median | F0 std | F0 p5-p95 "
                + "| voiced | source rate | source package | licence |\n");
        md.append("|---|---|---|---|---:|---:|---:|---:|---:|---|---:|---:|---|---|\n");
        double humanMinutes = 0;
        for (SpeakerSummary s : summaries) {
            F0Stats f = s.f0();
            if (s.human()) humanMinutes += s.minutes();
            md.append(String.format(Locale.ROOT, "| %s | %s | %s | %s | %d | %.1f | %.0f | %.0f | %.0f | %.0f-%.0f | %.0f%% | %d | %s | %s |%n",
                    s.speaker(), s.language(), s.gender(), s.human() ? "yes" : "synthetic", s.utterances(), s.minutes(),
                    f.meanHz(), f.medianHz(), f.stdHz(), f.p5Hz(), f.p95Hz(), 100 * s.voicedShare(), s.sourceSampleRate(),
                    s.sourcePackages().isEmpty() ? "-" : s.sourcePackages().get(0).name() + " " + s.sourcePackages().get(0).version(),
                    s.licence()));
        }
        long humanTen = summaries.stream().filter(s -> s.human() && s.minutes() >= 10).count();
        long languages = summaries.stream().filter(s -> s.human() && s.minutes() >= 10).map(SpeakerSummary::language).distinct().count();
        md.append(String.format(Locale.ROOT, "%nHuman speech: %.1f minutes; %d human speakers with at least 10 minutes, in %d languages.%n",
                humanMinutes, humanTen, languages));
        for (SpeakerSummary s : summaries) {
            if (s.genderLabel() != null && !s.genderLabel().equals(s.gender())) {
                md.append(String.format(Locale.ROOT, "%n%s: gender from F0 (mean %.0f Hz, male below %.0f Hz) is %s; the source labels the voice %s.%n",
                        s.speaker(), s.f0().meanHz(), MALE_BELOW_HZ, s.gender(), s.genderLabel()));
            }
        }
        md.append("\nNot included:\n\n");
        for (RealSpeakers.Excluded e : RealSpeakers.EXCLUDED) md.append("- ").append(e.what()).append(": ").append(e.reason()).append('\n');
        Files.writeString(out.resolve("summary.md"), md, StandardCharsets.UTF_8);
    }
}
