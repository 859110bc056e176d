package dev.voxpipe.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A fine-tuned voice's own clip frames, and synthesis corrected from them: kNN-VC's matching (Baas et al. 2023) in
 * log-mel space, used as a nearest-neighbour post-net. The decoder's mel is an average over the speakers it was
 * trained on; the voice's clips hold the speaker's real spectral shapes.
 *
 * <p>All frames are compared as spectral shapes (the log-mel minus its mean over bins), so a frame's level stays.
 * At the end of a fine-tune the voice renders its own clips under teacher forcing (their text at their timing). For
 * every clip frame it stores the <em>key</em>, its rendering's shape (pairs of bins averaged, 16-bit), and the
 * <em>residual</em>, the recording's shape minus the rendering's (16-bit): what the voice still gets wrong there.
 * Frames within 40 dB of their clip's loudest with {@link #CONTEXT} frames of the same clip on each side may be
 * matched. At synthesis each speech frame of the rendered mel is compared with the keys over its own ±{@link #CONTEXT}
 * frames, and {@link #RESIDUAL_SHARE} of the mean residual of the {@link #NEIGHBOURS} nearest is added. Keys and
 * rendering come from the same model, so like is compared with like, and a residual corrects only what the model
 * gets wrong for that sound in that context: the words survive.
 *
 * <p>Chosen on the evaluation protocol's validation split with v2.2 (voice-model README, "Clip frames"), over two
 * fine-tune seeds (42 | 7), against the shape matching it replaces: open-WER ratios 0.89 | 1.02 -> 0.79 | 0.81x
 * (Allison) and 1.29 | 1.44 -> 1.18 | 1.27x (flite_rms), better words in all four comparisons and better than no
 * matching in all four; MCD 2.54 | 2.53 -> 2.60 | 2.58 dB (Allison), 1.62 | 1.61 -> 1.63 | 1.63 dB (flite_rms).
 *
 * <p>Voices made before keys were stored carry the clips' own shapes ({@link #FRAMES}) instead; their frames' shapes
 * are moved {@link #SHAPE_SHARE} of the way to the nearest clip frames' mean shape, as when they were made.
 */
final class ClipFrames {
    /** [frames, bins] the recording's shape minus its teacher-forced rendering's, stored 16-bit. */
    static final String RESIDUALS = "voice.clipResiduals";
    /** [frames, bins / 2] the teacher-forced rendering's shape, pairs of bins averaged, stored 16-bit. */
    static final String KEYS = "voice.clipKeys";
    /** [frames] 1 where a frame may be matched, else 0. */
    static final String MATCHABLE = "voice.clipFramesMatchable";
    /** [frames, bins] the clips' own shapes, stored 16-bit: voices made before {@link #KEYS} (shape matching). */
    static final String FRAMES = "voice.clipFrames";

    static final int NEIGHBOURS = 8;
    static final int CONTEXT = 2;
    /** The share of the neighbours' mean residual added; 0 turns all matching off, and fine-tunes store no clips. */
    static final double RESIDUAL_SHARE = Double.parseDouble(System.getProperty("voxpipe.clipFrames.share", "0.75"));
    /** How far an older voice's frame shape moves towards its neighbours' mean shape (its validated 0.5). */
    static final double SHAPE_SHARE = 0.5;
    /**
     * At most 66 s of clips: whole clips in upload order, leaving out any that would overflow. At 304 bytes a frame
     * (residual, key, mark) that is 2.0 MB, so a delta stays under the 5 MB bar (the adapters are 2.96 MB).
     */
    static final int MAX_FRAMES = 6600;
    /** Rendered frames matched per engine call, bounding the distance matrix (frames x pool) it holds. */
    private static final int BLOCK = 512;

    private ClipFrames() {
    }

    /** Whether fine-tunes store clip frames (not when sweeps turn the matching off). */
    static boolean enabled() {
        return RESIDUAL_SHARE > 0;
    }

    /** The clips a voice keeps, by index: whole clips in upload order, leaving out any that would overflow the cap. */
    static List<Integer> kept(List<float[][]> clipMels) {
        List<Integer> kept = new ArrayList<>();
        int total = 0;
        for (int i = 0; i < clipMels.size(); i++) {
            int length = clipMels.get(i).length;
            if (length > 0 && total + length <= MAX_FRAMES) {
                kept.add(i);
                total += length;
            }
        }
        return kept;
    }

    /**
     * The tensors a fine-tune stores with its voice, from its {@link #kept} clips and the voice's teacher-forced
     * rendering of each (as synthesis would have it, spectral bias taken off): residuals, keys and which frames may be
     * matched. {@link VoiceDelta} rounds residuals and keys to 16 bits when the voice is made.
     */
    static Map<String, ParamStore.Tensor> of(List<float[][]> clipMels, List<float[][]> rendered) {
        if (clipMels.size() != rendered.size()) {
            throw new IllegalArgumentException(clipMels.size() + " clips but " + rendered.size() + " renderings");
        }
        Map<String, ParamStore.Tensor> out = new LinkedHashMap<>();
        int total = 0;
        for (int i = 0; i < clipMels.size(); i++) {
            if (rendered.get(i).length != clipMels.get(i).length) {
                throw new IllegalArgumentException("clip " + i + " has " + clipMels.get(i).length + " frames but its rendering "
                        + rendered.get(i).length);
            }
            total += clipMels.get(i).length;
        }
        if (total == 0) return out;
        int bins = clipMels.get(0)[0].length;
        float[] residuals = new float[total * bins];
        float[] keys = new float[total * (bins / 2)];
        int row = 0;
        for (int i = 0; i < clipMels.size(); i++) {
            float[][] mel = clipMels.get(i);
            for (int t = 0; t < mel.length; t++, row++) {
                float[] recorded = shape(mel[t]);
                float[] key = shape(rendered.get(i)[t]);
                for (int b = 0; b < bins; b++) residuals[row * bins + b] = recorded[b] - key[b];
                System.arraycopy(halfBins(key), 0, keys, row * (bins / 2), bins / 2);
            }
        }
        out.put(RESIDUALS, new ParamStore.Tensor(new long[]{total, bins}, residuals));
        out.put(KEYS, new ParamStore.Tensor(new long[]{total, bins / 2}, keys));
        out.put(MATCHABLE, new ParamStore.Tensor(new long[]{total}, matchable(clipMels, total)));
        return out;
    }

    /** The shape-matching tensors of voices made before {@link #KEYS}: the kept clips' own shapes (tests build them). */
    static Map<String, ParamStore.Tensor> shapesOf(List<float[][]> clipMels) {
        List<float[][]> kept = kept(clipMels).stream().map(clipMels::get).toList();
        Map<String, ParamStore.Tensor> out = new LinkedHashMap<>();
        if (kept.isEmpty()) return out;
        int bins = kept.get(0)[0].length;
        int total = kept.stream().mapToInt(mel -> mel.length).sum();
        float[] shapes = new float[total * bins];
        int row = 0;
        for (float[][] mel : kept) {
            for (int t = 0; t < mel.length; t++, row++) System.arraycopy(shape(mel[t]), 0, shapes, row * bins, bins);
        }
        out.put(FRAMES, new ParamStore.Tensor(new long[]{total, bins}, shapes));
        out.put(MATCHABLE, new ParamStore.Tensor(new long[]{total}, matchable(kept, total)));
        return out;
    }

    /**
     * 1 for each frame of {@code clips} (in order, {@code total} in all) that may be matched: a speech frame (within
     * 40 dB of its clip's loudest) with {@link #CONTEXT} frames of its own clip on each side; else 0.
     */
    private static float[] matchable(List<float[][]> clips, int total) {
        float[] out = new float[total];
        int row = 0;
        for (float[][] mel : clips) {
            boolean[] speech = Synthesizer.speechFrames(mel);
            for (int t = 0; t < mel.length; t++, row++) out[row] = speech[t] && t >= CONTEXT && t + CONTEXT < mel.length ? 1 : 0;
        }
        return out;
    }

    /** Whether a voice carries clip frames to match: residuals and keys, or an older voice's shapes. */
    static boolean carried(VoiceDelta voice) {
        if (!enabled() || voice == null || !voice.overrides().containsKey(MATCHABLE)) return false;
        Map<String, ParamStore.Tensor> o = voice.overrides();
        return o.containsKey(RESIDUALS) && o.containsKey(KEYS) || o.containsKey(FRAMES);
    }

    /**
     * Corrects each speech frame of every one of {@code mels} (in place) from the voice's nearest clip frames. The
     * pool (its engine copy, norms and candidates) is prepared once for all the sentences of a rendering.
     */
    static void correct(NDManager manager, List<float[][]> mels, VoiceDelta voice) {
        Map<String, ParamStore.Tensor> o = voice.overrides();
        boolean residual = o.containsKey(RESIDUALS) && o.containsKey(KEYS);
        ParamStore.Tensor values = o.get(residual ? RESIDUALS : FRAMES);
        ParamStore.Tensor keyTensor = residual ? o.get(KEYS) : values;
        float[] matchable = o.get(MATCHABLE).data();
        int bins = (int) values.shape()[1];
        int keyBins = (int) keyTensor.shape()[1];
        int n = (int) values.shape()[0];
        if (matchable.length != n || keyTensor.shape()[0] != n || keyBins != (residual ? bins / 2 : bins)) return;
        int[] candidates = candidates(matchable);
        if (candidates.length == 0) return;
        float[] keys = keyTensor.data();
        Pool pool = new Pool(keys, rowNorms(keys, n, keyBins), values.data(), candidates,
                Math.min(NEIGHBOURS, candidates.length), bins, keyBins, n, residual);
        try (NDManager m = manager.newSubManager()) {
            NDArray keysT = m.create(keys, new Shape(n, keyBins)).transpose();
            for (float[][] mel : mels) {
                if (mel.length > 0 && mel[0].length == bins) correct(m, mel, pool, keysT);
            }
        }
    }

    /** A voice's clip frames ready for matching: keys (and their squared norms), the values read off the nearest. */
    private record Pool(float[] keys, float[] keyNorms, float[] values, int[] candidates, int k, int bins, int keyBins,
                        int n, boolean residual) {
    }

    private static void correct(NDManager m, float[][] mel, Pool pool, NDArray keysT) {
        int frameCount = mel.length;
        int bins = pool.bins();
        int keyBins = pool.keyBins();
        float[] means = new float[frameCount];
        float[] shapes = new float[frameCount * bins];
        float[] queries = new float[frameCount * keyBins];
        for (int t = 0; t < frameCount; t++) {
            means[t] = mean(mel[t]);
            float[] shape = shape(mel[t]);
            System.arraycopy(shape, 0, shapes, t * bins, bins);
            System.arraycopy(pool.residual() ? halfBins(shape) : shape, 0, queries, t * keyBins, keyBins);
        }
        float[] queryNorms = rowNorms(queries, frameCount, keyBins);
        boolean[] speech = Synthesizer.speechFrames(mel);
        int k = pool.k();
        for (int start = 0; start < frameCount; start += BLOCK) {
            int end = Math.min(frameCount, start + BLOCK);
            // squared distances of every rendered frame the block's context reaches to every clip frame's key
            int from = Math.max(0, start - CONTEXT);
            int to = Math.min(frameCount, end + CONTEXT);
            float[] block = new float[(to - from) * keyBins];
            System.arraycopy(queries, from * keyBins, block, 0, block.length);
            float[] dot;
            try (NDArray rows = m.create(block, new Shape(to - from, keyBins)); NDArray product = rows.matMul(keysT)) {
                dot = product.toFloatArray();
            }
            for (int t = start; t < end; t++) {
                if (!speech[t]) continue;
                int[] nearest = nearest(dot, from, to, t, pool.candidates(), k, pool.n(), queryNorms, pool.keyNorms());
                for (int b = 0; b < bins; b++) {
                    double sum = 0;
                    for (int i : nearest) sum += pool.values()[i * bins + b];
                    if (pool.residual()) {
                        mel[t][b] += (float) (RESIDUAL_SHARE * sum / k);
                    } else {
                        double shape = shapes[t * bins + b];
                        mel[t][b] = (float) (means[t] + shape + SHAPE_SHARE * (sum / k - shape));
                    }
                }
            }
        }
    }

    /** The k clip frames whose ±CONTEXT frames are nearest to rendered frame t's (rows from..to of dot are held). */
    private static int[] nearest(float[] dot, int from, int to, int t, int[] candidates, int k, int n, float[] queryNorms,
                                 float[] poolNorms) {
        int[] best = new int[k];
        double[] bestDistance = new double[k];
        java.util.Arrays.fill(bestDistance, Double.MAX_VALUE);
        int lo = Math.max(from, t - CONTEXT);
        int hi = Math.min(to - 1, t + CONTEXT);
        for (int i : candidates) {
            double d = 0;
            for (int u = lo; u <= hi; u++) {
                int j = i + (u - t); // a matchable frame has CONTEXT frames of its clip on each side
                d += queryNorms[u] + poolNorms[j] - 2.0 * dot[(u - from) * n + j];
            }
            if (d < bestDistance[k - 1]) {
                int slot = k - 1;
                while (slot > 0 && bestDistance[slot - 1] > d) {
                    bestDistance[slot] = bestDistance[slot - 1];
                    best[slot] = best[slot - 1];
                    slot--;
                }
                bestDistance[slot] = d;
                best[slot] = i;
            }
        }
        return best;
    }

    private static int[] candidates(float[] matchable) {
        int count = 0;
        for (float v : matchable) if (v != 0) count++;
        int[] out = new int[count];
        int c = 0;
        for (int i = 0; i < matchable.length; i++) if (matchable[i] != 0) out[c++] = i;
        return out;
    }

    private static float[] rowNorms(float[] rows, int count, int bins) {
        float[] out = new float[count];
        for (int r = 0; r < count; r++) {
            double s = 0;
            for (int b = 0; b < bins; b++) s += (double) rows[r * bins + b] * rows[r * bins + b];
            out[r] = (float) s;
        }
        return out;
    }

    /** A frame's spectral shape: its log-mel minus its mean over bins. */
    private static float[] shape(float[] frame) {
        float mean = mean(frame);
        float[] out = new float[frame.length];
        for (int b = 0; b < frame.length; b++) out[b] = frame[b] - mean;
        return out;
    }

    /** Pairs of bins averaged: the keys' resolution, half the residuals' (an odd last bin is dropped). */
    static float[] halfBins(float[] frame) {
        float[] out = new float[frame.length / 2];
        for (int b = 0; b < out.length; b++) out[b] = 0.5f * (frame[2 * b] + frame[2 * b + 1]);
        return out;
    }

    private static float mean(float[] frame) {
        double s = 0;
        for (float v : frame) s += v;
        return (float) (s / frame.length);
    }
}
