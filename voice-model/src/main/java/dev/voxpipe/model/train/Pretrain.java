package dev.voxpipe.model.train;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import dev.voxpipe.model.AcousticModel;
import dev.voxpipe.model.BaseCheckpoint;
import dev.voxpipe.model.Devices;
import dev.voxpipe.model.ModelConfig;
import dev.voxpipe.model.ParamStore;
import dev.voxpipe.model.TrainingCore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;

/**
 * Pretraining on a multi-speaker corpus, one command:
 * <pre>
 * java -Dai.djl.offline=true -cp ... dev.voxpipe.model.train.Pretrain --corpus data/corpus --run runs/base \
 *      --hold-out flite_rms --minutes 70 --max-frames 3200 --checkpoint-every 100
 * </pre>
 * Dynamic batches by length (sorted buckets, at most max-frames padded frames per batch), gradient
 * clipping, Adam with warm-up, atomic checkpoints (resume after kill -9 by rerunning the same
 * command), loss curve in {@code loss.csv}, and the exported base checkpoint in {@code base/}
 * after every checkpoint. Mixed precision (FP16 forward, FP32 master weights) only on a GPU.
 */
public final class Pretrain {
    private static final Logger LOG = LoggerFactory.getLogger(Pretrain.class);

    private Pretrain() {
    }

    /**
     * Warm start: every tensor of {@code earlier} with the same name and shape replaces the fresh one in
     * {@code params}. A decoder or prosody-predictor layer the earlier base lacked starts as the identity (its norm's
     * gain at zero), and new input projections start at zero ({@link ParamStore#initialise}), so the warm start begins
     * with the earlier base's outputs. Returns how many tensors were copied.
     */
    public static int warmStart(ParamStore params, ParamStore earlier) {
        int copied = 0;
        Set<String> fresh = new HashSet<>(params.tensors().keySet());
        for (var e : earlier.tensors().entrySet()) {
            ParamStore.Tensor mine = params.tensors().get(e.getKey());
            if (mine != null && java.util.Arrays.equals(mine.shape(), e.getValue().shape())) {
                params.put(e.getKey(), e.getValue());
                fresh.remove(e.getKey());
                copied++;
            }
        }
        for (String name : fresh) {
            if (name.matches("(var|dec)\\.ln\\d+\\.g")) {
                long[] shape = params.tensors().get(name).shape();
                params.put(name, new ParamStore.Tensor(shape, new float[(int) shape[0]]));
            }
        }
        return copied;
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> a = parse(args);
        List<Path> corpora = java.util.Arrays.stream(a.getOrDefault("corpus", "data/corpus").split(","))
                .map(Path::of).toList();
        Path run = Path.of(a.getOrDefault("run", "runs/base"));
        Set<String> holdOut = new HashSet<>(List.of(a.getOrDefault("hold-out", "flite_rms").split(",")));
        double minutes = Double.parseDouble(a.getOrDefault("minutes", "70"));
        int maxSteps = Integer.parseInt(a.getOrDefault("steps", "1000000"));
        int maxFrames = Integer.parseInt(a.getOrDefault("max-frames", "2000"));
        int every = Integer.parseInt(a.getOrDefault("checkpoint-every", "100"));
        double lr = Double.parseDouble(a.getOrDefault("lr", "2e-3"));
        long seed = Long.parseLong(a.getOrDefault("seed", "1"));
        int perSpeaker = Integer.parseInt(a.getOrDefault("per-speaker", "100000"));
        String size = a.getOrDefault("size", "base");
        // v1 read graphemes; "--input phonemes" is the v2 base (ModelConfig.phonemeBase)
        ModelConfig.Input input = "phonemes".equals(a.get("input")) ? ModelConfig.Input.PHONEMES : ModelConfig.Input.CHARACTERS;
        boolean prosody = "true".equals(a.get("prosody"));
        Path initFrom = a.containsKey("init-from") ? Path.of(a.get("init-from")) : null;
        String modelId = a.getOrDefault("id", input == ModelConfig.Input.PHONEMES ? "voxpipe-base-v2" : "voxpipe-base-v1");
        Files.createDirectories(run);

        Device device = Devices.preferred();
        boolean amp = device.isGpu() && !"false".equals(a.get("amp"));
        try (NDManager root = NDManager.newBaseManager(device)) {
            List<Corpus.Utterance> data = Corpus.load(corpora, holdOut, 1000, perSpeaker, run.resolve("features.bin"), input);
            if (data.isEmpty()) {
                throw new IllegalStateException("no utterances under " + corpora);
            }
            Path statePath = run.resolve("train-state.bin");
            ModelConfig config;
            ParamStore params;
            long elapsedBefore = 0;
            int startStep = 0;
            byte[] adamState = null;
            if (Files.exists(statePath)) {
                try (DataInputStream in = new DataInputStream(Files.newInputStream(statePath))) {
                    startStep = in.readInt();
                    elapsedBefore = in.readLong();
                    config = ModelConfig.read(new java.io.ByteArrayInputStream(in.readNBytes(in.readInt())));
                    params = ParamStore.read(in);
                    adamState = in.readAllBytes();
                }
                LOG.info("resuming {} at step {}", run, startStep);
            } else {
                ModelConfig sizeConfig = "tiny".equals(size) ? ModelConfig.tiny(input)
                        : input == ModelConfig.Input.PHONEMES ? ModelConfig.phonemeBase() : ModelConfig.base();
                config = sizeConfig.withNormalisation(mean(data), std(data, mean(data))).withProsody(prosody);
                if (a.containsKey("decoder-layers")) {
                    config = config.withDecoderLayers(Integer.parseInt(a.get("decoder-layers")));
                }
                if (a.containsKey("variance-layers") || a.containsKey("prosody-positions")) {
                    config = config.withProsodyPredictor(Integer.parseInt(a.getOrDefault("variance-layers", "2")),
                            "true".equals(a.get("prosody-positions")));
                }
                params = ParamStore.initialise(AcousticModel.parameterSpecs(config), seed);
                if (initFrom != null) {
                    // warm start: every tensor of the earlier run's base with the same name and shape, the rest new
                    BaseCheckpoint earlier = BaseCheckpoint.read(initFrom);
                    config = config.withNormalisation(earlier.config().melMean(), earlier.config().melStd());
                    int copied = warmStart(params, earlier.params());
                    LOG.info("initialised {} of {} tensors from {}", copied, params.tensors().size(), initFrom);
                }
            }
            LOG.info("{} utterances, {} speakers, {} parameters, device {}, amp {}", data.size(),
                    data.stream().map(Corpus.Utterance::speaker).distinct().count(), params.parameterCount(), device, amp);

            // "--train-only var." trains the named prefixes on a frozen warm start (e.g. a new prosody predictor)
            List<String> trainOnly = a.containsKey("train-only") ? List.of(a.get("train-only").split(",")) : null;
            TrainingCore core = new TrainingCore(config, root, params,
                    n -> trainOnly == null || trainOnly.stream().anyMatch(n::startsWith), Map.of(), 0.0, 1.0, amp);
            if (adamState != null) {
                core.adam().readState(new DataInputStream(new java.io.ByteArrayInputStream(adamState)), root);
            }
            List<List<Integer>> batches = bucketBatches(data, maxFrames);
            Map<String, List<Integer>> bySpeaker = new HashMap<>();
            for (int i = 0; i < data.size(); i++) {
                bySpeaker.computeIfAbsent(data.get(i).speaker(), k -> new ArrayList<>()).add(i);
            }
            Path csv = run.resolve("loss.csv");
            if (!Files.exists(csv)) {
                Files.writeString(csv, "step,seconds,loss,mel,prior,duration,prosody,grad_norm,lr,frames\n");
            } else {
                // steps after the last checkpoint are replayed: drop their rows so the curve has no duplicates
                int keepUpTo = startStep;
                List<String> rows = new ArrayList<>();
                for (String row : Files.readAllLines(csv)) {
                    String first = row.split(",", 2)[0];
                    if (!first.chars().allMatch(Character::isDigit) || Integer.parseInt(first) <= keepUpTo) {
                        rows.add(row);
                    }
                }
                Files.write(csv, rows);
            }
            long start = System.nanoTime();
            double emaLoss = Double.NaN;
            int step = startStep;
            while (step < maxSteps) {
                double elapsed = elapsedBefore + (System.nanoTime() - start) / 1e9;
                if (elapsed > minutes * 60) {
                    break;
                }
                TrainingCore.Batch batch = batchFor(step, seed, batches, data, bySpeaker);
                double rate = lr * Math.min(1.0, (step + 1) / 300.0) * Math.pow(0.5, step / 4000.0);
                TrainingCore.StepLosses l = core.step(batch, rate);
                step++;
                emaLoss = Double.isNaN(emaLoss) ? l.total() : 0.95 * emaLoss + 0.05 * l.total();
                Files.writeString(csv, String.format(java.util.Locale.ROOT, "%d,%.1f,%.5f,%.5f,%.5f,%.5f,%.5f,%.3f,%.6f,%d%n",
                        step, elapsed, l.total(), l.mel(), l.prior(), l.duration(), l.prosody(), l.gradNorm(), rate,
                        batch.frames()),
                        StandardOpenOption.APPEND);
                if (step % 20 == 0) {
                    LOG.info("step {} loss {} (ema {}) mel {} prior {} dur {} prosody {} {}s", step, fmt(l.total()),
                            fmt(emaLoss), fmt(l.mel()), fmt(l.prior()), fmt(l.duration()), fmt(l.prosody()), (long) elapsed);
                }
                if (step % every == 0) {
                    checkpoint(run, core, config, step, elapsedBefore + (long) ((System.nanoTime() - start) / 1e9), data, root,
                            modelId);
                }
            }
            checkpoint(run, core, config, step, elapsedBefore + (long) ((System.nanoTime() - start) / 1e9), data, root,
                    modelId);
            LOG.info("done at step {}", step);
        }
    }

    private static String fmt(double v) {
        return String.format(java.util.Locale.ROOT, "%.4f", v);
    }

    static float mean(List<Corpus.Utterance> data) {
        double s = 0;
        long n = 0;
        for (Corpus.Utterance u : data) {
            for (float[] f : u.logMel()) {
                for (float v : f) {
                    s += v;
                    n++;
                }
            }
        }
        return (float) (s / n);
    }

    static float std(List<Corpus.Utterance> data, float mean) {
        double s = 0;
        long n = 0;
        for (Corpus.Utterance u : data) {
            for (float[] f : u.logMel()) {
                for (float v : f) {
                    s += (v - mean) * (v - mean);
                    n++;
                }
            }
        }
        return (float) Math.sqrt(s / n);
    }

    /** Sorted by length, cut greedily so that (items x longest) stays under maxFrames. */
    static List<List<Integer>> bucketBatches(List<Corpus.Utterance> data, int maxFrames) {
        List<Integer> order = new ArrayList<>();
        for (int i = 0; i < data.size(); i++) {
            order.add(i);
        }
        order.sort(Comparator.comparingInt(i -> data.get(i).logMel().length));
        List<List<Integer>> batches = new ArrayList<>();
        List<Integer> current = new ArrayList<>();
        for (int i : order) {
            int longest = data.get(i).logMel().length;
            if (!current.isEmpty() && (current.size() + 1) * longest > maxFrames) {
                batches.add(current);
                current = new ArrayList<>();
            }
            current.add(i);
        }
        if (!current.isEmpty()) {
            batches.add(current);
        }
        return batches;
    }

    /** Deterministic in (seed, step): resuming replays exactly the batches an uninterrupted run would see. */
    static TrainingCore.Batch batchFor(int step, long seed, List<List<Integer>> batches, List<Corpus.Utterance> data,
                                       Map<String, List<Integer>> bySpeaker) {
        int epoch = step / batches.size();
        List<Integer> perm = new ArrayList<>();
        for (int i = 0; i < batches.size(); i++) {
            perm.add(i);
        }
        java.util.Collections.shuffle(perm, new Random(seed * 1_000_003L + epoch));
        List<Integer> items = batches.get(perm.get(step % batches.size()));
        Random rng = new Random(seed * 7_919L + step);
        int n = items.size();
        int[][] tokens = new int[n][];
        float[][][] mels = new float[n][][];
        float[][][] refs = new float[n][][];
        float[][] f0 = new float[n][];
        for (int k = 0; k < n; k++) {
            Corpus.Utterance u = data.get(items.get(k));
            tokens[k] = u.tokens();
            mels[k] = u.logMel();
            f0[k] = u.f0();
            List<Integer> same = bySpeaker.get(u.speaker());
            float[][] ref = data.get(same.get(rng.nextInt(same.size()))).logMel();
            int len = Math.min(ref.length, 300);
            int off = ref.length > len ? rng.nextInt(ref.length - len + 1) : 0;
            refs[k] = java.util.Arrays.copyOfRange(ref, off, off + len);
        }
        return new TrainingCore.Batch(tokens, mels, refs, f0[0] == null ? null : f0);
    }

    private static void checkpoint(Path run, TrainingCore core, ModelConfig config, int step, long elapsed,
                                   List<Corpus.Utterance> data, NDManager manager, String modelId) throws IOException {
        ParamStore params = core.snapshotAll();
        Path tmp = run.resolve("train-state.bin.tmp");
        try (DataOutputStream out = new DataOutputStream(new BufferedOutputStream(Files.newOutputStream(tmp)))) {
            out.writeInt(step);
            out.writeLong(elapsed);
            java.io.ByteArrayOutputStream cfg = new java.io.ByteArrayOutputStream();
            config.write(cfg);
            out.writeInt(cfg.size());
            out.write(cfg.toByteArray());
            params.write(out);
            core.adam().writeState(out);
        }
        try (OutputStream sync = Files.newOutputStream(tmp, StandardOpenOption.APPEND, StandardOpenOption.SYNC)) {
            sync.flush();
        }
        Files.move(tmp, run.resolve("train-state.bin"), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        float[] meanEmbedding = BaseCheckpoint.meanSpeakerEmbedding(config, params, data, 200, manager);
        List<dev.voxpipe.model.TrainingUtterance> sample = Corpus.calibrationSample(data, config, 200);
        float scale;
        try (dev.voxpipe.model.VoiceModelRuntime r = dev.voxpipe.model.VoiceModelRuntime.fromCheckpoint(
                new BaseCheckpoint(config, params, meanEmbedding, ""), false)) {
            scale = r.calibrateDurations(null, sample);
        }
        BaseCheckpoint.write(run.resolve("base"), config, params, meanEmbedding,
                "id=" + modelId + "\nstep=" + step + "\ntrain_seconds=" + elapsed + "\nduration_scale=" + scale + "\n", scale);
        LOG.info("checkpoint at step {}", step);
    }

    static Map<String, String> parse(String[] args) {
        Map<String, String> m = new HashMap<>();
        for (int i = 0; i < args.length; i++) {
            if (args[i].startsWith("--")) {
                String key = args[i].substring(2);
                String value = i + 1 < args.length && !args[i + 1].startsWith("--") ? args[++i] : "true";
                m.put(key, value);
            }
        }
        return m;
    }

    @SuppressWarnings("unused")
    private static String read(InputStream in) throws IOException {
        return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
}
