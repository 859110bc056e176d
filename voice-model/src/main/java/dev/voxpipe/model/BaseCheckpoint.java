package dev.voxpipe.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.voxpipe.model.train.Corpus;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A base checkpoint directory: {@code config.properties}, {@code params.bin} (all weights),
 * {@code mean-speaker.bin} (the mean pretraining speaker embedding, used when no voice is given)
 * and {@code info.txt}. Each file is written to a temporary name and moved into place atomically.
 */
public record BaseCheckpoint(ModelConfig config, ParamStore params, float[] meanEmbedding, String info,
                             float durationScale) {
    public static final String RESOURCE_DIR = "/dev/voxpipe/model/base/";

    public BaseCheckpoint(ModelConfig config, ParamStore params, float[] meanEmbedding, String info) {
        this(config, params, meanEmbedding, info, 1f);
    }

    /**
     * Writes a checkpoint; {@code durationScale} corrects the duration predictor's bias (it
     * regresses log durations, so exp of its output undershoots the mean duration).
     */
    public static void write(Path dir, ModelConfig config, ParamStore params, float[] meanEmbedding, String info,
                             float durationScale) throws IOException {
        write(dir, config, params, meanEmbedding, info);
        ParamStore mean = new ParamStore();
        mean.put("mean.embedding", new ParamStore.Tensor(new long[]{meanEmbedding.length}, meanEmbedding));
        mean.put("duration.scale", new ParamStore.Tensor(new long[]{1}, new float[]{durationScale}));
        ByteArrayOutputStream m = new ByteArrayOutputStream();
        mean.write(m);
        atomic(dir.resolve("mean-speaker.bin"), m.toByteArray());
    }

    private static float scaleOf(ParamStore meanFile) {
        ParamStore.Tensor t = meanFile.tensors().get("duration.scale");
        return t == null ? 1f : t.data()[0];
    }

    public static void write(Path dir, ModelConfig config, ParamStore params, float[] meanEmbedding, String info)
            throws IOException {
        Files.createDirectories(dir);
        ByteArrayOutputStream cfg = new ByteArrayOutputStream();
        config.write(cfg);
        atomic(dir.resolve("config.properties"), cfg.toByteArray());
        ByteArrayOutputStream p = new ByteArrayOutputStream();
        params.write(p);
        atomic(dir.resolve("params.bin"), p.toByteArray());
        ParamStore mean = new ParamStore();
        mean.put("mean.embedding", new ParamStore.Tensor(new long[]{meanEmbedding.length}, meanEmbedding));
        ByteArrayOutputStream m = new ByteArrayOutputStream();
        mean.write(m);
        atomic(dir.resolve("mean-speaker.bin"), m.toByteArray());
        atomic(dir.resolve("info.txt"), info.getBytes(StandardCharsets.UTF_8));
    }

    private static void atomic(Path target, byte[] bytes) throws IOException {
        Path tmp = target.resolveSibling(target.getFileName() + ".tmp");
        try (OutputStream out = Files.newOutputStream(tmp)) {
            out.write(bytes);
        }
        Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    public static BaseCheckpoint read(Path dir) throws IOException {
        try (InputStream c = Files.newInputStream(dir.resolve("config.properties"));
             InputStream p = Files.newInputStream(dir.resolve("params.bin"));
             InputStream m = Files.newInputStream(dir.resolve("mean-speaker.bin"))) {
            String info = Files.exists(dir.resolve("info.txt")) ? Files.readString(dir.resolve("info.txt")) : "";
            ParamStore mean = ParamStore.read(m);
            return new BaseCheckpoint(ModelConfig.read(c), ParamStore.read(p), mean.get("mean.embedding").data(), info,
                    scaleOf(mean));
        }
    }

    /** The checkpoint shipped on the classpath, or null when the jar carries none. */
    public static BaseCheckpoint readResource() throws IOException {
        try (InputStream c = BaseCheckpoint.class.getResourceAsStream(RESOURCE_DIR + "config.properties");
             InputStream p = BaseCheckpoint.class.getResourceAsStream(RESOURCE_DIR + "params.bin");
             InputStream m = BaseCheckpoint.class.getResourceAsStream(RESOURCE_DIR + "mean-speaker.bin");
             InputStream i = BaseCheckpoint.class.getResourceAsStream(RESOURCE_DIR + "info.txt")) {
            if (c == null || p == null || m == null) {
                return null;
            }
            String info = i == null ? "" : new String(i.readAllBytes(), StandardCharsets.UTF_8);
            ParamStore mean = ParamStore.read(m);
            return new BaseCheckpoint(ModelConfig.read(c), ParamStore.read(p), mean.get("mean.embedding").data(), info,
                    scaleOf(mean));
        }
    }

    /** Mean over speakers of each speaker's mean embedding over up to {@code perSpeaker} utterances. */
    public static float[] meanSpeakerEmbedding(ModelConfig config, ParamStore params, List<Corpus.Utterance> data,
                                               int perSpeaker, NDManager parent) {
        Map<String, List<float[][]>> bySpeaker = new LinkedHashMap<>();
        for (Corpus.Utterance u : data) {
            List<float[][]> l = bySpeaker.computeIfAbsent(u.speaker(), k -> new ArrayList<>());
            if (l.size() < perSpeaker) {
                l.add(u.logMel());
            }
        }
        float[] mean = new float[config.speakerDim()];
        for (List<float[][]> clips : bySpeaker.values()) {
            float[] e = embed(config, params, clips, parent);
            for (int k = 0; k < mean.length; k++) {
                mean[k] += e[k] / bySpeaker.size();
            }
        }
        return mean;
    }

    /** Mean speaker-encoder embedding of the given clips (each cropped to 10 s). */
    public static float[] embed(ModelConfig config, ParamStore params, List<float[][]> clips, NDManager parent) {
        float[] sum = new float[config.speakerDim()];
        try (NDManager m = parent.newSubManager()) {
            Map<String, NDArray> arrays = new HashMap<>();
            for (String n : List.of("spk.conv0.w", "spk.conv0.b", "spk.conv1.w", "spk.conv1.b", "spk.proj.w", "spk.proj.b")) {
                arrays.put(n, params.get(n).toNd(m));
            }
            Weights w = new Weights(arrays);
            int batch = 16;
            for (int s = 0; s < clips.size(); s += batch) {
                List<float[][]> part = clips.subList(s, Math.min(clips.size(), s + batch));
                float[][][] refs = new float[part.size()][][];
                int[] lens = new int[part.size()];
                int max = 1;
                for (int k = 0; k < part.size(); k++) {
                    float[][] c = part.get(k);
                    refs[k] = c.length > 1000 ? java.util.Arrays.copyOf(c, 1000) : c;
                    lens[k] = refs[k].length;
                    max = Math.max(max, lens[k]);
                }
                NDArray e = AcousticModel.speakerEmbedding(w, AcousticModel.mels(m, config, refs, max),
                        AcousticModel.mask(m, lens, max));
                float[] flat = e.toFloatArray();
                for (int k = 0; k < part.size(); k++) {
                    for (int j = 0; j < sum.length; j++) {
                        sum[j] += flat[k * sum.length + j] / clips.size();
                    }
                }
            }
        }
        return sum;
    }
}
