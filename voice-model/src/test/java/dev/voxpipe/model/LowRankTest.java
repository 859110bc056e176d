package dev.voxpipe.model;

import ai.djl.ndarray.NDManager;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** LoRA voices on the tiny model: what is factorised, that the factors train, store small and synthesise. */
class LowRankTest {

    @Test
    void onlyMatricesThatGetSmallerAreFactorised() {
        assertTrue(LowRank.pays(new long[]{128, 128, 5}, 16));
        assertFalse(LowRank.pays(new long[]{3, 128, 1}, 16), "a 3-row output head is smaller than its factors");
        assertFalse(LowRank.pays(new long[]{128}, 1), "vectors stay fully adapted");
        ParamStore base = ParamStore.initialise(AcousticModel.parameterSpecs(ModelConfig.tiny()), 1);
        Set<String> targets = LowRank.targets(base, AcousticModel::isVoiceAdapter, 4);
        assertTrue(targets.contains("dec.conv0.w") && targets.contains("dec.film0.w"), targets.toString());
        assertTrue(targets.stream().allMatch(AcousticModel::isVoiceAdapter), "only weights few-shot adapts");
        assertFalse(targets.contains("dec.conv0.b"));
        Map<String, ParamStore.Tensor> init = LowRank.initial(base, targets, 4, 1);
        ParamStore.Tensor b = init.get(LowRank.b("dec.conv0.w"));
        assertArrayEquals(new long[]{base.get("dec.conv0.w").shape()[0], 4}, b.shape());
        for (float v : b.data()) assertEquals(0f, v, "B starts at zero: training starts from the base voice");
    }

    /** The voice's weights alone: its clip frames are the same size either way. */
    private static VoiceDelta withoutClipFrames(VoiceDelta voice) {
        Map<String, ParamStore.Tensor> weights = new java.util.LinkedHashMap<>(voice.overrides());
        weights.keySet().removeIf(name -> name.startsWith("voice.clip"));
        return new VoiceDelta(voice.baseModelId(), voice.speakerEmbedding(), weights);
    }

    @Test
    void aLoraVoiceTrainsStoresItsFactorsAndSpeaks() throws Exception {
        try (VoiceModelRuntime runtime = VoiceModelRuntime.fromCheckpoint(SyntheticVoices.tinyBase(3), false)) {
            List<TrainingUtterance> data = SyntheticVoices.utterances(6, 1, 3);
            VoiceDelta full = runtime.fineTune(data, new FineTuneConfig(6, 0, 3e-3, 1, 0).withLoraRank(0), null, null).delta();
            FineTuneResult lora = runtime.fineTune(data, new FineTuneConfig(6, 0, 3e-3, 1, 0).withLoraRank(4), null, null);
            Map<String, ParamStore.Tensor> o = lora.delta().overrides();
            assertTrue(o.containsKey(LowRank.a("dec.conv0.w")) && !o.containsKey("dec.conv0.w"), o.keySet().toString());
            assertTrue(o.containsKey("dec.conv0.b"), "vectors fully adapted");
            float maxB = 0;
            for (float v : o.get(LowRank.b("dec.conv0.w")).data()) maxB = Math.max(maxB, Math.abs(v));
            assertTrue(maxB > 0, "B moved away from zero");
            long loraWeights = withoutClipFrames(lora.delta()).sizeBytes();
            long fullWeights = withoutClipFrames(full).sizeBytes();
            assertTrue(loraWeights < fullWeights / 2, "weights " + loraWeights + " vs " + fullWeights + " bytes");
            assertTrue(Double.isFinite(lora.finalLoss()));

            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            lora.delta().write(bytes);
            VoiceDelta back = VoiceDelta.read(new ByteArrayInputStream(bytes.toByteArray()));
            float[] audio = runtime.synthesize(back, List.of("a short test sentence."), 1.0).audio().get(0);
            assertTrue(audio.length > 0);
            for (float v : audio) assertTrue(Float.isFinite(v));
        }
    }

    @Test
    void aStateFromAnotherRankIsRefused() throws Exception {
        try (VoiceModelRuntime runtime = VoiceModelRuntime.fromCheckpoint(SyntheticVoices.tinyBase(3), false)) {
            List<TrainingUtterance> data = SyntheticVoices.utterances(6, 1, 3);
            FineTuneState[] state = new FineTuneState[1];
            runtime.fineTune(data, new FineTuneConfig(2, 2, 3e-3, 1, 0).withLoraRank(4), null, new FineTuneListener() {
                @Override
                public void onProgress(int step, int totalSteps, double loss) {
                }

                @Override
                public void onCheckpoint(FineTuneState s) {
                    state[0] = s;
                }
            });
            assertThrows(IllegalArgumentException.class,
                    () -> runtime.fineTune(data, new FineTuneConfig(4, 0, 3e-3, 1, 0).withLoraRank(0), state[0], null));
            assertEquals(4, runtime.fineTune(data, new FineTuneConfig(4, 0, 3e-3, 1, 0).withLoraRank(4), state[0], null).steps());
        }
    }

    @Test
    void overlayComposesTheWeight() {
        try (NDManager m = NDManager.newBaseManager(Devices.preferred())) {
            Map<String, ai.djl.ndarray.NDArray> base = Map.of("w", m.create(new float[]{1, 2, 3, 4, 5, 6}, new ai.djl.ndarray.types.Shape(2, 3, 1)));
            Map<String, ParamStore.Tensor> voice = Map.of(
                    LowRank.a("w"), new ParamStore.Tensor(new long[]{1, 3}, new float[]{1, 0, 2}),
                    LowRank.b("w"), new ParamStore.Tensor(new long[]{2, 1}, new float[]{10, -1}));
            float[] w = Weights.overlay(base, voice, m).get("w").toFloatArray();
            assertArrayEquals(new float[]{11, 2, 23, 3, 5, 4}, w, 1e-6f);
            assertThrows(IllegalArgumentException.class, () -> Weights.overlay(base, Map.of(LowRank.a("w"), voice.get(LowRank.a("w"))), m));
        }
    }
}
