package dev.voxpipe.model.train;

import ai.djl.ndarray.NDManager;
import dev.voxpipe.model.CharTokenizer;
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
 * (32 kHz mono) plus {@code metadata.tsv} lines {@code id<TAB>text}. Loaded as log-mels.
 */
public final class Corpus {
    /** One utterance: speaker, id, transcript, token ids and log-mel [frames][100]. */
    public record Utterance(String speaker, String id, String text, int[] tokens, float[][] logMel) {
    }

    private Corpus() {
    }

    public static List<String> speakers(Path root) throws IOException {
        try (Stream<Path> s = Files.list(root)) {
            return s.filter(p -> Files.isRegularFile(p.resolve("metadata.tsv")))
                    .map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    /** Loads every speaker not excluded; skips ids without audio and utterances too short or too long. */
    public static List<Utterance> load(Path root, Set<String> exclude, int maxFrames, int perSpeakerLimit,
                                       NDManager manager) throws IOException {
        return load(root, exclude, maxFrames, perSpeakerLimit, manager, null);
    }

    /** As {@link #load(Path, Set, int, int, NDManager)}, caching the features in {@code cache} when given. */
    public static List<Utterance> load(Path root, Set<String> exclude, int maxFrames, int perSpeakerLimit,
                                       NDManager manager, Path cache) throws IOException {
        if (cache != null && Files.exists(cache)) {
            return readCache(cache);
        }
        List<Utterance> all = loadAll(root, exclude, maxFrames, perSpeakerLimit, manager);
        if (cache != null) {
            writeCache(cache, all);
        }
        return all;
    }

    private static void writeCache(Path cache, List<Utterance> data) throws IOException {
        Path tmp = cache.resolveSibling(cache.getFileName() + ".tmp");
        try (java.io.DataOutputStream out = new java.io.DataOutputStream(new java.io.BufferedOutputStream(
                Files.newOutputStream(tmp), 1 << 20))) {
            out.writeInt(data.size());
            for (Utterance u : data) {
                out.writeUTF(u.speaker());
                out.writeUTF(u.id());
                out.writeUTF(u.text());
                out.writeInt(u.logMel().length);
                for (float[] f : u.logMel()) {
                    for (float v : f) {
                        out.writeFloat(v);
                    }
                }
            }
        }
        Files.move(tmp, cache, java.nio.file.StandardCopyOption.ATOMIC_MOVE, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    }

    private static List<Utterance> readCache(Path cache) throws IOException {
        try (java.io.DataInputStream in = new java.io.DataInputStream(new java.io.BufferedInputStream(
                Files.newInputStream(cache), 1 << 20))) {
            int n = in.readInt();
            List<Utterance> out = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                String speaker = in.readUTF();
                String id = in.readUTF();
                String text = in.readUTF();
                float[][] mel = new float[in.readInt()][Spectral.MELS];
                for (float[] f : mel) {
                    for (int k = 0; k < f.length; k++) {
                        f[k] = in.readFloat();
                    }
                }
                out.add(new Utterance(speaker, id, text, CharTokenizer.encode(text), mel));
            }
            return out;
        }
    }

    private static List<Utterance> loadAll(Path root, Set<String> exclude, int maxFrames, int perSpeakerLimit,
                                           NDManager manager) throws IOException {
        List<Utterance> out = new ArrayList<>();
        for (String speaker : speakers(root)) {
            if (exclude.contains(speaker)) {
                continue;
            }
            out.addAll(loadSpeaker(root.resolve(speaker), speaker, maxFrames, perSpeakerLimit, manager));
        }
        return out;
    }

    public static List<Utterance> loadSpeaker(Path dir, String speaker, int maxFrames, int limit, NDManager manager)
            throws IOException {
        List<Utterance> out = new ArrayList<>();
        for (String line : Files.readAllLines(dir.resolve("metadata.tsv"), StandardCharsets.UTF_8)) {
            if (out.size() >= limit) {
                break;
            }
            String[] parts = line.split("\t", 2);
            if (parts.length < 2) {
                continue;
            }
            Path wav = dir.resolve(parts[0] + ".wav");
            if (!Files.isRegularFile(wav)) {
                continue;
            }
            float[] pcm = readMono(wav, Spectral.SAMPLE_RATE);
            float[][] mel = Spectral.logMel(manager, pcm);
            int[] tokens = CharTokenizer.encode(parts[1]);
            if (mel.length > maxFrames || mel.length < tokens.length + 2) {
                continue;
            }
            out.add(new Utterance(speaker, parts[0], parts[1], tokens, mel));
        }
        return out;
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
