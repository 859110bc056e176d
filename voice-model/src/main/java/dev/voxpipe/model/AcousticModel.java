package dev.voxpipe.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.core.Linear;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The acoustic model as pure functions of named weights (channel-first tensors [B, C, T]):
 * <ul>
 *   <li>text encoder: token embedding + dilated residual convs (prosody context ~ 50 symbols);</li>
 *   <li>speaker encoder: convs over reference log-mel frames, masked mean, projection to 256-d;</li>
 *   <li>prior: per-token mean log-mel conditioned on the speaker (drives monotonic alignment);</li>
 *   <li>duration predictor on the (detached) encoder output;</li>
 *   <li>decoder: FiLM-conditioned residual convs on the token states expanded to frames, adding a
 *       residual on top of the expanded prior mean.</li>
 * </ul>
 * Functional style (no DJL Blocks) lets a voice's adapter tensors be passed per call.
 */
public final class AcousticModel {
    private static final int KERNEL = 5;
    /** Off by default since the validation sweep (voice-model README): adapting it costs intelligibility. */
    private static final boolean ADAPT_TEXT = "true".equals(System.getProperty("voxpipe.adaptText"));
    /**
     * Experiment switch (validation split only): whether few-shot adapts the duration predictor. On: in the v2
     * validation sweep freezing it moved the open-WER ratio within noise (1.37x / 1.67x against 1.39x / 1.89x, real /
     * flite_rms) while the clone spoke 6 % slower than the speaker (rate 0.94) and MCD rose (2.81 / 1.90 against
     * 2.75 / 1.87 dB).
     */
    private static final boolean ADAPT_DURATION = !"false".equals(System.getProperty("voxpipe.adaptDuration"));
    private static final int[] DILATIONS = {1, 2, 4, 1, 2, 4};
    /** Experiment switch (validation split only): the name prefixes few-shot adapts, comma-separated. */
    private static final List<String> ADAPTERS = System.getProperty("voxpipe.adapters") == null ? null
            : List.of(System.getProperty("voxpipe.adapters").split(","));

    private AcousticModel() {
    }

    /** Name and shape of every parameter. */
    public static Map<String, long[]> parameterSpecs(ModelConfig c) {
        Map<String, long[]> s = new LinkedHashMap<>();
        int ch = c.channels();
        int e = c.speakerDim();
        int m = c.melBins();
        s.put("text.emb.w", new long[]{c.vocabSize(), ch});
        for (int i = 0; i < c.encoderLayers(); i++) {
            s.put("text.conv" + i + ".w", new long[]{ch, ch, KERNEL});
            s.put("text.conv" + i + ".b", new long[]{ch});
            s.put("text.ln" + i + ".g", new long[]{ch});
            s.put("text.ln" + i + ".b", new long[]{ch});
        }
        s.put("spk.conv0.w", new long[]{ch, m, 3});
        s.put("spk.conv0.b", new long[]{ch});
        s.put("spk.conv1.w", new long[]{ch, ch, 3});
        s.put("spk.conv1.b", new long[]{ch});
        s.put("spk.proj.w", new long[]{e, ch});
        s.put("spk.proj.b", new long[]{e});
        s.put("cond.text.w", new long[]{ch, e});
        s.put("cond.text.b", new long[]{ch});
        s.put("prior.w", new long[]{m, ch, 1});
        s.put("prior.b", new long[]{m});
        int dc = c.durationChannels();
        s.put("dur.conv0.w", new long[]{dc, ch, 3});
        s.put("dur.conv0.b", new long[]{dc});
        s.put("dur.ln0.g", new long[]{dc});
        s.put("dur.ln0.b", new long[]{dc});
        s.put("dur.conv1.w", new long[]{dc, dc, 3});
        s.put("dur.conv1.b", new long[]{dc});
        s.put("dur.ln1.g", new long[]{dc});
        s.put("dur.ln1.b", new long[]{dc});
        s.put("dur.out.w", new long[]{1, dc, 1});
        s.put("dur.out.b", new long[]{1});
        for (int i = 0; i < c.decoderLayers(); i++) {
            s.put("dec.conv" + i + ".w", new long[]{ch, ch, KERNEL});
            s.put("dec.conv" + i + ".b", new long[]{ch});
            s.put("dec.ln" + i + ".g", new long[]{ch});
            s.put("dec.ln" + i + ".b", new long[]{ch});
            s.put("dec.film" + i + ".w", new long[]{2L * ch, e});
            s.put("dec.film" + i + ".b", new long[]{2L * ch});
        }
        s.put("dec.out.w", new long[]{m, ch, 1});
        s.put("dec.out.b", new long[]{m});
        if (c.prosody()) {
            if (c.prosodyPositions()) {
                s.put("var.pos.w", new long[]{ch, POSITION_CHANNELS, 1});
            }
            for (int i = 0; i < c.varianceLayers(); i++) {
                s.put("var.conv" + i + ".w", new long[]{ch, ch, KERNEL});
                s.put("var.conv" + i + ".b", new long[]{ch});
                s.put("var.ln" + i + ".g", new long[]{ch});
                s.put("var.ln" + i + ".b", new long[]{ch});
            }
            s.put("var.out.w", new long[]{PROSODY_CHANNELS, ch, 1});
            s.put("var.out.b", new long[]{PROSODY_CHANNELS});
            s.put("var.emb.w", new long[]{ch, PROSODY_CHANNELS, KERNEL});
            s.put("var.emb.b", new long[]{ch});
        }
        return s;
    }

    /**
     * What a few-shot voice adapts: the decoder (with its FiLM layers), the prosody predictor, the prior, the duration
     * predictor and the speaker-to-text projection; the text encoder and the speaker encoder stay frozen (adapting the
     * text encoder cost intelligibility on one minute of speech). {@code -Dvoxpipe.adaptText=true} and
     * {@code -Dvoxpipe.adaptDuration=false} change that, {@code -Dvoxpipe.adapters=prefix,...} names the whole set
     * (experiment switches for the validation split).
     */
    public static boolean isVoiceAdapter(String name) {
        if (ADAPTERS != null) {
            return ADAPTERS.stream().anyMatch(name::startsWith);
        }
        return name.startsWith("dec.") || name.startsWith("var.") || name.startsWith("prior.") || (ADAPT_DURATION && name.startsWith("dur."))
                || name.startsWith("cond.text") || (ADAPT_TEXT && name.startsWith("text."));
    }

    /** Prosody channels per frame: normalised log-F0, voicing (logit when predicted, 0/1 as input), energy. */
    public static final int PROSODY_CHANNELS = 3;
    /** Log-F0 is fed and predicted as (ln f0 - LOG_F0_CENTRE) / LOG_F0_SCALE: ln 150 Hz, half an octave-ish. */
    public static final float LOG_F0_CENTRE = 5.0f;
    public static final float LOG_F0_SCALE = 0.5f;

    /** ln F0 of a normalised log-F0 value (what the prosody predictor reads and writes). */
    public static double logF0(float normalised) {
        return normalised * LOG_F0_SCALE + LOG_F0_CENTRE;
    }

    /** The normalised value of ln F0. */
    public static float normalisedLogF0(double logF0) {
        return (float) ((logF0 - LOG_F0_CENTRE) / LOG_F0_SCALE);
    }

    /**
     * The variance predictor (FastSpeech 2-style, at frame level): from the token states expanded to frames
     * [B, C, F] (plus, for a model with {@code prosodyPositions}, a projection of the frames' {@link #positions}
     * [B, 4, F]) to [B, 3, F] = normalised log-F0, voicing logit, energy (mean normalised log-mel of the frame).
     * Layer i has dilation 1, 2, 4, 8 ...: two layers see 13 frames, four see 61.
     */
    public static NDArray variance(Weights w, ModelConfig c, NDArray frames, NDArray positions, NDArray mask) {
        NDArray x = frames;
        if (c.prosodyPositions()) {
            if (positions == null) throw new IllegalArgumentException("this prosody predictor reads frame positions");
            x = x.add(conv(positions.toType(frames.getDataType(), false), w.get("var.pos.w"), null, 1)).mul(mask);
        }
        for (int i = 0; i < c.varianceLayers(); i++) {
            NDArray y = Activation.relu(conv(x, w.get("var.conv" + i + ".w"), w.get("var.conv" + i + ".b"), varianceDilation(i)));
            x = x.add(channelNorm(y, w.get("var.ln" + i + ".g"), w.get("var.ln" + i + ".b"))).mul(mask);
        }
        return conv(x, w.get("var.out.w"), w.get("var.out.b"), 1).mul(mask);
    }

    static int varianceDilation(int layer) {
        return layer < 2 ? 1 + layer : 1 << layer;
    }

    /** Position features the prosody predictor may read per frame (see {@link #positions}). */
    public static final int POSITION_CHANNELS = 4;
    /** Frames (2 s) over which the distance from either end of an utterance saturates. */
    private static final float POSITION_HORIZON_FRAMES = 200f;

    /**
     * Where each frame stands, [B, 4, F] (0 past an item's frames): its relative place in the utterance (0 at the
     * first frame, 1 at the last), its distance from the start and from the end (saturating at 2 s, scaled to 0..1),
     * and its relative place within its token. What the token states cannot say: the F0 contour of speech falls
     * across a sentence and most of all at its end, and moves within a long vowel.
     */
    public static NDArray positions(NDManager manager, int[][] durations, int[] frames, int maxFrames) {
        int b = frames.length;
        float[] data = new float[b * POSITION_CHANNELS * maxFrames];
        for (int k = 0; k < b; k++) {
            int total = Math.min(frames[k], maxFrames);
            int base = k * POSITION_CHANNELS * maxFrames;
            for (int t = 0; t < total; t++) {
                data[base + t] = total > 1 ? t / (float) (total - 1) : 0f;
                data[base + maxFrames + t] = Math.min(1f, t / POSITION_HORIZON_FRAMES);
                data[base + 2 * maxFrames + t] = Math.min(1f, (total - 1 - t) / POSITION_HORIZON_FRAMES);
            }
            int f = 0;
            for (int i = 0; i < durations[k].length && f < total; i++) {
                int d = durations[k][i];
                for (int j = 0; j < d && f < total; j++, f++) {
                    data[base + 3 * maxFrames + f] = d > 1 ? j / (float) (d - 1) : 0.5f;
                }
            }
        }
        return manager.create(data, new Shape(b, POSITION_CHANNELS, maxFrames));
    }

    /**
     * What the decoder reads of the prosody: the frames plus an embedding of [log-F0 (0 where unvoiced), voicing
     * 0/1, energy] ([B, 3, F], measured when training, predicted when synthesising).
     */
    public static NDArray withProsody(Weights w, NDArray frames, NDArray prosody, NDArray mask) {
        return frames.add(conv(prosody, w.get("var.emb.w"), w.get("var.emb.b"), 1)).mul(mask);
    }

    static NDArray conv(NDArray x, NDArray w, NDArray b, int dilation) {
        return Convolution.conv1d(x, w, b, dilation);
    }

    /** Layer norm over channels of a channel-first tensor. */
    static NDArray channelNorm(NDArray x, NDArray g, NDArray b) {
        NDArray mean = x.mean(new int[]{1}, true);
        NDArray centred = x.sub(mean);
        NDArray var = centred.square().mean(new int[]{1}, true);
        return centred.div(var.add(1e-5f).sqrt()).mul(g.reshape(1, -1, 1)).add(b.reshape(1, -1, 1));
    }

    /**
     * v1 (graphemes) repeats 1, 2, 4; the phoneme model doubles per layer (1 ... 32 over six layers, about 250 ids
     * or 120 phonemes of context) so that the encoder sees the whole sentence.
     */
    static int textDilation(ModelConfig c, int layer) {
        return c.input() == ModelConfig.Input.PHONEMES ? 1 << layer : DILATIONS[layer % DILATIONS.length];
    }

    /** @param tokensOneHot [B, T, V] one-hot ids; mask [B, 1, T] → [B, C, T] */
    public static NDArray encodeText(Weights w, ModelConfig c, NDArray tokensOneHot, NDArray mask) {
        NDArray x = tokensOneHot.matMul(w.get("text.emb.w")).transpose(0, 2, 1).mul(mask);
        for (int i = 0; i < c.encoderLayers(); i++) {
            NDArray y = conv(x, w.get("text.conv" + i + ".w"), w.get("text.conv" + i + ".b"), textDilation(c, i));
            y = channelNorm(Activation.relu(y), w.get("text.ln" + i + ".g"), w.get("text.ln" + i + ".b"));
            x = x.add(y).mul(mask);
        }
        return x;
    }

    /** @param refMels normalised [B, M, T]; mask [B, 1, T] → embedding [B, E] */
    public static NDArray speakerEmbedding(Weights w, NDArray refMels, NDArray mask) {
        NDArray r = Activation.relu(conv(refMels, w.get("spk.conv0.w"), w.get("spk.conv0.b"), 1));
        r = Activation.relu(conv(r, w.get("spk.conv1.w"), w.get("spk.conv1.b"), 2)).mul(mask);
        NDArray pooled = r.sum(new int[]{2}).div(mask.sum(new int[]{2}).maximum(1f));
        return Linear.linear(pooled, w.get("spk.proj.w"), w.get("spk.proj.b")).singletonOrThrow();
    }

    /** Token states with the speaker added: [B, C, T]. */
    public static NDArray conditionText(Weights w, NDArray text, NDArray embedding, NDArray mask) {
        NDArray bias = Linear.linear(embedding, w.get("cond.text.w"), w.get("cond.text.b")).singletonOrThrow();
        return text.add(bias.expandDims(2)).mul(mask);
    }

    /** Per-token prior mean of the normalised log-mel: [B, M, T]. */
    public static NDArray prior(Weights w, NDArray conditioned, NDArray mask) {
        return conv(conditioned, w.get("prior.w"), w.get("prior.b"), 1).mul(mask);
    }

    /** Predicted log-durations [B, T] (frames), from detached token states. */
    public static NDArray logDurations(Weights w, NDArray conditioned, NDArray mask) {
        NDArray x = conditioned.stopGradient();
        for (int i = 0; i < 2; i++) {
            x = Activation.relu(conv(x, w.get("dur.conv" + i + ".w"), w.get("dur.conv" + i + ".b"), 1));
            x = channelNorm(x, w.get("dur.ln" + i + ".g"), w.get("dur.ln" + i + ".b")).mul(mask);
        }
        return conv(x, w.get("dur.out.w"), w.get("dur.out.b"), 1).mul(mask).squeeze(1);
    }

    /**
     * @param frames   token states expanded to frames [B, C, F]
     * @param priorMel expanded prior mean [B, M, F]
     * @return normalised log-mel [B, M, F]
     */
    public static NDArray decode(Weights w, ModelConfig c, NDArray frames, NDArray priorMel, NDArray embedding,
                                 NDArray mask) {
        NDArray x = frames;
        long ch = c.channels();
        for (int i = 0; i < c.decoderLayers(); i++) {
            NDArray y = conv(x, w.get("dec.conv" + i + ".w"), w.get("dec.conv" + i + ".b"), DILATIONS[i % DILATIONS.length]);
            y = channelNorm(Activation.relu(y), w.get("dec.ln" + i + ".g"), w.get("dec.ln" + i + ".b"));
            NDArray film = Linear.linear(embedding, w.get("dec.film" + i + ".w"), w.get("dec.film" + i + ".b"))
                    .singletonOrThrow().expandDims(2);
            NDArray scale = film.get(":, 0:" + ch + ", :");
            NDArray shift = film.get(":, " + ch + ":, :");
            y = y.mul(scale.add(1f)).add(shift);
            x = x.add(y).mul(mask);
        }
        return conv(x, w.get("dec.out.w"), w.get("dec.out.b"), 1).add(priorMel).mul(mask);
    }

    /** Expansion matrix [B, T, F] with a one for each (token, frame) of the given durations. */
    public static NDArray expansion(NDManager manager, int[][] durations, int tokens, int frames) {
        int b = durations.length;
        float[] data = new float[b * tokens * frames];
        for (int k = 0; k < b; k++) {
            int f = 0;
            for (int i = 0; i < durations[k].length && i < tokens; i++) {
                for (int d = 0; d < durations[k][i] && f < frames; d++, f++) {
                    data[(k * tokens + i) * frames + f] = 1f;
                }
            }
        }
        return manager.create(data, new Shape(b, tokens, frames));
    }

    /** One-hot [B, T, V] of padded token ids. */
    public static NDArray oneHot(NDManager manager, int[][] tokens, int maxLen, int vocab) {
        float[] data = new float[tokens.length * maxLen * vocab];
        for (int k = 0; k < tokens.length; k++) {
            for (int i = 0; i < tokens[k].length; i++) {
                data[(k * maxLen + i) * vocab + tokens[k][i]] = 1f;
            }
        }
        return manager.create(data, new Shape(tokens.length, maxLen, vocab));
    }

    /** Mask [B, 1, maxLen] of valid positions. */
    public static NDArray mask(NDManager manager, int[] lengths, int maxLen) {
        float[] data = new float[lengths.length * maxLen];
        for (int k = 0; k < lengths.length; k++) {
            for (int i = 0; i < lengths[k] && i < maxLen; i++) {
                data[k * maxLen + i] = 1f;
            }
        }
        return manager.create(data, new Shape(lengths.length, 1, maxLen));
    }

    /** Padded normalised mels [B, M, maxLen] from [frames][M] log-mels. */
    public static NDArray mels(NDManager manager, ModelConfig c, float[][][] logMels, int maxLen) {
        int m = c.melBins();
        float[] data = new float[logMels.length * m * maxLen];
        for (int k = 0; k < logMels.length; k++) {
            float[][] x = logMels[k];
            for (int t = 0; t < x.length && t < maxLen; t++) {
                for (int j = 0; j < m; j++) {
                    data[(k * m + j) * maxLen + t] = (x[t][j] - c.melMean()) / c.melStd();
                }
            }
        }
        return manager.create(data, new Shape(logMels.length, m, maxLen));
    }

    /**
     * Log-likelihood of every frame under every token's prior (unit-variance Gaussian, constants
     * dropped): [B, T, F] as Java arrays for {@link MonotonicAlignment}.
     */
    public static float[][][] alignmentScores(NDArray priorMean, NDArray mel) {
        NDArray mu = priorMean.stopGradient();
        NDArray x = mel.stopGradient();
        NDArray muSq = mu.square().sum(new int[]{1}).expandDims(2);          // [B, T, 1]
        NDArray xSq = x.square().sum(new int[]{1}).expandDims(1);            // [B, 1, F]
        NDArray cross = mu.transpose(0, 2, 1).batchMatMul(x);                // [B, T, F]
        NDArray ll = cross.sub(muSq.mul(0.5f)).sub(xSq.mul(0.5f));
        long[] s = ll.getShape().getShape();
        float[] flat = ll.toType(DataType.FLOAT32, false).toFloatArray();
        float[][][] out = new float[(int) s[0]][(int) s[1]][(int) s[2]];
        int p = 0;
        for (int b = 0; b < s[0]; b++) {
            for (int t = 0; t < s[1]; t++) {
                System.arraycopy(flat, p, out[b][t], 0, (int) s[2]);
                p += (int) s[2];
            }
        }
        return out;
    }
}
