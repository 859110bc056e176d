package dev.voxpipe.model;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.training.GradientCollector;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The training objective and one optimiser step, shared by pretraining and few-shot fine-tuning.
 * Loss = L1(decoded mel) + MSE(prior mean under the MAS alignment) + MSE(log duration). Every
 * step runs in its own sub-manager; arrays that DJL attaches to the parameters' manager during
 * the step (results whose first operand is a parameter, gradient views) are closed afterwards so
 * that native memory stays flat over thousands of steps.
 */
public final class TrainingCore {
    private static final Logger LOG = LoggerFactory.getLogger(TrainingCore.class);
    /**
     * Utterances of one batch: token ids, raw log-mels [frames][M], speaker reference log-mels, and F0 per frame
     * (Hz, 0 where unvoiced; the feature stage's tracker) for models with prosody ({@code null} otherwise).
     */
    public record Batch(int[][] tokens, float[][][] mels, float[][][] refs, float[][] f0) {
        public Batch(int[][] tokens, float[][][] mels, float[][][] refs) {
            this(tokens, mels, refs, null);
        }

        public int frames() {
            int max = 0;
            for (float[][] m : mels) {
                max = Math.max(max, m.length);
            }
            return max * mels.length;
        }

        public int size() {
            return tokens.length;
        }

        /**
         * The items split into at most {@code parts} consecutive micro-batches of near-equal item counts (gradient
         * accumulation: the micro-batches together are this batch).
         */
        public List<Batch> split(int parts) {
            if (parts < 1) {
                throw new IllegalArgumentException("a batch splits into at least one part, not " + parts);
            }
            int n = Math.min(parts, size());
            List<Batch> out = new java.util.ArrayList<>(n);
            for (int k = 0; k < n; k++) {
                int from = k * size() / n;
                int to = (k + 1) * size() / n;
                out.add(new Batch(java.util.Arrays.copyOfRange(tokens, from, to),
                        java.util.Arrays.copyOfRange(mels, from, to),
                        refs == null ? null : java.util.Arrays.copyOfRange(refs, from, to),
                        f0 == null ? null : java.util.Arrays.copyOfRange(f0, from, to)));
            }
            return out;
        }
    }

    /**
     * Denominators of the loss terms (mel elements, tokens, frames, voiced frames) over a whole batch. Each term is a
     * sum over items divided by one of these, so micro-batch losses computed with the whole batch's denominators add
     * up to the whole batch's loss, and their gradients to its gradient.
     */
    public record Normalisers(float melElements, float tokens, float frames, float voicedFrames) {
        public static Normalisers of(Batch batch, ModelConfig c) {
            long frames = 0;
            long tokens = 0;
            long voiced = 0;
            for (int i = 0; i < batch.size(); i++) {
                int melLen = batch.mels()[i].length;
                frames += melLen;
                tokens += batch.tokens()[i].length;
                float[] track = batch.f0() == null ? null : batch.f0()[i];
                for (int t = 0; track != null && t < melLen && t < track.length; t++) {
                    if (track[t] > 0 && Float.isFinite(track[t])) {
                        voiced++;
                    }
                }
            }
            return new Normalisers((float) frames * c.melBins(), tokens, Math.max(1, frames), Math.max(1, voiced));
        }
    }

    /** Scalar losses of one step. */
    public record StepLosses(double total, double mel, double prior, double duration, double prosody, double gradNorm) {
    }

    /** Serialises the engine's single gradient recorder between fine-tunes in one JVM. */
    public static final Object AUTOGRAD_LOCK = new Object();

    private final ModelConfig config;
    private final NDManager paramManager;
    private final Map<String, NDArray> trainable = new LinkedHashMap<>();
    private final Map<String, NDArray> frozen = new LinkedHashMap<>();
    private final Adam adam;
    private final double clipNorm;
    private final boolean mixedPrecision;
    /** Weights trained as LoRA factors ({@link LowRank}): frozen base plus trainable A, B. */
    private final Set<String> lowRank;

    /**
     * @param store      all parameters (trainable ones are those accepted by {@code isTrainable})
     * @param extra      extra trainable tensors (e.g. "voice.embedding"), may be empty
     */
    public TrainingCore(ModelConfig config, NDManager paramManager, ParamStore store,
                        Function<String, Boolean> isTrainable, Map<String, ParamStore.Tensor> extra,
                        double weightDecay, double clipNorm, boolean mixedPrecision) {
        this(config, paramManager, store, isTrainable, extra, weightDecay, clipNorm, mixedPrecision, Set.of());
    }

    /**
     * @param lowRank weights trained as LoRA factors: each stays frozen in {@code store} and its factors
     *                ({@link LowRank#a}, {@link LowRank#b}) must be trainable (in {@code extra} or accepted by
     *                {@code isTrainable})
     */
    public TrainingCore(ModelConfig config, NDManager paramManager, ParamStore store,
                        Function<String, Boolean> isTrainable, Map<String, ParamStore.Tensor> extra,
                        double weightDecay, double clipNorm, boolean mixedPrecision, Set<String> lowRank) {
        this.lowRank = Set.copyOf(lowRank);
        this.config = config;
        this.paramManager = paramManager;
        this.adam = new Adam(weightDecay);
        this.clipNorm = clipNorm;
        this.mixedPrecision = mixedPrecision;
        store.tensors().forEach((name, t) -> {
            NDArray a = t.toNd(paramManager);
            if (isTrainable.apply(name)) {
                a.setRequiresGradient(true);
                trainable.put(name, a);
            } else {
                frozen.put(name, a);
            }
        });
        extra.forEach((name, t) -> {
            NDArray a = t.toNd(paramManager);
            a.setRequiresGradient(true);
            trainable.put(name, a);
        });
    }

    public Adam adam() {
        return adam;
    }

    public Map<String, NDArray> trainable() {
        return trainable;
    }

    /** Current trainable values as Java tensors. */
    public Map<String, ParamStore.Tensor> snapshotTrainable() {
        Map<String, ParamStore.Tensor> out = new LinkedHashMap<>();
        trainable.forEach((k, v) -> out.put(k, ParamStore.Tensor.of(v)));
        return out;
    }

    public ParamStore snapshotAll() {
        ParamStore s = new ParamStore();
        frozen.forEach((k, v) -> s.put(k, ParamStore.Tensor.of(v)));
        trainable.forEach((k, v) -> {
            if (!k.startsWith("voice.")) {
                s.put(k, ParamStore.Tensor.of(v));
            }
        });
        return s;
    }

    /** One optimiser step; {@code learningRate} already scheduled. */
    public StepLosses step(Batch batch, double learningRate) {
        return step(batch, learningRate, 1);
    }

    /**
     * One optimiser step over {@code batch} with gradient accumulation: the batch is split into {@code microBatches}
     * micro-batches, each runs forward and backward on its own (only one micro-batch's activations are alive at a
     * time), their gradients add up in the parameters' gradient buffers, and the optimiser steps once. Each
     * micro-batch's loss uses the whole batch's {@link Normalisers}, so the accumulated gradient is the whole batch's
     * gradient (up to float rounding) and the update is the one large batch's.
     */
    public StepLosses step(Batch batch, double learningRate, int microBatches) {
        try (NDManager step = paramManager.newSubManager()) {
            Gradients g = accumulate(batch, microBatches, step);
            double total = g.losses.total();
            double norm = g.losses.gradNorm();
            boolean finite = Double.isFinite(norm) && Double.isFinite(total);
            if (finite) {
                double clip = norm > clipNorm ? clipNorm / norm : 1.0;
                adam.step(trainable, g.grads, learningRate, clip / g.scale, step);
            }
            if (!finite) {
                List<String> bad = new ArrayList<>();
                g.grads.forEach((name, grad) -> {
                    if (!Float.isFinite(grad.abs().sum().getFloat())) bad.add(name);
                });
                LOG.warn("skipped a step with a non-finite loss or gradient (loss {}, gradient norm {}; non-finite in {})",
                        total, norm, bad);
            }
            // zero_() in place: NaN * 0 stays NaN, and NDArray.set(float[]) would swap the gradient's
            // storage for a Java buffer that is freed with this step (heap corruption at the next backward)
            for (NDArray p : trainable.values()) {
                JniUtils.zeroGrad((PtNDArray) p);
            }
            sweep();
            return g.losses;
        }
    }

    /**
     * The gradient of the batch's loss by trainable parameter, computed in {@code microBatches} micro-batches, as
     * plain float arrays; the parameters are left unchanged (tests compare accumulation with one large batch).
     */
    public Map<String, float[]> gradients(Batch batch, int microBatches) {
        try (NDManager step = paramManager.newSubManager()) {
            Gradients g = accumulate(batch, microBatches, step);
            Map<String, float[]> out = new LinkedHashMap<>();
            g.grads.forEach((k, v) -> out.put(k, v.div((float) g.scale).toFloatArray()));
            for (NDArray p : trainable.values()) {
                JniUtils.zeroGrad((PtNDArray) p);
            }
            sweep();
            return out;
        }
    }

    private record Gradients(Map<String, NDArray> grads, StepLosses losses, double scale) {
    }

    private Gradients accumulate(Batch batch, int microBatches, NDManager step) {
        Engine engine = Devices.engine();
        Map<String, NDArray> all = new HashMap<>(frozen);
        all.putAll(trainable);
        Weights weights = new Weights(all);
        Normalisers whole = Normalisers.of(batch, config);
        double total = 0;
        double mel = 0;
        double prior = 0;
        double dur = 0;
        double pros = 0;
        double scale = mixedPrecision ? 1024.0 : 1.0;
        try (GradientCollector collector = engine.newGradientCollector()) {
            // LoRA weights are composed while the collector records, so the gradient reaches the factors
            for (String w : lowRank) {
                NDArray a = trainable.get(LowRank.a(w));
                NDArray b = trainable.get(LowRank.b(w));
                if (a == null || b == null || !frozen.containsKey(w)) {
                    throw new IllegalStateException("LoRA weight " + w + " needs a frozen base and trainable factors");
                }
                all.put(w, LowRank.compose(frozen.get(w), a, b));
            }
            Weights used = mixedPrecision ? halfPrecision(weights) : weights;
            NDArray embedding = trainable.get("voice.embedding");
            NDArray usedEmbedding = embedding == null ? null
                    : (mixedPrecision ? embedding.toType(DataType.FLOAT16, false) : embedding);
            for (Batch part : batch.split(microBatches)) {
                // each micro-batch's activations are freed once its gradient is in the parameters' buffers
                try (NDManager micro = step.newSubManager()) {
                    Loss loss = aligned(used, config, part, micro, usedEmbedding, whole).loss();
                    total += loss.total.getFloat();
                    mel += loss.mel.getFloat();
                    prior += loss.prior.getFloat();
                    dur += loss.duration.getFloat();
                    pros += loss.prosody == null ? 0 : loss.prosody.getFloat();
                    collector.backward(mixedPrecision ? GraphConstants.mul(loss.total, scale) : loss.total);
                }
            }
        }
        JniUtils.setGradMode(false);
        Map<String, NDArray> grads = new LinkedHashMap<>();
        double sq = 0;
        for (Map.Entry<String, NDArray> e : trainable.entrySet()) {
            NDArray g = e.getValue().getGradient();
            g.attach(step);
            grads.put(e.getKey(), g);
            NDArray s2 = g.square().sum();
            sq += s2.getFloat();
        }
        double norm = Math.sqrt(sq) / scale;
        return new Gradients(grads, new StepLosses(total, mel, prior, dur, pros, norm), scale);
    }

    private static Weights halfPrecision(Weights w) {
        Map<String, NDArray> half = new HashMap<>();
        w.arrays().forEach((k, v) -> half.put(k, v.toType(DataType.FLOAT16, false)));
        return new Weights(half);
    }

    /** Closes arrays attached to the parameters' manager that are neither parameters nor optimiser moments. */
    private void sweep() {
        Set<NDArray> keep = Collections.newSetFromMap(new IdentityHashMap<>());
        keep.addAll(trainable.values());
        keep.addAll(frozen.values());
        keep.addAll(adam.moments());
        for (NDArray a : paramManager.getManagedArrays()) {
            if (!keep.contains(a)) {
                a.close();
            }
        }
    }

    /** Loss terms of one forward pass. */
    public record Loss(NDArray total, NDArray mel, NDArray prior, NDArray duration, NDArray prosody) {
    }

    /**
     * Forward pass with alignment search. With {@code fixedEmbedding} ([E]) every item uses that
     * speaker; otherwise the speaker encoder reads each item's reference.
     */
    public static Loss forward(Weights w, ModelConfig c, Batch batch, NDManager m, NDArray fixedEmbedding) {
        return aligned(w, c, batch, m, fixedEmbedding, Normalisers.of(batch, c)).loss();
    }

    /**
     * The decoder's output for each item under its own alignment (teacher forcing): what the model makes of the
     * recording's text at the recording's timing, frame for frame beside the recording. [frames][MELS] per item.
     */
    public static List<float[][]> teacherForced(Weights w, ModelConfig c, Batch batch, NDManager m, NDArray fixedEmbedding) {
        Aligned a = aligned(w, c, batch, m, fixedEmbedding, Normalisers.of(batch, c));
        float[] flat = a.decoded().toType(DataType.FLOAT32, false).toFloatArray();     // [B, MELS, maxMel]
        int maxMel = (int) a.decoded().getShape().get(2);
        List<float[][]> out = new java.util.ArrayList<>();
        for (int i = 0; i < batch.mels().length; i++) {
            float[][] mel = new float[batch.mels()[i].length][c.melBins()];
            for (int t = 0; t < mel.length; t++) {
                for (int k = 0; k < c.melBins(); k++) mel[t][k] = flat[(i * c.melBins() + k) * maxMel + t] * c.melStd() + c.melMean();
            }
            out.add(mel);
        }
        return out;
    }

    /** {@code predictedProsody}: the prosody predictor's output [B, 3, F] (null for models without prosody). */
    private record Aligned(Loss loss, NDArray decoded, NDArray predictedProsody) {
    }

    /**
     * The prosody predictor's output under each item's own alignment (teacher forcing, as {@link #teacherForced}):
     * [3][frames] per item, normalised log-F0, voicing logit and energy, frame for frame beside the recording. What
     * {@code bench.ProsodyFit} compares with the recording's F0, timing apart. Models with prosody only.
     */
    public static List<float[][]> teacherForcedProsody(Weights w, ModelConfig c, Batch batch, NDManager m, NDArray fixedEmbedding) {
        if (!c.prosody()) throw new IllegalArgumentException("this model predicts no prosody");
        Aligned a = aligned(w, c, batch, m, fixedEmbedding, Normalisers.of(batch, c));
        float[] flat = a.predictedProsody().toType(DataType.FLOAT32, false).toFloatArray();
        int maxMel = (int) a.predictedProsody().getShape().get(2);
        List<float[][]> out = new java.util.ArrayList<>();
        for (int i = 0; i < batch.mels().length; i++) {
            float[][] p = new float[AcousticModel.PROSODY_CHANNELS][batch.mels()[i].length];
            for (int k = 0; k < p.length; k++) {
                for (int t = 0; t < p[k].length; t++) p[k][t] = flat[(i * p.length + k) * maxMel + t];
            }
            out.add(p);
        }
        return out;
    }

    /** {@code n}: the denominators of the loss terms (this batch's own, or a whole batch's for one micro-batch). */
    private static Aligned aligned(Weights w, ModelConfig c, Batch batch, NDManager m, NDArray fixedEmbedding,
                                   Normalisers n) {
        int b = batch.tokens().length;
        int[] tokLens = new int[b];
        int[] melLens = new int[b];
        int[] refLens = new int[b];
        int maxTok = 1;
        int maxMel = 1;
        int maxRef = 1;
        for (int i = 0; i < b; i++) {
            tokLens[i] = batch.tokens()[i].length;
            melLens[i] = batch.mels()[i].length;
            refLens[i] = batch.refs() == null ? 0 : batch.refs()[i].length;
            maxTok = Math.max(maxTok, tokLens[i]);
            maxMel = Math.max(maxMel, melLens[i]);
            maxRef = Math.max(maxRef, refLens[i]);
        }
        DataType type = w.get("prior.w").getDataType();
        NDArray tmask = AcousticModel.mask(m, tokLens, maxTok).toType(type, false);
        NDArray fmask = AcousticModel.mask(m, melLens, maxMel).toType(type, false);
        NDArray oneHot = AcousticModel.oneHot(m, batch.tokens(), maxTok, c.vocabSize()).toType(type, false);
        NDArray text = AcousticModel.encodeText(w, c, oneHot, tmask);
        NDArray embedding;
        if (fixedEmbedding != null) {
            embedding = fixedEmbedding.reshape(1, -1).repeat(0, b);
        } else {
            NDArray rmask = AcousticModel.mask(m, refLens, maxRef).toType(type, false);
            NDArray refs = AcousticModel.mels(m, c, batch.refs(), maxRef).toType(type, false);
            embedding = AcousticModel.speakerEmbedding(w, refs, rmask);
        }
        NDArray conditioned = AcousticModel.conditionText(w, text, embedding, tmask);
        NDArray mu = AcousticModel.prior(w, conditioned, tmask);
        NDArray x = AcousticModel.mels(m, c, batch.mels(), maxMel).toType(type, false);
        float[][][] scores = AcousticModel.alignmentScores(mu, x);
        int[][] durations = new int[b][];
        float[] logTarget = new float[b * maxTok];
        for (int i = 0; i < b; i++) {
            durations[i] = MonotonicAlignment.durations(scores[i], tokLens[i], melLens[i]);
            for (int t = 0; t < tokLens[i]; t++) {
                logTarget[i * maxTok + t] = (float) Math.log(durations[i][t]);
            }
        }
        NDArray expand = AcousticModel.expansion(m, durations, maxTok, maxMel).toType(type, false);
        NDArray muFrames = mu.batchMatMul(expand);
        NDArray textFrames = conditioned.batchMatMul(expand);
        NDArray xf = x.toType(DataType.FLOAT32, false);
        NDArray fm = fmask.toType(DataType.FLOAT32, false);
        NDArray prosodyLoss = null;
        NDArray predictedProsody = null;
        NDArray decoderInput = textFrames;
        if (c.prosody()) {
            if (batch.f0() == null) {
                throw new IllegalArgumentException("a model with prosody trains on F0 tracks; the batch has none");
            }
            NDArray target = prosodyTarget(m, batch.f0(), melLens, maxMel, xf, fm);              // [B, 3, F]
            NDArray positions = c.prosodyPositions() ? AcousticModel.positions(m, durations, melLens, maxMel) : null;
            NDArray predicted = AcousticModel.variance(w, c, textFrames, positions, fmask).toType(DataType.FLOAT32, false);
            prosodyLoss = prosodyLoss(predicted, target, fm, n);
            predictedProsody = predicted;
            decoderInput = AcousticModel.withProsody(w, textFrames, target.toType(type, false), fmask);
        }
        NDArray decoded = AcousticModel.decode(w, c, decoderInput, muFrames, embedding, fmask);
        float denom = n.melElements();
        NDArray priorLoss = GraphConstants.div(xf.sub(muFrames.toType(DataType.FLOAT32, false)).square().mul(fm).sum(), denom);
        NDArray melLoss = GraphConstants.div(xf.sub(decoded.toType(DataType.FLOAT32, false)).abs().mul(fm).sum(), denom);
        NDArray logPred = AcousticModel.logDurations(w, conditioned, tmask).toType(DataType.FLOAT32, false);
        NDArray target = m.create(logTarget, new Shape(b, maxTok));
        NDArray tm = tmask.squeeze(1).toType(DataType.FLOAT32, false);
        NDArray durLoss = GraphConstants.div(logPred.sub(target).square().mul(tm).sum(), n.tokens());
        NDArray total = melLoss.add(priorLoss).add(durLoss);
        if (prosodyLoss != null) {
            total = total.add(prosodyLoss);
        }
        return new Aligned(new Loss(total, melLoss, priorLoss, durLoss, prosodyLoss), decoded, predictedProsody);
    }

    /**
     * [B, 3, F] prosody of the recordings: normalised log-F0 (0 where unvoiced), voicing 0/1, and energy = the mean
     * of the frame's normalised log-mel ({@code x} [B, M, F], {@code fm} [B, 1, F]).
     */
    static NDArray prosodyTarget(NDManager m, float[][] f0, int[] melLens, int maxMel, NDArray x, NDArray fm) {
        int b = melLens.length;
        float[] pitch = new float[b * 2 * maxMel];
        for (int i = 0; i < b; i++) {
            float[] track = f0[i];
            for (int t = 0; t < melLens[i] && track != null && t < track.length; t++) {
                if (track[t] > 0 && Float.isFinite(track[t])) {
                    pitch[(i * 2) * maxMel + t] = AcousticModel.normalisedLogF0(Math.log(track[t]));
                    pitch[(i * 2 + 1) * maxMel + t] = 1f;
                }
            }
        }
        NDArray energy = x.mean(new int[]{1}, true).mul(fm);
        return m.create(pitch, new Shape(b, 2, maxMel)).concat(energy, 1);
    }

    /**
     * MSE of log-F0 on voiced frames + binary cross-entropy of voicing + MSE of energy, on valid frames; the frame
     * and voiced-frame counts come from {@code n}.
     */
    static NDArray prosodyLoss(NDArray predicted, NDArray target, NDArray fm, Normalisers n) {
        NDArray mask = fm.squeeze(1);                                      // [B, F]
        NDArray voiced = target.get(":, 1, :");
        float frames = n.frames();
        NDArray pitch = GraphConstants.div(predicted.get(":, 0, :").sub(target.get(":, 0, :")).square().mul(voiced).mul(mask)
                .sum(), n.voicedFrames());
        NDArray z = predicted.get(":, 1, :");
        // stable BCE with logits: max(z, 0) - z y + log(1 + exp(-|z|))
        NDArray bce = GraphConstants.div(GraphConstants.maximum(z, 0).sub(z.mul(voiced)).add(z.abs().neg().exp().add(1f).log())
                .mul(mask).sum(), frames);
        NDArray energy = GraphConstants.div(predicted.get(":, 2, :").sub(target.get(":, 2, :")).square().mul(mask).sum(), frames);
        return pitch.add(bce).add(energy);
    }
}
