package dev.voxpipe.model.train;

import dev.voxpipe.model.CharTokenizer;
import dev.voxpipe.model.ModelConfig;
import dev.voxpipe.model.PhonemeTokenizer;
import dev.voxpipe.model.Spectral;

import javax.sound.sampled.AudioFormat;
import javax.sound.sampled.AudioInputStream;
import javax.sound.sampled.AudioSystem;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

/**
 * A multi-speaker corpus in the layout speech-tools writes: {@code <root>/<speaker>/<id>.wav}
 * (32 kHz mono) plus {@code metadata.tsv} lines {@code id<TAB>text} (the real-speech corpus adds a third column,
 * espeak-ng IPA, and a {@code speaker.json} with the language). Loaded as log-mels.
 *
 * <p>Token ids follow the model's input: graphemes ({@link CharTokenizer}), or phonemes ({@link PhonemeTokenizer}):
 * the text frontend's for English and Mandarin (text or tone-numbered pinyin), the IPA column for other languages.
 */
public final class Corpus {
    /**
     * One utterance: speaker, id, transcript, token ids, log-mel [frames][100] and F0 per frame (Hz, 0 unvoiced;
     * the feature stage's tracker, one value per mel frame).
     */
    public record Utterance(String speaker, String id, String text, int[] tokens, float[][] logMel, float[] f0) {
        public Utterance(String speaker, String id, String text, int[] tokens, float[][] logMel) {
            this(speaker, id, text, tokens, logMel, null);
        }
    }

    /** The feature stage's pitch tracker: training, fine-tuning and copy synthesis read the same F0. */
    private static final dev.voxpipe.dsp.PitchTracker TRACKER = dev.voxpipe.dsp.PitchTracker.defaults();

    private Corpus() {
    }

    public static List<String> speakers(Path root) throws IOException {
        try (Stream<Path> s = Files.list(root)) {
            return s.filter(p -> Files.isRegularFile(p.resolve("metadata.tsv")))
                    .map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    /** Loads every speaker not excluded; skips ids without audio and utterances too short or too long. */
    public static List<Utterance> load(Path root, Set<String> exclude, int maxFrames, int perSpeakerLimit)
            throws IOException {
        return load(List.of(root), exclude, maxFrames, perSpeakerLimit, null, ModelConfig.Input.CHARACTERS);
    }

    /** As {@link #load(Path, Set, int, int)}, caching the features in {@code cache} when given. */
    public static List<Utterance> load(List<Path> roots, Set<String> exclude, int maxFrames, int perSpeakerLimit,
                                       Path cache, ModelConfig.Input input) throws IOException {
        if (cache != null && Files.exists(cache)) {
            return readCache(cache);
        }
        List<Utterance> all = new ArrayList<>();
        for (Path root : roots) {
            all.addAll(loadAll(root, exclude, maxFrames, perSpeakerLimit, input));
        }
        if (cache != null) {
            writeCache(cache, all);
        }
        return all;
    }

    private static void writeCache(Path cache, List<Utterance> data) throws IOException {
        Path tmp = cache.resolveSibling(cache.getFileName() + ".tmp");
        try (java.io.DataOutputStream out = new java.io.DataOutputStream(new java.io.BufferedOutputStream(
                Files.newOutputStream(tmp), 1 << 20))) {
            out.writeInt(CACHE_WITH_TOKENS);
            out.writeInt(data.size());
            for (Utterance u : data) {
                out.writeUTF(u.speaker());
                out.writeUTF(u.id());
                out.writeUTF(u.text());
                out.writeInt(u.tokens().length);
                for (int t : u.tokens()) {
                    out.writeShort(t);
                }
                out.writeInt(u.logMel().length);
                for (float[] f : u.logMel()) {
                    for (float v : f) {
                        out.writeFloat(v);
                    }
                }
                float[] f0 = u.f0() == null ? new float[0] : u.f0();
                out.writeInt(f0.length);
                for (float v : f0) {
                    out.writeFloat(v);
                }
            }
        }
        Files.move(tmp, cache, java.nio.file.StandardCopyOption.ATOMIC_MOVE, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    }

    private static List<Utterance> readCache(Path cache) throws IOException {
        try (java.io.DataInputStream in = new java.io.DataInputStream(new java.io.BufferedInputStream(
                Files.newInputStream(cache), 1 << 20))) {
            int first = in.readInt();
            boolean withTokens = first == CACHE_WITH_TOKENS;
            int n = withTokens ? in.readInt() : first;
            List<Utterance> out = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                String speaker = in.readUTF();
                String id = in.readUTF();
                String text = in.readUTF();
                int[] tokens;
                if (withTokens) {
                    tokens = new int[in.readInt()];
                    for (int k = 0; k < tokens.length; k++) {
                        tokens[k] = in.readShort();
                    }
                } else {
                    tokens = CharTokenizer.encode(text); // caches written before tokens were stored: v1 graphemes
                }
                float[][] mel = new float[in.readInt()][Spectral.MELS];
                for (float[] f : mel) {
                    for (int k = 0; k < f.length; k++) {
                        f[k] = in.readFloat();
                    }
                }
                float[] f0 = null;
                if (withTokens) {
                    f0 = new float[in.readInt()];
                    for (int k = 0; k < f0.length; k++) {
                        f0[k] = in.readFloat();
                    }
                }
                out.add(new Utterance(speaker, id, text, tokens, mel, f0));
            }
            return out;
        }
    }

    /** First int of a feature cache that stores token ids (older caches start with the utterance count). */
    private static final int CACHE_WITH_TOKENS = -3;

    private static List<Utterance> loadAll(Path root, Set<String> exclude, int maxFrames, int perSpeakerLimit,
                                           ModelConfig.Input input) throws IOException {
        List<Utterance> out = new ArrayList<>();
        for (String speaker : speakers(root)) {
            if (exclude.contains(speaker)) {
                continue;
            }
            out.addAll(loadSpeaker(root.resolve(speaker), speaker, maxFrames, perSpeakerLimit, input));
        }
        return out;
    }

    public static List<Utterance> loadSpeaker(Path dir, String speaker, int maxFrames, int limit) throws IOException {
        return loadSpeaker(dir, speaker, maxFrames, limit, ModelConfig.Input.CHARACTERS);
    }

    public static List<Utterance> loadSpeaker(Path dir, String speaker, int maxFrames, int limit,
                                              ModelConfig.Input input) throws IOException {
        List<Utterance> out = new ArrayList<>();
        boolean frontendLanguage = frontendSpeaks(language(dir));
        for (String line : Files.readAllLines(dir.resolve("metadata.tsv"), StandardCharsets.UTF_8)) {
            if (out.size() >= limit) {
                break;
            }
            String[] parts = line.split("\t", 3);
            if (parts.length < 2) {
                continue;
            }
            Path wav = dir.resolve(parts[0] + ".wav");
            if (!Files.isRegularFile(wav)) {
                continue;
            }
            float[] pcm = readMono(wav, Spectral.SAMPLE_RATE);
            float[][] mel = Spectral.logMel(pcm);
            int[] tokens;
            if (input == ModelConfig.Input.CHARACTERS) {
                tokens = CharTokenizer.encode(parts[1]);
            } else if (frontendLanguage || parts.length < 3) {
                tokens = PhonemeTokenizer.encode(parts[1]);
            } else {
                tokens = PhonemeTokenizer.encodeIpa(parts[2]);
            }
            if (mel.length > maxFrames || mel.length < tokens.length + 2) {
                continue;
            }
            float[] f0 = input == ModelConfig.Input.CHARACTERS ? null
                    : java.util.Arrays.copyOf(TRACKER.f0(pcm, Spectral.SAMPLE_RATE, Spectral.HOP), mel.length);
            out.add(new Utterance(speaker, parts[0], parts[1], tokens, mel, f0));
        }
        return out;
    }

    /**
     * About {@code n} utterances spread over the corpus whose transcript the runtime reads to the same ids (so not
     * the IPA-only languages): what duration calibration measures on.
     */
    public static List<dev.voxpipe.model.TrainingUtterance> calibrationSample(List<Utterance> data, ModelConfig config,
                                                                              int n) {
        List<dev.voxpipe.model.TrainingUtterance> sample = new ArrayList<>();
        for (int i = 0; i < data.size(); i += Math.max(1, data.size() / n)) {
            Utterance u = data.get(i);
            if (java.util.Arrays.equals(config.tokens(u.text()), u.tokens())) {
                sample.add(new dev.voxpipe.model.TrainingUtterance(u.logMel(), u.text()));
            }
        }
        return sample;
    }

    /** The speaker's language from its speaker.json ("en" when there is none: the synthetic corpus is English). */
    static String language(Path dir) throws IOException {
        Path json = dir.resolve("speaker.json");
        if (!Files.isRegularFile(json)) {
            return "en";
        }
        var m = java.util.regex.Pattern.compile("\"language\"\\s*:\\s*\"([^\"]+)\"").matcher(Files.readString(json));
        return m.find() ? m.group(1) : "en";
    }

    /** Whether the text frontend reads this language (English; Mandarin as characters or pinyin). */
    static boolean frontendSpeaks(String language) {
        String l = language.toLowerCase(java.util.Locale.ROOT);
        return l.startsWith("en") || l.startsWith("cmn") || l.startsWith("zh");
    }

    /** 16-bit PCM WAV to floats in [-1, 1], first channel; the sample rate must match. */
    public static float[] readMono(Path wav, int expectedRate) throws IOException {
        try (InputStream raw = new BufferedInputStream(Files.newInputStream(wav))) {
            return readMono(raw, expectedRate);
        }
    }

    public static float[] readMono(InputStream raw, int expectedRate) throws IOException {
        try (AudioInputStream in = AudioSystem.getAudioInputStream(raw)) {
            AudioFormat f = in.getFormat();
            if (f.getSampleSizeInBits() != 16 || f.getEncoding() != AudioFormat.Encoding.PCM_SIGNED) {
                throw new IOException("need 16-bit signed PCM, got " + f);
            }
            if (Math.round(f.getSampleRate()) != expectedRate) {
                throw new IOException("need " + expectedRate + " Hz, got " + f.getSampleRate());
            }
            byte[] bytes = in.readAllBytes();
            int channels = f.getChannels();
            int frames = bytes.length / (2 * channels);
            float[] out = new float[frames];
            boolean big = f.isBigEndian();
            for (int i = 0; i < frames; i++) {
                int p = i * 2 * channels;
                int v = big ? (bytes[p] << 8) | (bytes[p + 1] & 0xff) : (bytes[p + 1] << 8) | (bytes[p] & 0xff);
                out[i] = v / 32768f;
            }
            return out;
        } catch (javax.sound.sampled.UnsupportedAudioFileException e) {
            throw new IOException("not a WAV file", e);
        }
    }
}
