package dev.voxpipe.feature.label;

import dev.voxpipe.dsp.PcmAudio;
import dev.voxpipe.dsp.Resampler;
import dev.voxpipe.dsp.WavIo;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Debian's pocketsphinx 5prealpha ({@code pocketsphinx_batch}, US English acoustic model) run as a child process
 * over a batch of clips: 16 kHz WAVs with 0.3 s of silence on both sides, {@code -dither yes} with a fixed seed
 * (dither is random otherwise), word timings and posteriors read from its CTM output. One process decodes the
 * whole batch, so its start-up (loading the model) is paid once per upload.
 */
public final class Pocketsphinx {
    static final double PADDING_SECONDS = 0.3;
    private static final int RATE = 16_000;

    private final String program;
    private final Path modelDir;

    /**
     * @param program  the {@code pocketsphinx_batch} executable (a name looked up on PATH, or a path)
     * @param modelDir holds {@code en-us/} (acoustic model), {@code en-us.lm.bin} and {@code cmudict-en-us.dict}
     */
    public Pocketsphinx(String program, Path modelDir) {
        this.program = program;
        this.modelDir = modelDir;
    }

    public Path dictionary() {
        return modelDir.resolve("cmudict-en-us.dict");
    }

    public Path generalLanguageModel() {
        return modelDir.resolve("en-us.lm.bin");
    }

    /** Null when the recogniser can run here, else why not (for the upload's reason). */
    public String unavailableReason() {
        if (!executable(program)) {
            return "speech recognition is not installed on the feature worker (" + program
                    + " not found; Debian package pocketsphinx)";
        }
        if (!Files.isDirectory(modelDir.resolve("en-us")) || !Files.isRegularFile(dictionary())) {
            return "the US English speech model is not installed on the feature worker (" + modelDir
                    + "; Debian package pocketsphinx-en-us)";
        }
        return null;
    }

    private static boolean executable(String program) {
        if (program.contains("/")) return Files.isExecutable(Path.of(program));
        String path = System.getenv("PATH");
        if (path == null) return false;
        for (String dir : path.split(File.pathSeparator)) {
            if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, program))) return true;
        }
        return false;
    }

    /**
     * Recognises each clip with the given language model and dictionary; the words heard in each, in order.
     *
     * @param clips samples at {@code sampleRate}
     */
    public List<List<RecognizedWord>> recognize(List<float[]> clips, int sampleRate, Path languageModel, Path dictionary)
            throws LabellingUnavailableException, InterruptedException {
        String why = unavailableReason();
        if (why != null) throw new LabellingUnavailableException(why);
        Path work = null;
        try {
            work = Files.createTempDirectory("voxpipe-asr");
            List<String> ids = new ArrayList<>();
            double seconds = 0;
            for (int k = 0; k < clips.size(); k++) {
                String id = String.format(Locale.ROOT, "c%05d", k);
                ids.add(id);
                float[] x = sampleRate == RATE ? clips.get(k) : Resampler.resample(clips.get(k), sampleRate, RATE, Resampler.Quality.ANALYSIS);
                seconds += x.length / (double) RATE;
                WavIo.writeWav16(new PcmAudio(pad(x), RATE), work.resolve(id + ".wav"));
            }
            Files.write(work.resolve("list.ctl"), ids, StandardCharsets.UTF_8);
            Path ctm = work.resolve("out.ctm");
            List<String> command = List.of(program, "-hmm", modelDir.resolve("en-us").toString(),
                    "-lm", languageModel.toString(), "-dict", dictionary.toString(),
                    "-ctl", work.resolve("list.ctl").toString(), "-cepdir", work.toString(), "-cepext", ".wav",
                    "-adcin", "yes", "-adchdr", "44", "-samprate", String.valueOf(RATE), "-dither", "yes", "-seed", "1",
                    "-hyp", work.resolve("out.hyp").toString(), "-ctm", ctm.toString(),
                    "-logfn", work.resolve("pocketsphinx.log").toString());
            Process p = new ProcessBuilder(command).directory(work.toFile()).redirectErrorStream(true)
                    .redirectOutput(work.resolve("stdout.txt").toFile()).start();
            long timeout = 60 + (long) Math.ceil(3 * seconds); // it runs several times faster than real time
            if (!p.waitFor(timeout, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new LabellingUnavailableException("speech recognition took longer than " + timeout + " s and was stopped");
            }
            if (p.exitValue() != 0 || !Files.isRegularFile(ctm)) {
                throw new LabellingUnavailableException("speech recognition failed (pocketsphinx exit status " + p.exitValue() + ")");
            }
            return parseCtm(Files.readAllLines(ctm, StandardCharsets.UTF_8), ids);
        } catch (IOException e) {
            throw new LabellingUnavailableException("speech recognition could not run: " + e.getMessage(), e);
        } finally {
            if (work != null) deleteQuietly(work);
        }
    }

    /** CTM lines {@code id channel start duration word posterior}; fillers, silences and sentence marks are left out. */
    static List<List<RecognizedWord>> parseCtm(List<String> lines, List<String> ids) {
        Map<String, List<RecognizedWord>> byId = new HashMap<>();
        for (String line : lines) {
            String[] f = line.trim().split("\\s+");
            if (f.length < 5) continue;
            String word = f[4].replaceAll("\\(\\d+\\)$", "");
            if (word.isEmpty() || word.startsWith("<") || word.startsWith("[") || word.startsWith("+")) continue;
            try {
                double start = Double.parseDouble(f[2]) - PADDING_SECONDS;
                double end = start + Double.parseDouble(f[3]);
                double conf = f.length > 5 ? Double.parseDouble(f[5]) : 1.0;
                byId.computeIfAbsent(f[0], k -> new ArrayList<>()).add(new RecognizedWord(word.toLowerCase(Locale.ROOT),
                        Math.max(0, start), Math.max(0, end), Math.max(0, Math.min(1, conf))));
            } catch (NumberFormatException e) {
                // a line that is not a word record
            }
        }
        List<List<RecognizedWord>> out = new ArrayList<>();
        for (String id : ids) {
            List<RecognizedWord> words = byId.getOrDefault(id, new ArrayList<>());
            words.sort(Comparator.comparingDouble(RecognizedWord::start));
            out.add(words);
        }
        return out;
    }

    private static float[] pad(float[] x) {
        int pad = (int) Math.round(PADDING_SECONDS * RATE);
        float[] y = new float[x.length + 2 * pad];
        System.arraycopy(x, 0, y, pad, x.length);
        return y;
    }

    private static void deleteQuietly(Path dir) {
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
        } catch (IOException ignored) {
            // a temporary directory left behind is not worth failing the upload for
        }
    }
}
