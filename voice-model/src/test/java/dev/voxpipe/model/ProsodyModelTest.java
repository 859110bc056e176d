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
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The v2 model: phoneme input and the prosody predictor (log-F0, voicing, energy) feeding the decoder. */
class ProsodyModelTest {
    private static final ModelConfig TINY = ModelConfig.tiny(ModelConfig.Input.PHONEMES).withProsody(true);

    /** F0 of a synthetic clip: speaker 0 at 120 Hz, speaker 1 at 220 Hz, every third frame unvoiced. */
    private static float[] f0(int frames, int speaker) {
        float[] f = new float[frames];
        for (int t = 0; t < frames; t++) {
            f[t] = t % 3 == 2 ? 0 : (speaker == 0 ? 120 : 220) * (1 + 0.05f * (float) Math.sin(t / 5.0));
        }
        return f;
    }

    private static TrainingCore.Batch batch(Random rng, int items) {
        int[][] tokens = new int[items][];
        float[][][] mels = new float[items][][];
        float[][][] refs = new float[items][][];
        float[][] pitch = new float[items][];
        for (int i = 0; i < items; i++) {
            int speaker = i % 2;
            String s = SyntheticVoices.sentence(rng);
            tokens[i] = TINY.tokens(s);
            mels[i] = SyntheticVoices.logMel(s, speaker, rng);
            refs[i] = SyntheticVoices.logMel(SyntheticVoices.sentence(rng), speaker, rng);
            pitch[i] = f0(mels[i].length, speaker);
        }
        return new TrainingCore.Batch(tokens, mels, refs, pitch);
    }

    @Test
    void configurationRoundTripsAndOldCheckpointsReadAsGraphemesWithoutProsody() throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        TINY.write(out);
        assertEquals(TINY, ModelConfig.read(new ByteArrayInputStream(out.toByteArray())));
        String v1 = "vocabSize=40\nchannels=128\nspeakerDim=256\nencoderLayers=3\ndecoderLayers=4\n"
                + "durationChannels=96\nmelBins=100\nmelMean=-7.4\nmelStd=4.2\n";
        ModelConfig old = ModelConfig.read(new ByteArrayInputStream(v1.getBytes()));
        assertEquals(ModelConfig.Input.CHARACTERS, old.input());
        assertFalse(old.prosody());
        assertFalse(AcousticModel.parameterSpecs(old).containsKey("var.out.w"));
        assertTrue(AcousticModel.parameterSpecs(TINY).containsKey("var.out.w"));
    }

    private static final ModelConfig POSITIONED = TINY.withProsodyPredictor(4, true);

    @Test
    void aPositionedPredictorRoundTripsAndEarlierConfigurationsReadWithoutOne() throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        POSITIONED.write(out);
        assertEquals(POSITIONED, ModelConfig.read(new ByteArrayInputStream(out.toByteArray())));
        Map<String, long[]> specs = AcousticModel.parameterSpecs(POSITIONED);
        assertTrue(specs.containsKey("var.pos.w") && specs.containsKey("var.conv3.w"));
        String v22 = "vocabSize=512\nchannels=128\nspeakerDim=256\nencoderLayers=6\ndecoderLayers=8\n"
                + "durationChannels=96\nmelBins=100\nmelMean=-6\nmelStd=3\ninput=phonemes\nprosody=true\n";
        ModelConfig earlier = ModelConfig.read(new ByteArrayInputStream(v22.getBytes()));
        assertEquals(2, earlier.varianceLayers());
        assertFalse(earlier.prosodyPositions());
        assertFalse(AcousticModel.parameterSpecs(earlier).containsKey("var.pos.w"));
        assertFalse(AcousticModel.parameterSpecs(earlier).containsKey("var.conv2.w"));
        assertThrows(IllegalArgumentException.class, () -> TINY.withProsodyPredictor(0, false));
    }

    @Test
    void positionsPlaceEachFrameInItsUtteranceAndItsToken() {
        try (NDManager m = NDManager.newBaseManager()) {
            // one item of 5 frames (tokens of 2 and 3 frames) padded to 6, one of a single 1-frame token
            float[] p = AcousticModel.positions(m, new int[][]{{2, 3}, {1}}, new int[]{5, 1}, 6).toFloatArray();
            int f = 6;
            int item = AcousticModel.POSITION_CHANNELS * f;
            float[] utterance = java.util.Arrays.copyOfRange(p, 0, f);
            float[] fromStart = java.util.Arrays.copyOfRange(p, f, 2 * f);
            float[] toEnd = java.util.Arrays.copyOfRange(p, 2 * f, 3 * f);
            float[] inToken = java.util.Arrays.copyOfRange(p, 3 * f, 4 * f);
            assertArrayEquals(new float[]{0, 0.25f, 0.5f, 0.75f, 1, 0}, utterance, 1e-6f);
            assertArrayEquals(new float[]{0, 0.005f, 0.01f, 0.015f, 0.02f, 0}, fromStart, 1e-6f);
            assertArrayEquals(new float[]{0.02f, 0.015f, 0.01f, 0.005f, 0, 0}, toEnd, 1e-6f);
            assertArrayEquals(new float[]{0, 1, 0, 0.5f, 1, 0}, inToken, 1e-6f);
            // a one-frame utterance and token sit at 0 in the utterance and half way through the token
            assertEquals(0f, p[item]);
            assertEquals(0.5f, p[item + 3 * f]);
            assertEquals(0f, p[item + 1]);
        }
    }

    @Test
    void aWarmStartFromABaseWithoutPositionsPredictsWhatThatBaseDid() {
        ParamStore earlier = ParamStore.initialise(AcousticModel.parameterSpecs(TINY), 6);
        ParamStore warm = ParamStore.initialise(AcousticModel.parameterSpecs(POSITIONED), 7);
        int copied = dev.voxpipe.model.train.Pretrain.warmStart(warm, earlier);
        assertEquals(earlier.tensors().size(), copied);
        try (NDManager m = NDManager.newBaseManager(Devices.preferred())) {
            Random rng = new Random(8);
            int frames = 40;
            float[] states = new float[TINY.channels() * frames];
            for (int k = 0; k < states.length; k++) states[k] = (float) rng.nextGaussian();
            ai.djl.ndarray.NDArray x = m.create(states, new ai.djl.ndarray.types.Shape(1, TINY.channels(), frames));
            ai.djl.ndarray.NDArray mask = AcousticModel.mask(m, new int[]{frames}, frames);
            ai.djl.ndarray.NDArray positions = AcousticModel.positions(m, new int[][]{{10, 10, 20}}, new int[]{frames}, frames);
            float[] before = AcousticModel.variance(Weights.of(earlier, m), TINY, x, null, mask).toFloatArray();
            float[] after = AcousticModel.variance(Weights.of(warm, m), POSITIONED, x, positions, mask).toFloatArray();
            assertArrayEquals(before, after, 1e-5f);
            assertThrows(IllegalArgumentException.class,
                    () -> AcousticModel.variance(Weights.of(warm, m), POSITIONED, x, null, mask));
        }
    }

    @Test
    void aPositionedPredictorLearnsFromThePositionsAndItsVoicesSpeak() {
        ParamStore params = ParamStore.initialise(AcousticModel.parameterSpecs(POSITIONED), 1);
        try (NDManager m = NDManager.newBaseManager(Devices.preferred())) {
            TrainingCore core = new TrainingCore(POSITIONED, m, params, n -> n.startsWith("var."), Map.of(), 0.0, 1.0, false);
            Random data = new Random(5);
            TrainingCore.Batch b = batch(data, 4);
            for (int s = 0; s < 5; s++) {
                core.step(b, 5e-3);
            }
            float[] pos = core.snapshotTrainable().get("var.pos.w").data();
            double norm = 0;
            for (float v : pos) norm += v * v;
            assertTrue(norm > 0, "the position input starts at zero and is trained");
            assertFalse(core.trainable().containsKey("dec.out.w"), "only the prosody predictor trains");
        }
        BaseCheckpoint base = new BaseCheckpoint(POSITIONED, params, new float[POSITIONED.speakerDim()], "id=tiny-positioned\n");
        try (VoiceModelRuntime runtime = VoiceModelRuntime.fromCheckpoint(base, false)) {
            SynthesisOutput en = runtime.synthesize(null, List.of("Hello world.", "A longer second sentence, with a pause."), 1.0);
            assertEquals(2, en.audio().size());
            assertTrue(en.audio().get(1).length > Spectral.HOP * 4);
        }
    }

    @Test
    void teacherForcedProsodyGivesThePredictorsOutputFrameForFrameBesideEachRecording() {
        TrainingCore.Batch b = batch(new Random(11), 3);
        ParamStore params = ParamStore.initialise(AcousticModel.parameterSpecs(POSITIONED), 12);
        try (NDManager m = NDManager.newBaseManager(Devices.preferred())) {
            Weights w = Weights.of(params, m);
            List<float[][]> out = TrainingCore.teacherForcedProsody(w, POSITIONED, b, m, m.zeros(new ai.djl.ndarray.types.Shape(TINY.speakerDim())));
            assertEquals(3, out.size());
            for (int i = 0; i < 3; i++) {
                assertEquals(AcousticModel.PROSODY_CHANNELS, out.get(i).length);
                assertEquals(b.mels()[i].length, out.get(i)[0].length, "one value per recording frame");
                for (float[] channel : out.get(i)) for (float v : channel) assertTrue(Float.isFinite(v));
            }
            ModelConfig plain = ModelConfig.tiny(ModelConfig.Input.PHONEMES);
            assertThrows(IllegalArgumentException.class, () -> TrainingCore.teacherForcedProsody(
                    Weights.of(ParamStore.initialise(AcousticModel.parameterSpecs(plain), 1), m), plain, b, m, null));
        }
    }

    @Test
    void prosodyLossFallsWithTheRestWhenTraining() {
        ParamStore params = ParamStore.initialise(AcousticModel.parameterSpecs(TINY), 1);
        try (NDManager m = NDManager.newBaseManager(Devices.preferred())) {
            TrainingCore core = new TrainingCore(TINY, m, params, n -> true, Map.of(), 0.0, 1.0, false);
            Random data = new Random(5);
            List<TrainingCore.Batch> fixed = new ArrayList<>();
            for (int i = 0; i < 2; i++) {
                fixed.add(batch(data, 4));
            }
            double firstProsody = 0;
            double lastProsody = 0;
            int steps = 40;
            for (int s = 0; s < steps; s++) {
                TrainingCore.StepLosses l = core.step(fixed.get(s % fixed.size()), 5e-3);
                assertTrue(Double.isFinite(l.total()) && l.prosody() > 0, "prosody is part of the loss: " + l);
                if (s < 4) {
                    firstProsody += l.prosody() / 4;
                }
                if (s >= steps - 4) {
                    lastProsody += l.prosody() / 4;
                }
            }
            assertTrue(lastProsody < firstProsody * 0.7, "prosody loss " + firstProsody + " -> " + lastProsody);
        }
    }

    @Test
    void aProsodyBatchWithoutF0IsRefusedWithAReason() {
        ParamStore params = ParamStore.initialise(AcousticModel.parameterSpecs(TINY), 2);
        try (NDManager m = NDManager.newBaseManager(Devices.preferred())) {
            TrainingCore core = new TrainingCore(TINY, m, params, n -> true, Map.of(), 0.0, 1.0, false);
            TrainingCore.Batch b = batch(new Random(3), 2);
            TrainingCore.Batch noPitch = new TrainingCore.Batch(b.tokens(), b.mels(), b.refs());
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> core.step(noPitch, 1e-3));
            assertTrue(e.getMessage().contains("F0"), e.getMessage());
        }
    }

    @Test
    void fineTuningAdaptsTheProsodyPredictorAndSynthesisSpeaksMandarinAndEnglish() {
        BaseCheckpoint base = new BaseCheckpoint(TINY, ParamStore.initialise(AcousticModel.parameterSpecs(TINY), 4),
                new float[TINY.speakerDim()], "id=tiny-prosody\n");
        try (VoiceModelRuntime runtime = VoiceModelRuntime.fromCheckpoint(base, false)) {
            List<TrainingUtterance> clips = new ArrayList<>();
            Random rng = new Random(9);
            for (int i = 0; i < 30; i++) {
                String s = SyntheticVoices.sentence(rng);
                float[][] mel = SyntheticVoices.logMel(s, 1, rng);
                // half the clips carry the feature stage's F0, half leave it to the pitch model
                clips.add(new TrainingUtterance(mel, s, i % 2 == 0 ? f0(mel.length, 1) : null));
            }
            FineTuneConfig cfg = new FineTuneConfig(6, 0, 3e-3, 7, 1.0);
            FineTuneResult r = runtime.fineTune(clips, cfg, null, null);
            assertNotNull(r.delta().overrides().get("var.out.w"), "few-shot adapts the prosody predictor");
            SynthesisOutput zh = runtime.synthesize(r.delta(), List.of("你好，世界。"), 1.0);
            SynthesisOutput en = runtime.synthesize(null, List.of("Hello world."), 1.0);
            assertTrue(zh.audio().get(0).length > Spectral.HOP * 4, "Mandarin is spoken, not a single pause");
            assertTrue(en.audio().get(0).length > Spectral.HOP * 4);
        }
    }
}
