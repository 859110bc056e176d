package dev.voxpipe.corpus;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.voxpipe.dsp.PcmAudio;
import dev.voxpipe.dsp.WavIo;
import dev.voxpipe.dsp.decode.AudioDecodeException;
import dev.voxpipe.text.TextFrontend;

/**
 * The real speaker: Allison Smith's Asterisk prompts (Debian {@code asterisk-core-sounds-en-g722}, true 16 kHz
 * G.722) with the transcripts bundled as the classpath resource {@code asterisk-core-sounds-en.txt} (a copy of the
 * project's shared reading material, so that nothing outside the repository is needed).
 *
 * <p>Transcript handling follows {@link TranscriptRules} (shared with the real-speech corpus): {@code [bracketed]}
 * tones and {@code (parenthesised)} annotations are not speech ({@code "at [@]"} keeps "at"), entries that are only
 * tones or {@code silence/N} are skipped, {@code ...} marks where another prompt is spliced in and is dropped (the
 * entry is flagged as a fragment), {@code #} and {@code *} are read "pound" and "star" as the speaker says them;
 * English only: single-letter {@code letters/x} prompts are letter names. Text is normalised with the text frontend
 * (so "dial 500" becomes "dial five hundred").
 *
 * <p>Split: entries are ordered by SHA-256 of their name (stable, independent of file order); complete sentences
 * of 1.5-10 s are taken into the few-shot set until it holds {@code fewShotSeconds}; everything else is held out.
 *
 * <pre>speech-tools/bin/speech-tools real-speaker --out data/real-speaker [--seconds 60]</pre>
 */
public final class RealSpeakerLoader {
    private static final Logger LOG = LoggerFactory.getLogger(RealSpeakerLoader.class);
    public static final Path DEFAULT_SOUNDS = Path.of("/usr/share/asterisk/sounds/en_US_f_Allison");
    /** Classpath resource (this package) with the transcripts, {@code name: text} per line. */
    public static final String BUNDLED_TRANSCRIPTS = "asterisk-core-sounds-en.txt";
    /** G.722 is 64 kbit/s: 8000 bytes per second of 16 kHz audio. */
    static final double G722_BYTES_PER_SECOND = 8000;

    /** One prompt: name (path under the sounds dir, no extension), written and spoken text. */
    public record RealUtterance(String name, String written, String text, boolean fragment, Path file,
                                double estimatedSeconds) {
    }

    /** The deterministic split. */
    public record Split(List<RealUtterance> fewShot, List<RealUtterance> heldOut) {
        public double fewShotSeconds() {
            return fewShot.stream().mapToDouble(RealUtterance::estimatedSeconds).sum();
        }
    }

    private final Path soundsDir;
    private final List<String> transcriptLines;

    public RealSpeakerLoader(Path soundsDir, Path transcripts) throws IOException {
        this(soundsDir, Files.readAllLines(transcripts, StandardCharsets.UTF_8));
    }

    public RealSpeakerLoader(Path soundsDir, List<String> transcriptLines) {
        this.soundsDir = soundsDir;
        this.transcriptLines = List.copyOf(transcriptLines);
    }

    /** The Debian sounds directory with the bundled transcripts. */
    public static RealSpeakerLoader defaults() {
        return new RealSpeakerLoader(DEFAULT_SOUNDS, bundledTranscripts());
    }

    /** The bundled transcript lines. */
    public static List<String> bundledTranscripts() {
        try (InputStream in = RealSpeakerLoader.class.getResourceAsStream(BUNDLED_TRANSCRIPTS)) {
            if (in == null) throw new IllegalStateException("classpath resource " + BUNDLED_TRANSCRIPTS + " is missing");
            return new String(in.readAllBytes(), StandardCharsets.UTF_8).lines().toList();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** True when the Debian package with the speaker's G.722 files is installed. */
    public static boolean soundsInstalled() {
        return Files.isDirectory(DEFAULT_SOUNDS);
    }

    /** Transcript entries that have a G.722 file and contain speech, in transcript order. */
    public List<RealUtterance> utterances() throws IOException {
        TextFrontend fe = TextFrontend.english();
        List<RealUtterance> out = new ArrayList<>();
        for (String line : transcriptLines) {
            TranscriptRules.Entry entry = TranscriptRules.parse(line);
            if (entry == null || TranscriptRules.isSilence(entry.name())) continue;
            String name = entry.name();
            String written = entry.written();
            Path file = soundsDir.resolve(name + ".g722");
            if (!Files.isRegularFile(file)) continue;
            String spokenForm = spokenForm(name, written);
            if (spokenForm == null) continue;
            String text = fe.normalize(spokenForm);
            if (text.isBlank()) continue;
            out.add(new RealUtterance(name, written, text, TranscriptRules.isFragment(written), file,
                    Files.size(file) / G722_BYTES_PER_SECOND));
        }
        return out;
    }

    /** How Allison reads the DTMF keys. */
    static final Map<Character, String> ENGLISH_KEYS = Map.of('#', "pound", '*', "star");

    /** The words the speaker says, before normalisation; null when the entry is not speech (see {@link TranscriptRules}). */
    static String spokenForm(String name, String written) {
        String s = TranscriptRules.spokenForm(written, ENGLISH_KEYS);
        if (s == null) return null;
        if (name.startsWith("letters/") && s.length() == 1 && Character.isLetter(s.charAt(0))) {
            return s.toUpperCase(Locale.ROOT); // a letter name, not the article "a"
        }
        if (name.startsWith("letters/")) s = s.replace('-', ' ');
        return s;
    }

    /** Few-shot set of about {@code fewShotSeconds} of complete sentences; the rest held out. */
    public static Split split(List<RealUtterance> all, double fewShotSeconds) {
        List<RealUtterance> ordered = new ArrayList<>(all);
        ordered.sort(Comparator.comparing(u -> sha256(u.name())));
        List<RealUtterance> fewShot = new ArrayList<>();
        double seconds = 0;
        for (RealUtterance u : ordered) {
            if (seconds >= fewShotSeconds) break;
            boolean sentence = !u.fragment() && u.text().split(" ").length >= 4
                    && u.estimatedSeconds() >= 1.5 && u.estimatedSeconds() <= 10;
            if (sentence) {
                fewShot.add(u);
                seconds += u.estimatedSeconds();
            }
        }
        List<RealUtterance> heldOut = new ArrayList<>();
        for (RealUtterance u : all) if (!fewShot.contains(u)) heldOut.add(u);
        fewShot.sort(Comparator.comparing(RealUtterance::name));
        return new Split(List.copyOf(fewShot), List.copyOf(heldOut));
    }

    /** Decoded audio at {@code rate} (G.722 via ffmpeg at 16 kHz, then resampled). */
    public PcmAudio audio(RealUtterance u, int rate) throws IOException, InterruptedException {
        return decodeG722(u.file(), rate);
    }

    /** A G.722 file (true 16 kHz audio) decoded by ffmpeg and resampled to {@code rate}. */
    static PcmAudio decodeG722(Path file, int rate) throws IOException, InterruptedException {
        Process p = new ProcessBuilder("ffmpeg", "-nostdin", "-loglevel", "error", "-f", "g722", "-i", file.toString(),
                "-ar", "16000", "-ac", "1", "-f", "wav", "-").redirectError(ProcessBuilder.Redirect.DISCARD).start();
        byte[] wav;
        try (InputStream in = p.getInputStream()) {
            wav = in.readAllBytes();
        }
        if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
            p.destroyForcibly();
            throw new IOException("ffmpeg could not decode " + file);
        }
        try {
            return WavIo.read(wav).resampled(rate);
        } catch (AudioDecodeException e) {
            throw new IOException("bad WAV from ffmpeg for " + file, e);
        }
    }

    public static String sha256(String s) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Writes the evaluation protocol's splits ({@link dev.voxpipe.eval.EvaluationProtocol}): {@code <out>/fewshot},
     * {@code validation}, {@code test} and {@code pretrain}, each wav (32 kHz, trimmed, levelled) + metadata.tsv, and
     * {@code <out>/splits.tsv} (name, split, seconds, text) with {@code refused.tsv} (prompts refused for overlap).
     */
    public static void main(String[] args) throws Exception {
        Map<String, String> a = Args.parse(args);
        Path out = Path.of(a.getOrDefault("out", "data/real-speaker"));
        double seconds = Double.parseDouble(a.getOrDefault("seconds", "60"));
        int prompts = Integer.parseInt(a.getOrDefault("prompts", "" + dev.voxpipe.eval.EvaluationProtocol.DEFAULT_PROMPTS));
        if (!a.containsKey("no-apt")) AptPackages.ensure(List.of("ffmpeg", "asterisk-core-sounds-en-g722"));
        RealSpeakerLoader loader = a.containsKey("transcripts")
                ? new RealSpeakerLoader(Path.of(a.getOrDefault("sounds", DEFAULT_SOUNDS.toString())), Path.of(a.get("transcripts")))
                : defaults();
        var splits = dev.voxpipe.eval.EvaluationProtocol.split(loader.utterances(), seconds, prompts);
        List<String> index = new ArrayList<>();
        List<String> parts = a.containsKey("splits") ? List.of(a.get("splits").split(","))
                : List.of("fewshot", "validation", "test", "pretrain");
        for (String part : parts) {
            Path dir = out.resolve(part);
            Files.createDirectories(dir);
            List<String> meta = new ArrayList<>();
            double total = 0;
            for (RealUtterance u : splits.part(part)) {
                String id = u.name().replace('/', '_');
                PcmAudio audio = AudioPrep.prepare(loader.audio(u, 16_000), AudioPrep.CORPUS_RATE);
                WavIo.writeWav16(audio, dir.resolve(id + ".wav"));
                meta.add(id + "\t" + u.text());
                index.add(u.name() + "\t" + part + "\t" + String.format(Locale.ROOT, "%.2f", audio.durationSeconds()) + "\t" + u.text());
                total += audio.durationSeconds();
            }
            Files.write(dir.resolve("metadata.tsv"), meta, StandardCharsets.UTF_8);
            LOG.info("{}: {} utterances, {} s", part, meta.size(), String.format(Locale.ROOT, "%.1f", total));
        }
        Files.write(out.resolve("splits.tsv"), index, StandardCharsets.UTF_8);
        List<String> refused = new ArrayList<>();
        splits.refusedForOverlap().forEach((name, why) -> refused.add(name + "\t" + why));
        Files.write(out.resolve("refused.tsv"), refused, StandardCharsets.UTF_8);
        LOG.info("{} held-out prompts refused for overlapping the few-shot text", refused.size());
    }
}
