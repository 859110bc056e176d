package dev.voxpipe.model;

import ai.djl.ndarray.NDManager;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CancellationException;

/** Few-shot fine-tuning of a voice on the native base ({@link VoiceModelRuntime#fineTune} is its public face). */
final class FineTuner {
    private static final Logger LOG = LoggerFactory.getLogger(FineTuner.class);
    private static final int MAX_FINE_TUNE_FRAMES = 2000;
    private static final int FINE_TUNE_BATCH_FRAMES = Integer.getInteger("voxpipe.fineTuneBatchFrames", 2400);

    private final VoiceModelRuntime runtime;
    private final String modelId;
    private final BaseCheckpoint base;
    private final NDManager root;
    private final Synthesizer synthesizer;
    private final VoicePitch voicePitch;

    FineTuner(VoiceModelRuntime runtime, String modelId, BaseCheckpoint base, NDManager root, Synthesizer synthesizer,
              VoicePitch voicePitch) {
        this.runtime = runtime;
        this.modelId = modelId;
        this.base = base;
        this.root = root;
        this.synthesizer = synthesizer;
        this.voicePitch = voicePitch;
    }

    /** {@link VoiceModelRuntime#fineTune}: one at a time per JVM. */
    FineTuneResult fineTune(List<TrainingUtterance> utterances, FineTuneConfig config,
                                   FineTuneState resumeFrom, FineTuneListener listener) {
        if (base == null) {
            throw new UnsupportedOperationException("fine-tuning needs a native base checkpoint, not TorchScript");
        }
        FineTuneListener l = listener == null ? FineTuneListener.none() : listener;
        FineTuneConfig cfg = config == null ? FineTuneConfig.defaults() : config;
        List<int[]> tokens = new ArrayList<>();
        List<float[][]> mels = new ArrayList<>();
        List<float[]> tracks = new ArrayList<>();
        for (TrainingUtterance u : utterances == null ? List.<TrainingUtterance>of() : utterances) {
            if (u == null || !VoiceModelRuntime.usableLogMel(u.logMel()) || u.transcript() == null || u.transcript().isBlank()) {
                continue;
            }
            int[] t = runtime.tokenIds(u.transcript());
            float[][] m = u.logMel();
            if (m.length < t.length + 2 || m.length > MAX_FINE_TUNE_FRAMES) {
                LOG.debug("skipping utterance of {} frames for {} tokens", m.length, t.length);
                continue;
            }
            tokens.add(t);
            mels.add(m);
            tracks.add(u.f0Hz());
        }
        if (tokens.isEmpty()) {
            throw new IllegalArgumentException("no usable training utterances (need transcripts and finite log-mels "
                    + "of at most " + MAX_FINE_TUNE_FRAMES + " frames, longer than their text)");
        }
        double usableSeconds = mels.stream().mapToDouble(m -> (m.length - 1) * (double) Spectral.HOP / Spectral.SAMPLE_RATE).sum();
        if (usableSeconds < cfg.minimumSeconds()) {
            throw new IllegalArgumentException(String.format(java.util.Locale.ROOT,
                    "too little usable speech to fine-tune: %.1f s in %d utterances, at least %.0f s needed",
                    usableSeconds, mels.size(), cfg.minimumSeconds()));
        }
        if (resumeFrom != null && !resumeFrom.baseModelId().equals(modelId)) {
            throw new IllegalArgumentException("state belongs to base " + resumeFrom.baseModelId() + ", not " + modelId);
        }
        long started = System.nanoTime();
        synchronized (TrainingCore.AUTOGRAD_LOCK) {
            ParamStore store = new ParamStore();
            base.params().tensors().forEach(store::put);
            Map<String, ParamStore.Tensor> extra = new LinkedHashMap<>();
            java.util.Set<String> lowRank = LowRank.targets(base.params(), AcousticModel::isVoiceAdapter, cfg.loraRank());
            if (resumeFrom != null && resumeFrom.trainable().keySet().stream().anyMatch(k -> k.startsWith(LowRank.PREFIX))
                    == lowRank.isEmpty()) {
                throw new IllegalArgumentException("the fine-tune state was trained with another LoRA rank than " + cfg.loraRank());
            }
            if (resumeFrom == null) {
                extra.putAll(LowRank.initial(base.params(), lowRank, cfg.loraRank(), cfg.seed()));
            }
            if (resumeFrom != null) {
                resumeFrom.trainable().forEach((k, v) -> {
                    if (k.equals("voice.embedding")) {
                        extra.put(k, v);
                    } else {
                        store.put(k, v);
                    }
                });
            }
            // where the voice starts: the base's tensors and the clips' embedding (also what a resumed run started from)
            float[] initialEmbedding = BaseCheckpoint.embed(base.config(), base.params(), mels, root);
            if (resumeFrom == null) {
                extra.put("voice.embedding", new ParamStore.Tensor(new long[]{initialEmbedding.length}, initialEmbedding));
            }
            try (NDManager scope = root.newSubManager()) {
                TrainingCore core = new TrainingCore(base.config(), scope, store,
                        name -> name.startsWith(LowRank.PREFIX) || AcousticModel.isVoiceAdapter(name) && !lowRank.contains(name),
                        extra, 0.0, 1.0, false, lowRank);
                int step = 0;
                if (resumeFrom != null) {
                    try {
                        core.adam().readState(FineTuneState.optimizerInput(resumeFrom.optimizer()), scope);
                    } catch (IOException e) {
                        throw new IllegalArgumentException("corrupt fine-tune state", e);
                    }
                    step = resumeFrom.step();
                }
                double loss = resumeFrom == null ? Double.NaN : resumeFrom.lastLoss();
                int skipped = 0;
                int stepsRun = 0;
                List<float[]> f0 = base.config().prosody() ? voicePitch.f0Targets(mels, tracks) : null;
                // what the voice carries besides its weights, the same at every audition: its pitch range
                Map<String, ParamStore.Tensor> carried = new java.util.LinkedHashMap<>(VoicePitch.pitchTensors(
                        voicePitch.measurePitchRange(mels, utterances.stream().map(TrainingUtterance::f0Hz)
                                .filter(java.util.Objects::nonNull).toList())));
                Clips clips = new Clips(tokens, mels, f0);
                while (step < cfg.maxSteps()) {
                    if (l.cancelled()) {
                        throw new CancellationException("fine-tune cancelled at step " + step);
                    }
                    TrainingCore.Batch batch = fineTuneBatch(tokens, mels, f0, cfg.seed(), step);
                    double rate = FineTuneSchedule.rate(cfg, step);
                    TrainingCore.StepLosses losses = core.step(batch, rate, cfg.microBatches());
                    if (Double.isFinite(losses.total()) && Double.isFinite(losses.gradNorm())) {
                        loss = losses.total();
                    } else {
                        skipped++; // the step changed nothing: the loss reported stays the last finite one
                    }
                    stepsRun++;
                    step++;
                    if (step % 5 == 0 || step == cfg.maxSteps()) {
                        l.onProgress(step, cfg.maxSteps(), loss);
                    }
                    if (cfg.checkpointEverySteps() > 0 && step % cfg.checkpointEverySteps() == 0) {
                        l.onCheckpoint(new FineTuneState(modelId, step, loss, core.snapshotTrainable(),
                                FineTuneState.optimizerBytes(core.adam())));
                    }
                    if (cfg.auditionEverySteps() > 0 && step % cfg.auditionEverySteps() == 0 && step < cfg.maxSteps()) {
                        l.onAudition(step, voiceSoFar(core, initialEmbedding, clips, carried));
                    }
                }
                // a voice whose training blew up must not be delivered as if it had trained. A skipped step leaves the
                // weights as they were, so a few of them only mean a little less training; more than a quarter, or
                // weights that overflowed, mean the voice did not really train
                String blownUp = skipped * 4 > stepsRun ? "more than a quarter of the steps had a non-finite loss or gradient"
                        : nonFiniteWeights(core.snapshotTrainable());
                if (blownUp != null) {
                    throw new IllegalStateException(String.format(java.util.Locale.ROOT, "the fine-tune diverged: %s"
                            + " (%d of %d steps skipped)", blownUp, skipped, stepsRun));
                }
                if (skipped > 0) {
                    LOG.warn("fine-tune: {} of {} steps skipped for a non-finite loss or gradient", skipped, stepsRun);
                }
                VoiceDelta delta = voiceSoFar(core, initialEmbedding, clips, carried);
                return new FineTuneResult(delta, step, loss, (System.nanoTime() - started) / 1e9);
            }
        }
    }

    /**
     * The share of the voice's own spectral bias that its synthesis takes off (0: none). At the end of a fine-tune the
     * voice re-reads its clips' transcripts; the difference of its long-term average log-mel from the clips', per mel
     * bin (smoothed over 5 bins, at most 1.5 log units either way), is stored with the voice as
     * {@code voice.melBias} and subtracted from its speech frames at synthesis. 1, chosen on the validation split
     * against 0, 0.5 and 1.5: MCD 2.636 -> 2.626 dB (Allison) and 1.851 -> 1.787 dB (flite_rms), WER, F0 and voicing
     * unchanged (voice-model README, "Spectral bias"). {@code -Dvoxpipe.fineTune.melBias} for sweeps.
     */
    static final double MEL_BIAS_SHRINK = Double.parseDouble(System.getProperty("voxpipe.fineTune.melBias", "1"));

    /**
     * The voice from the trainable tensors as they are now, moved back towards where they started by
     * {@link FineTuneConfig#INTERPOLATION}, with its duration calibration (measured on the voice as delivered) and
     * the tensors it carries unchanged through the fine-tune ({@code carried}: pitch range) and its clip frames, keyed
     * on what the voice as delivered makes of them.
     */
    private VoiceDelta voiceSoFar(TrainingCore core, float[] initialEmbedding, Clips clips,
                                  Map<String, ParamStore.Tensor> carried) {
        List<int[]> tokens = clips.tokens();
        List<float[][]> mels = clips.mels();
        Map<String, ParamStore.Tensor> trained = interpolated(core.snapshotTrainable(), base.params().tensors(),
                initialEmbedding, FineTuneConfig.INTERPOLATION);
        float[] embedding = trained.remove("voice.embedding").data();
        Synthesizer.Calibration c = synthesizer.calibrate(trained, embedding, tokens, mels, MEL_BIAS_SHRINK);
        trained.put(Synthesizer.DURATION_SCALE, new ParamStore.Tensor(new long[]{1}, new float[]{c.durationScale()}));
        if (c.melBias() != null) {
            trained.put(Synthesizer.MEL_BIAS, new ParamStore.Tensor(new long[]{c.melBias().length}, c.melBias()));
        }
        trained.putAll(carried);
        if (ClipFrames.enabled()) {
            List<Integer> kept = ClipFrames.kept(mels);
            List<float[][]> keptMels = kept.stream().map(mels::get).toList();
            List<float[][]> rendered = synthesizer.teacherForcedMels(trained, embedding, kept.stream().map(tokens::get).toList(),
                    keptMels, clips.f0() == null ? null : kept.stream().map(clips.f0()::get).toList());
            trained.putAll(ClipFrames.of(keptMels, rendered));
        }
        return new VoiceDelta(modelId, embedding, trained);
    }

    /** The fine-tune's clips: token ids, log-mels and (models with prosody) F0 targets, in upload order. */
    private record Clips(List<int[]> tokens, List<float[][]> mels, List<float[]> f0) {
    }

    /**
     * {@code start + alpha * (trained - start)} for every trained tensor: the base's tensor for an adapted weight, the
     * clips' embedding for {@code voice.embedding}. A LoRA pair adds {@code a x b} to its weight, so scaling its
     * {@code b} factor by alpha scales that addition. Tensors with no starting point are kept as trained.
     */
    static Map<String, ParamStore.Tensor> interpolated(Map<String, ParamStore.Tensor> trained,
                                                       Map<String, ParamStore.Tensor> base, float[] initialEmbedding,
                                                       double alpha) {
        if (alpha == 1.0) return new LinkedHashMap<>(trained);
        Map<String, ParamStore.Tensor> out = new LinkedHashMap<>();
        trained.forEach((name, t) -> {
            float[] now = t.data();
            float[] start = name.equals("voice.embedding") ? initialEmbedding
                    : name.startsWith(LowRank.PREFIX) && name.endsWith(".b") ? new float[now.length]
                    : base.containsKey(name) ? base.get(name).data() : null;
            if (start == null || start.length != now.length) {
                out.put(name, t);
                return;
            }
            float[] v = new float[now.length];
            for (int i = 0; i < v.length; i++) v[i] = (float) (start[i] + alpha * (now[i] - start[i]));
            out.put(name, new ParamStore.Tensor(t.shape(), v));
        });
        return out;
    }

    /**
     * Random utterances (deterministic in seed and step) up to a frame budget, with each one's F0 track ({@code f0}:
     * null for models without prosody).
     */
    static TrainingCore.Batch fineTuneBatch(List<int[]> tokens, List<float[][]> mels, List<float[]> f0, long seed,
                                            int step) {
        Random rng = new Random(seed * 1_000_003L + step);
        List<Integer> order = new ArrayList<>();
        for (int i = 0; i < tokens.size(); i++) {
            order.add(i);
        }
        java.util.Collections.shuffle(order, rng);
        List<Integer> chosen = new ArrayList<>();
        int longest = 0;
        for (int i : order) {
            int len = Math.max(longest, mels.get(i).length);
            if (!chosen.isEmpty() && len * (chosen.size() + 1) > FINE_TUNE_BATCH_FRAMES) {
                break;
            }
            chosen.add(i);
            longest = len;
        }
        int[][] t = new int[chosen.size()][];
        float[][][] m = new float[chosen.size()][][];
        float[][] p = f0 == null ? null : new float[chosen.size()][];
        for (int k = 0; k < chosen.size(); k++) {
            t[k] = tokens.get(chosen.get(k));
            m[k] = mels.get(chosen.get(k));
            if (p != null) {
                p[k] = f0.get(chosen.get(k));
            }
        }
        return new TrainingCore.Batch(t, m, null, p);
    }

    /** Why trained weights cannot be delivered, or null: the first tensor holding NaN or infinity. */
    private static String nonFiniteWeights(Map<String, ParamStore.Tensor> trained) {
        String name = ParamStore.firstNonFinite(trained);
        return name == null ? null : "the weights " + name + " hold NaN or infinity";
    }
}
