package dev.voxpipe.model;

import ai.djl.ndarray.NDManager;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
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
            IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
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
