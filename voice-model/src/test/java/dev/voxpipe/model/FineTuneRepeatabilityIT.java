package dev.voxpipe.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.voxpipe.model.bench.AllocationChurn;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * A fine-tune is a function of its clips and settings, whatever else the process does meanwhile. Autograd keeps the
 * constants of div, mul and maximum for backward; when DJL had already closed them (its {@code x.div(2f)} does), backward
 * read freed memory, and another thread that allocated at the same time turned the gradients into NaN (an
 * {@code EndToEndIT} voice trained on NaN). {@link GraphConstants} keeps them open until backward is done.
 *
 * <p>Also: NaN left in freed memory on the same thread changes neither a fine-tune nor a synthesis. It did, through the
 * CPU convolution's unzeroed padded channels ({@link Convolution}), which is how the tiny models' unit tests failed at
 * random. An integration test so that the NaN it leaves behind stays in a JVM of its own.
 */
class FineTuneRepeatabilityIT {
    private static final ModelConfig TINY = ModelConfig.tiny(ModelConfig.Input.PHONEMES).withProsody(true);

    /** Synthetic clips of one speaker with a gently moving F0, every fourth frame unvoiced. */
    private static List<TrainingUtterance> clips(Random rng, int count) {
        List<TrainingUtterance> clips = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            String s = SyntheticVoices.sentence(rng);
            float[][] mel = SyntheticVoices.logMel(s, 1, rng);
            float[] f0 = new float[mel.length];
            for (int t = 0; t < f0.length; t++) f0[t] = t % 4 == 3 ? 0 : 200 + 10 * (float) Math.sin(t / 4.0);
            clips.add(new TrainingUtterance(mel, s, f0));
        }
        return clips;
    }

    private static Map<String, ParamStore.Tensor> fineTune(VoiceModelRuntime runtime, List<TrainingUtterance> clips) {
        return runtime.fineTune(clips, new FineTuneConfig(12, 0, 3e-3, 7, 1.0), null, null).delta().overrides();
    }

    @Test
    void aFineTuneComesOutTheSameWhileAnotherThreadAllocatesAndFreesNativeMemory() throws Exception {
        BaseCheckpoint base = new BaseCheckpoint(TINY, ParamStore.initialise(AcousticModel.parameterSpecs(TINY), 4),
                new float[TINY.speakerDim()], "id=tiny-repeatability\n");
        try (VoiceModelRuntime runtime = VoiceModelRuntime.fromCheckpoint(base, false)) {
            List<TrainingUtterance> clips = clips(new Random(9), 12);
            Map<String, ParamStore.Tensor> alone = fineTune(runtime, clips);

            List<Map<String, ParamStore.Tensor>> busy = new ArrayList<>();
            int rounds;
            // native memory allocated, filled with NaN and freed, small and large, collected often
            try (AllocationChurn churn = AllocationChurn.start(20)) {
                for (int run = 0; run < 3; run++) busy.add(fineTune(runtime, clips));
                rounds = churn.rounds();
            }
            assertTrue(rounds > 10, "the other thread ran alongside: " + rounds + " rounds");
            for (Map<String, ParamStore.Tensor> other : busy) {
                assertEquals(alone.keySet(), other.keySet());
                alone.forEach((name, t) -> assertArrayEquals(t.data(), other.get(name).data(), name + " differs"));
            }
        }
    }

    @Test
    void nanLeftInFreedMemoryChangesNeitherAFineTuneNorASynthesis() {
        BaseCheckpoint base = new BaseCheckpoint(TINY, ParamStore.initialise(AcousticModel.parameterSpecs(TINY), 4),
                new float[TINY.speakerDim()], "id=tiny-freed-nan\n");
        List<String> text = List.of("A first sentence to say.", "And a second, somewhat longer one, to say after it.");
        try (VoiceModelRuntime runtime = VoiceModelRuntime.fromCheckpoint(base, false)) {
            List<TrainingUtterance> clips = clips(new Random(5), 8);
            Random nan = new Random(1);
            Map<String, ParamStore.Tensor> quiet = fineTune(runtime, clips);
            AllocationChurn.smallRound(nan);
            Map<String, ParamStore.Tensor> afterNaN = fineTune(runtime, clips);
            quiet.forEach((name, t) -> assertArrayEquals(t.data(), afterNaN.get(name).data(), name + " differs"));

            VoiceDelta voice = new VoiceDelta(runtime.baseModelId(), runtime.meanVoice().speakerEmbedding(), quiet);
            assertSameAudioAfterNaN(runtime, voice, text, nan, "tiny");
        }
        // the shipped base: 100 mel channels into the speaker encoder and the pitch model, a batch of two sentences
        assertSameAudioAfterNaN(VoiceModelRuntime.loadBase(), null, text, new Random(2), "shipped");
    }

    /** Speaks {@code text} twice, with NaN left in freed memory in between, and expects the same samples. */
    private static void assertSameAudioAfterNaN(VoiceModelRuntime runtime, VoiceDelta voice, List<String> text, Random nan,
                                                String what) {
        List<float[]> heard = runtime.synthesize(voice, text, 1.0).audio();
        AllocationChurn.smallRound(nan);
        List<float[]> heardAfterNaN = runtime.synthesize(voice, text, 1.0).audio();
        for (int i = 0; i < text.size(); i++) assertArrayEquals(heard.get(i), heardAfterNaN.get(i), what + ", sentence " + i);
    }

    @Test
    void aFineTuneThatBlowsUpFailsInsteadOfDeliveringAVoice() {
        BaseCheckpoint base = new BaseCheckpoint(TINY, ParamStore.initialise(AcousticModel.parameterSpecs(TINY), 4),
                new float[TINY.speakerDim()], "id=tiny-divergence\n");
        try (VoiceModelRuntime runtime = VoiceModelRuntime.fromCheckpoint(base, false)) {
            List<TrainingUtterance> clips = clips(new Random(3), 8);
            // a learning rate no model survives: the weights overflow within a few steps
            IllegalStateException e = assertThrows(IllegalStateException.class,
                    () -> runtime.fineTune(clips, new FineTuneConfig(8, 0, 1e12, 7, 1.0), null, null));
            assertTrue(e.getMessage().contains("diverged"), e.getMessage());
        }
    }
}
