package dev.voxpipe.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A fine-tuned voice's own clip frames, and synthesis moved towards them: kNN-VC's matching (Baas et al. 2023) in
 * log-mel space. The decoder's mel is an average over the speakers it was trained on; the voice's clips hold the
 * speaker's real spectral shapes.
 *
 * <p>A fine-tune stores every frame of its clips as a spectral shape (the log-mel minus its mean over bins), 16-bit,
 * and marks the frames that may be matched: speech frames (within 40 dB of their clip's loudest) with
 * {@link #CONTEXT} frames of the same clip on each side. At synthesis each speech frame of the rendered mel is
 * compared with those, over its own ±{@link #CONTEXT} frames, and its shape is moved {@link #SHARE} of the way to
 * the mean shape of the {@link #NEIGHBOURS} nearest; its level stays. Matching on five frames of context keeps the
 * neighbours to the same sound in a similar context, so that the words survive.
 *
 * <p>Chosen on the evaluation protocol's validation split with v2.2 (voice-model README, "Clip frames"): MCD
 * 2.61 -> 2.54 dB (Allison) and 1.75 -> 1.62 dB (flite_rms), open-WER ratios 0.82 -> 0.89x and 1.24 -> 1.29x (inside
 * the ±0.2 that 40 prompts vary by), F0 and voicing unchanged. All the way (share 1) and a time-smoothed move did
 * less for her. On the test split her MCD fell too (2.70 -> 2.64 dB) but her open-WER ratio rose (0.90 -> 1.17x).
 */
final class ClipFrames {
    /** [frames, bins] the clips' spectral shapes, stored 16-bit. */
    static final String FRAMES = "voice.clipFrames";
    /** [frames] 1 where a frame may be matched, else 0. */
    static final String MATCHABLE = "voice.clipFramesMatchable";

    static final int NEIGHBOURS = 8;
    static final int CONTEXT = 2;
    /** How far a frame's shape moves towards its neighbours' mean; 0 turns the matching off (sweeps, tests). */
    static final double SHARE = Double.parseDouble(System.getProperty("voxpipe.clipFrames.share", "0.5"));
    /** At most 80 s of clips (1.6 MB at 16 bits): whole clips in upload order, leaving out any that would overflow. */
    static final int MAX_FRAMES = 8000;
    /** Rendered frames matched per engine call, bounding the distance matrix (frames x pool) it holds. */
    private static final int BLOCK = 512;

    private ClipFrames() {
    }

    /**
     * The tensors a fine-tune stores with its voice: its clips' frames and which may be matched. {@link VoiceDelta}
     * rounds the frames to 16 bits when the voice is made.
     */
    static Map<String, ParamStore.Tensor> of(List<float[][]> clipMels) {
        List<float[][]> kept = new ArrayList<>();
        int total = 0;
        for (float[][] mel : clipMels) {
            if (mel.length > 0 && total + mel.length <= MAX_FRAMES) {
                kept.add(mel);
                total += mel.length;
            }
        }
        Map<String, ParamStore.Tensor> out = new LinkedHashMap<>();
        if (kept.isEmpty()) return out;
        int bins = kept.get(0)[0].length;
        float[] shapes = new float[total * bins];
        float[] matchable = new float[total];
        int row = 0;
        for (float[][] mel : kept) {
            boolean[] speech = Synthesizer.speechFrames(mel);
            for (int t = 0; t < mel.length; t++, row++) {
                float mean = mean(mel[t]);
                for (int b = 0; b < bins; b++) shapes[row * bins + b] = mel[t][b] - mean;
                matchable[row] = speech[t] && t >= CONTEXT && t + CONTEXT < mel.length ? 1 : 0;
            }
        }
        out.put(FRAMES, new ParamStore.Tensor(new long[]{total, bins}, shapes));
        out.put(MATCHABLE, new ParamStore.Tensor(new long[]{total}, matchable));
        return out;
    }

    /** Whether a voice carries clip frames to match (fine-tuned voices from this release on). */
    static boolean carried(VoiceDelta voice) {
        return SHARE > 0 && voice != null && voice.overrides().containsKey(FRAMES) && voice.overrides().containsKey(MATCHABLE);
    }

    /**
     * Moves each speech frame of every one of {@code mels} (in place) towards the voice's nearest clip frames. The pool
     * (its engine copy, norms and candidates) is prepared once for all the sentences of a rendering.
     */
    static void moveTowards(NDManager manager, List<float[][]> mels, VoiceDelta voice) {
        ParamStore.Tensor frames = voice.overrides().get(FRAMES);
        float[] pool = frames.data();
        float[] matchable = voice.overrides().get(MATCHABLE).data();
        int bins = (int) frames.shape()[1];
        int n = (int) frames.shape()[0];
        if (matchable.length != n) return;
        int[] candidates = candidates(matchable);
        if (candidates.length == 0) return;
        int k = Math.min(NEIGHBOURS, candidates.length);
        float[] poolNorms = rowNorms(pool, n, bins);
        try (NDManager m = manager.newSubManager()) {
            NDArray poolT = m.create(pool, new Shape(n, bins)).transpose();
            for (float[][] mel : mels) {
                if (mel.length > 0 && mel[0].length == bins) moveTowards(m, mel, pool, poolT, poolNorms, candidates, k, bins, n);
            }
        }
    }

    private static void moveTowards(NDManager m, float[][] mel, float[] pool, NDArray poolT, float[] poolNorms,
                                    int[] candidates, int k, int bins, int n) {
        int frameCount = mel.length;
        float[] means = new float[frameCount];
        float[] shapes = new float[frameCount * bins];
        for (int t = 0; t < frameCount; t++) {
            means[t] = mean(mel[t]);
            for (int b = 0; b < bins; b++) shapes[t * bins + b] = mel[t][b] - means[t];
        }
        float[] shapeNorms = rowNorms(shapes, frameCount, bins);
        boolean[] speech = Synthesizer.speechFrames(mel);
        for (int start = 0; start < frameCount; start += BLOCK) {
            int end = Math.min(frameCount, start + BLOCK);
            // squared distances of every rendered frame the block's context reaches to every clip frame
            int from = Math.max(0, start - CONTEXT);
            int to = Math.min(frameCount, end + CONTEXT);
            float[] block = new float[(to - from) * bins];
            System.arraycopy(shapes, from * bins, block, 0, block.length);
            float[] dot;
            try (NDArray rows = m.create(block, new Shape(to - from, bins)); NDArray product = rows.matMul(poolT)) {
                dot = product.toFloatArray();
            }
            for (int t = start; t < end; t++) {
                if (!speech[t]) continue;
                int[] nearest = nearest(dot, from, to, t, candidates, k, n, shapeNorms, poolNorms);
                for (int b = 0; b < bins; b++) {
                    double sum = 0;
                    for (int i : nearest) sum += pool[i * bins + b];
                    double shape = shapes[t * bins + b];
                    mel[t][b] = (float) (means[t] + shape + SHARE * (sum / k - shape));
                }
            }
        }
    }

    /** The k clip frames whose ±CONTEXT frames are nearest to rendered frame t's (rows from..to of dot are held). */
    private static int[] nearest(float[] dot, int from, int to, int t, int[] candidates, int k, int n, float[] shapeNorms,
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
                d += shapeNorms[u] + poolNorms[j] - 2.0 * dot[(u - from) * n + j];
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

    private static float mean(float[] frame) {
        double s = 0;
        for (float v : frame) s += v;
        return (float) (s / frame.length);
    }
}
