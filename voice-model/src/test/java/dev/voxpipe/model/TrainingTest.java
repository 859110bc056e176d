package dev.voxpipe.model;

import ai.djl.ndarray.NDManager;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The tiny configuration trained for a few steps on synthetic speakers. */
class TrainingTest {
    private static TrainingCore.Batch batch(Random rng, int items) {
        int[][] tokens = new int[items][];
        float[][][] mels = new float[items][][];
        float[][][] refs = new float[items][][];
        for (int i = 0; i < items; i++) {
            int speaker = i % 2;
            String s = SyntheticVoices.sentence(rng);
            tokens[i] = CharTokenizer.encode(s);
            mels[i] = SyntheticVoices.logMel(s, speaker, rng);
            refs[i] = SyntheticVoices.logMel(SyntheticVoices.sentence(rng), speaker, rng);
        }
        return new TrainingCore.Batch(tokens, mels, refs);
    }

    @Test
    void pretrainingLossDecreasesAndShapesHold() {
        ModelConfig c = ModelConfig.tiny();
        ParamStore params = ParamStore.initialise(AcousticModel.parameterSpecs(c), 1);
        assertEquals(AcousticModel.parameterSpecs(c).size(), params.tensors().size());
        try (NDManager m = NDManager.newBaseManager(Devices.preferred())) {
            TrainingCore core = new TrainingCore(c, m, params, n -> true, Map.of(), 0.0, 1.0, false);
            Random data = new Random(5);
            List<TrainingCore.Batch> fixed = new ArrayList<>();
            for (int i = 0; i < 2; i++) {
                fixed.add(batch(data, 3));
            }
            double first = 0;
            double last = 0;
            int steps = 40;
            for (int s = 0; s < steps; s++) {
                TrainingCore.StepLosses l = core.step(fixed.get(s % fixed.size()), 5e-3);
                assertTrue(Double.isFinite(l.total()));
                if (s < 4) {
                    first += l.total() / 4;
                }
                if (s >= steps - 4) {
                    last += l.total() / 4;
                }
            }
            assertTrue(last < first * 0.7, "loss " + first + " -> " + last);
            int managed = m.getManagedArrays().size();
            core.step(fixed.get(0), 1e-3);
            assertEquals(managed, m.getManagedArrays().size(), "a step must not leave arrays behind");
        }
    }

    @Test
    void aNonFiniteStepIsSkippedAndLeavesNoGradientBehind() {
        ModelConfig c = ModelConfig.tiny();
        Random data = new Random(11);
        TrainingCore.Batch good = batch(data, 3);
        TrainingCore.Batch poisoned = batch(data, 3);
        poisoned.mels()[1][4][7] = Float.NaN;
        Map<String, ParamStore.Tensor> straight;
        Map<String, ParamStore.Tensor> afterSkip;
        try (NDManager m = NDManager.newBaseManager(Devices.preferred())) {
            TrainingCore core = new TrainingCore(c, m, ParamStore.initialise(AcousticModel.parameterSpecs(c), 3),
                    n -> true, Map.of(), 0.0, 1.0, false);
            core.step(good, 5e-3);
            core.step(good, 5e-3);
            straight = core.snapshotTrainable();
        }
        try (NDManager m = NDManager.newBaseManager(Devices.preferred())) {
            TrainingCore core = new TrainingCore(c, m, ParamStore.initialise(AcousticModel.parameterSpecs(c), 3),
                    n -> true, Map.of(), 0.0, 1.0, false);
            core.step(good, 5e-3);
            TrainingCore.StepLosses skipped = core.step(poisoned, 5e-3);
            assertTrue(Double.isNaN(skipped.total()) || Double.isNaN(skipped.gradNorm()), "the poisoned step is non-finite");
            for (int i = 0; i < 3; i++) {
                core.step(poisoned, 5e-3);
            }
            scribbleOverFreedNativeMemory();
            TrainingCore.StepLosses next = core.step(good, 5e-3);
            assertTrue(Double.isFinite(next.total()) && Double.isFinite(next.gradNorm()), "training goes on: " + next);
            afterSkip = core.snapshotTrainable();
        }
        // skipped steps change nothing: the weights equal those of the run without them
        for (String k : straight.keySet()) {
            assertArrayEquals(straight.get(k).data(), afterSkip.get(k).data(), 1e-6f, k);
        }
    }

    /**
     * Lets the collector free what the skipped steps dropped and fills fresh native buffers with
     * garbage: a gradient still pointing at freed memory would then feed garbage into the next step.
     */
    private static void scribbleOverFreedNativeMemory() {
        List<java.nio.ByteBuffer> junk = new ArrayList<>();
        for (int round = 0; round < 3; round++) {
            System.gc();
            for (int i = 0; i < 64; i++) {
                java.nio.ByteBuffer b = java.nio.ByteBuffer.allocateDirect(64 * 1024 + i * 256);
                while (b.remaining() >= 4) {
                    b.putFloat(1e3f);
                }
                junk.add(b);
            }
        }
        junk.clear();
    }

    @Test
    void parametersSurviveSaveAndLoad() throws Exception {
        ParamStore p = ParamStore.initialise(AcousticModel.parameterSpecs(ModelConfig.tiny()), 9);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        p.write(out);
        ParamStore back = ParamStore.read(new ByteArrayInputStream(out.toByteArray()));
        assertEquals(p.tensors().keySet(), back.tensors().keySet());
        for (String k : p.tensors().keySet()) {
            assertArrayEquals(p.get(k).data(), back.get(k).data(), 0f, k);
            assertArrayEquals(p.get(k).shape(), back.get(k).shape(), k);
        }
        ByteArrayOutputStream cfg = new ByteArrayOutputStream();
        ModelConfig.tiny().withNormalisation(-5.5f, 2.25f).write(cfg);
        assertEquals(ModelConfig.tiny().withNormalisation(-5.5f, 2.25f),
                ModelConfig.read(new ByteArrayInputStream(cfg.toByteArray())));
    }
}
