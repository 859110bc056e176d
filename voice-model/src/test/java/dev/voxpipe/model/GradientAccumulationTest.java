package dev.voxpipe.model;

import ai.djl.ndarray.NDManager;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Gradient accumulation: a batch run as micro-batches gives the gradient, loss and optimiser update of the same batch
 * run at once, within float tolerance. The fine-tune set-up (one trainable voice embedding, no per-item references) on
 * the v2 (phoneme, prosody) tiny model, so every loss term takes part, on utterances of different lengths and an odd
 * item count (uneven micro-batches). Per-item references (pretraining) are not exact: the speaker encoder's first
 * convolution sees the padding up to the longest reference of its batch.
 */
class GradientAccumulationTest {
    private static final ModelConfig TINY = ModelConfig.tiny(ModelConfig.Input.PHONEMES).withProsody(true);

    private static TrainingCore.Batch batch(Random rng, int items) {
        int[][] tokens = new int[items][];
        float[][][] mels = new float[items][][];
        float[][] pitch = new float[items][];
        for (int i = 0; i < items; i++) {
            int speaker = i % 2;
            String s = SyntheticVoices.sentence(rng);
            tokens[i] = TINY.tokens(s);
            mels[i] = SyntheticVoices.logMel(s, speaker, rng);
            pitch[i] = new float[mels[i].length];
            for (int t = 0; t < pitch[i].length; t++) {
                pitch[i][t] = t % 4 == 3 ? 0 : 110 + 90 * speaker + 10 * (float) Math.sin(t / 4.0);
            }
        }
        return new TrainingCore.Batch(tokens, mels, null, pitch);
    }

    private static TrainingCore core(NDManager m) {
        float[] embedding = new float[TINY.speakerDim()];
        Random rng = new Random(3);
        for (int i = 0; i < embedding.length; i++) {
            embedding[i] = (float) rng.nextGaussian();
        }
        return new TrainingCore(TINY, m, ParamStore.initialise(AcousticModel.parameterSpecs(TINY), 21), n -> true,
                Map.of("voice.embedding", new ParamStore.Tensor(new long[]{embedding.length}, embedding)), 0.0, 1.0, false);
    }

    @Test
    void accumulatedGradientEqualsTheLargeBatchGradient() {
        TrainingCore.Batch whole = batch(new Random(4), 5);
        try (NDManager m = NDManager.newBaseManager(Devices.preferred())) {
            TrainingCore core = core(m);
            Map<String, float[]> large = core.gradients(whole, 1);
            for (int micro : new int[]{2, 5}) {
                Map<String, float[]> accumulated = core.gradients(whole, micro);
                assertEquals(large.keySet(), accumulated.keySet());
                double diff = 0;
                double norm = 0;
                for (String k : large.keySet()) {
                    float[] a = large.get(k);
                    float[] b = accumulated.get(k);
                    for (int i = 0; i < a.length; i++) {
                        diff += (a[i] - b[i]) * (double) (a[i] - b[i]);
                        norm += a[i] * (double) a[i];
                    }
                }
                assertTrue(norm > 0, "the batch has a gradient");
                assertTrue(Math.sqrt(diff / norm) < 1e-5,
                        micro + " micro-batches: relative gradient difference " + Math.sqrt(diff / norm));
            }
        }
    }

    @Test
    void oneStepWithAccumulationMatchesOneLargeBatchStep() {
        TrainingCore.Batch whole = batch(new Random(8), 4);
        double rate = 1e-3;
        Map<String, ParamStore.Tensor> large;
        Map<String, ParamStore.Tensor> accumulated;
        TrainingCore.StepLosses largeLoss;
        TrainingCore.StepLosses accumulatedLoss;
        try (NDManager m = NDManager.newBaseManager(Devices.preferred())) {
            TrainingCore core = core(m);
            largeLoss = core.step(whole, rate, 1);
            large = core.snapshotTrainable();
        }
        try (NDManager m = NDManager.newBaseManager(Devices.preferred())) {
            TrainingCore core = core(m);
            int managed = m.getManagedArrays().size();
            accumulatedLoss = core.step(whole, rate, 2);
            accumulated = core.snapshotTrainable();
            assertTrue(m.getManagedArrays().size() <= managed + 2 * large.size(),
                    "only parameters and Adam moments stay behind");
        }
        assertEquals(largeLoss.total(), accumulatedLoss.total(), 1e-5 * largeLoss.total());
        assertEquals(largeLoss.gradNorm(), accumulatedLoss.gradNorm(), 1e-4 * largeLoss.gradNorm());
        // Adam's first update is rate * g / (|g| + eps): elements whose gradient is within rounding of zero may move
        // by up to 2 x rate either way; everything else moves identically
        long elements = 0;
        long differing = 0;
        for (String k : large.keySet()) {
            float[] a = large.get(k).data();
            float[] b = accumulated.get(k).data();
            for (int i = 0; i < a.length; i++) {
                elements++;
                if (Math.abs(a[i] - b[i]) > 1e-2 * rate) {
                    differing++;
                }
            }
        }
        assertTrue(differing <= elements / 1000, differing + " of " + elements + " parameters moved differently");
    }

    @Test
    void splitKeepsEveryItemOnceInOrder() {
        TrainingCore.Batch whole = batch(new Random(1), 5);
        List<TrainingCore.Batch> parts = whole.split(3);
        assertEquals(List.of(1, 2, 2), parts.stream().map(TrainingCore.Batch::size).toList());
        assertTrue(parts.get(2).mels()[1] == whole.mels()[4] && parts.get(0).f0()[0] == whole.f0()[0]);
        assertEquals(5, whole.split(9).size(), "never an empty micro-batch");
        assertThrows(IllegalArgumentException.class, () -> whole.split(0));
        assertThrows(IllegalArgumentException.class, () -> FineTuneConfig.defaults().withMicroBatches(0));
    }
}
