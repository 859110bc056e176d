package dev.voxpipe.model;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The public API end to end on a tiny random base. */
class VoiceModelRuntimeTest {
    private static VoiceModelRuntime runtime;

    @BeforeAll
    static void load() {
        runtime = VoiceModelRuntime.fromCheckpoint(SyntheticVoices.tinyBase(3), false);
    }

    @AfterAll
    static void close() {
        runtime.close();
    }

    @Test
    void synthesisGivesOneClipPerSentenceAndSpeedChangesLength() {
        List<String> sentences = List.of("Hello world.", "The quick brown fox jumps over the lazy dog, twice.");
        SynthesisOutput normal = runtime.synthesize(null, sentences, 1.0);
        assertEquals(2, normal.audio().size());
        assertEquals(32000, runtime.sampleRate());
        for (float[] a : normal.audio()) {
            assertTrue(a.length > 0);
            for (float v : a) {
                assertTrue(Float.isFinite(v) && Math.abs(v) <= 1f);
            }
        }
        assertTrue(normal.realTimeFactor() > 0);
        List<float[][]> slow = runtime.logMels(null, sentences, 0.5);
        List<float[][]> fast = runtime.logMels(null, sentences, 2.0);
        assertTrue(slow.get(1).length > fast.get(1).length * 2, slow.get(1).length + " vs " + fast.get(1).length);
        assertEquals(100, slow.get(0)[0].length);
        assertThrows(IllegalArgumentException.class, () -> runtime.synthesize(null, sentences, 3.0));
        assertEquals(0, runtime.synthesize(null, List.of(), 1.0).audio().size());
    }

    @Test
    void aSynthesisWithNonFiniteSamplesFailsInsteadOfDeliveringThem() {
        long[] shape = SyntheticVoices.tinyBase(3).params().get("dec.out.b").shape();
        float[] nan = new float[(int) shape[0]];
        java.util.Arrays.fill(nan, Float.NaN);
        VoiceDelta broken = new VoiceDelta(runtime.baseModelId(), runtime.meanVoice().speakerEmbedding(),
                java.util.Map.of("dec.out.b", new ParamStore.Tensor(shape, nan)));
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> runtime.synthesize(broken, List.of("Hello world.", "A second sentence."), 1.0));
        assertTrue(e.getMessage().contains("non-finite sample (sentence 1 of 2"), e.getMessage());
        assertEquals(-1, ParamStore.firstNonFinite(new float[]{0f, 1f, -1f}));
        assertEquals(2, ParamStore.firstNonFinite(new float[]{0f, 1f, Float.POSITIVE_INFINITY}));
    }

    @Test
    void aVoiceCarriesItsPitchRangeAndTheVocoderCanBeChosen() {
        List<TrainingUtterance> plain = SyntheticVoices.utterances(4, 1, 5);
        List<TrainingUtterance> withF0 = new ArrayList<>();
        for (TrainingUtterance u : plain) {
            float[] f0 = new float[u.logMel().length];
            java.util.Arrays.fill(f0, 0, f0.length / 2, 150f);               // half voiced at 150 Hz
            withF0.add(new TrainingUtterance(u.logMel(), u.transcript(), f0));
        }
        VoiceDelta tuned = runtime.fineTune(withF0, new FineTuneConfig(2, 0, 1e-3, 1, 0), null, null).delta();
        assertEquals(150, runtime.pitchRange(tuned).meanHz(), 0.5, "the feature stage's tracks give the range");
        float[] bias = tuned.overrides().get(Synthesizer.MEL_BIAS).data();
        assertEquals(plain.get(0).logMel()[0].length, bias.length, "one spectral correction per mel bin");
        for (float b : bias) assertTrue(Math.abs(b) <= 1.5f, "bounded: " + b);
        int clipFrames = withF0.stream().mapToInt(u -> u.logMel().length).sum();
        assertArrayEquals(new long[]{clipFrames, bias.length}, tuned.overrides().get(ClipFrames.RESIDUALS).shape(),
                "every frame of the clips is carried, as a residual per mel bin");
        assertArrayEquals(new long[]{clipFrames, bias.length / 2}, tuned.overrides().get(ClipFrames.KEYS).shape());
        assertFalse(tuned.overrides().containsKey(ClipFrames.FRAMES), "older voices' shapes are no longer stored");
        assertTrue(ClipFrames.carried(tuned));
        VoiceDelta zero = runtime.zeroShot(plain.stream().map(TrainingUtterance::logMel).toList());
        assertFalse(ClipFrames.carried(zero), "a zero-shot voice has no clips to match");
        PitchModel.F0Stats read = runtime.pitchRange(zero);
        assertTrue(read.meanHz() > 50 && read.meanHz() < 500, "read off the mels: " + read.meanHz());
        assertEquals(VoiceModelRuntime.pitchModel().population(), runtime.pitchRange(runtime.meanVoice()));

        List<String> text = List.of("Hello world.");
        float[] harmonic = runtime.useVocoder(VoiceModelRuntime.Vocoder.HARMONIC).synthesize(tuned, text, 1.0).audio().get(0);
        float[] griffinLim = runtime.useVocoder(VoiceModelRuntime.Vocoder.GRIFFIN_LIM).synthesize(tuned, text, 1.0).audio().get(0);
        runtime.useVocoder(VoiceModelRuntime.Vocoder.HARMONIC);
        assertEquals(harmonic.length, griffinLim.length, "same frames, either vocoder");
        assertFalse(java.util.Arrays.equals(harmonic, griffinLim));
        assertEquals(VoiceModelRuntime.Vocoder.GRIFFIN_LIM, VoiceModelRuntime.Vocoder.parse("griffin-lim"));
        assertThrows(IllegalArgumentException.class, () -> VoiceModelRuntime.Vocoder.parse("wavenet"));
    }

    @Test
    void teacherForcingRendersEachUtteranceFrameForFrame() {
        List<TrainingUtterance> data = SyntheticVoices.utterances(3, 0, 9);
        List<float[][]> forced = runtime.teacherForcedMels(null, data);
        assertEquals(data.size(), forced.size());
        for (int i = 0; i < data.size(); i++) {
            assertEquals(data.get(i).logMel().length, forced.get(i).length, "frames of utterance " + i);
            assertEquals(Spectral.MELS, forced.get(i)[0].length);
            // de-normalised to the feature stage's scale: log-mel values, not unit-variance ones
            double mean = 0;
            for (float[] f : forced.get(i)) for (float v : f) mean += v;
            mean /= forced.get(i).length * (double) Spectral.MELS;
            assertTrue(mean < -1 && mean > -12, "mean log-mel " + mean);
        }
    }

    @Test
    void zeroShotEmbeddingHas256DimensionsAndDependsOnTheReference() {
        VoiceDelta a = runtime.zeroShot(List.<float[][]>of(SyntheticVoices.utterances(1, 0, 1).get(0).logMel()));
        VoiceDelta b = runtime.zeroShot(List.<float[][]>of(SyntheticVoices.utterances(1, 3, 1).get(0).logMel()));
        assertEquals(256, a.speakerEmbedding().length);
        assertFalse(java.util.Arrays.equals(a.speakerEmbedding(), b.speakerEmbedding()));
        assertThrows(IllegalArgumentException.class, () -> runtime.zeroShot(List.of()));
    }

    @Test
    void nonFiniteLogMelsAreRefusedWithAReasonOrLeftOut() {
        List<TrainingUtterance> good = SyntheticVoices.utterances(3, 1, 5);
        float[][] corrupt = good.get(0).logMel().clone();
        corrupt[2] = corrupt[2].clone();
        corrupt[2][10] = Float.NaN;
        IllegalArgumentException refused = assertThrows(IllegalArgumentException.class,
                () -> runtime.zeroShot(List.<float[][]>of(corrupt)));
        assertTrue(refused.getMessage().contains("finite"), refused.getMessage());
        IllegalArgumentException noData = assertThrows(IllegalArgumentException.class, () -> runtime.fineTune(
                List.of(new TrainingUtterance(corrupt, good.get(0).transcript())), new FineTuneConfig(2, 0, 1e-3, 1, 0), null, null));
        assertTrue(noData.getMessage().contains("finite"), noData.getMessage());

        // beside good clips, the corrupt one is left out: the embedding and the fine-tune stay finite
        List<float[][]> refs = new ArrayList<>(List.<float[][]>of(corrupt));
        good.forEach(u -> refs.add(u.logMel()));
        for (float v : runtime.zeroShot(refs).speakerEmbedding()) {
            assertTrue(Float.isFinite(v));
        }
        List<TrainingUtterance> mixed = new ArrayList<>(good);
        mixed.add(new TrainingUtterance(corrupt, good.get(0).transcript()));
        assertTrue(Double.isFinite(runtime.fineTune(mixed, new FineTuneConfig(3, 0, 1e-3, 1, 0), null, null).finalLoss()));
    }

    @Test
    void fineTuneRefusesLessUsableSpeechThanTheMinimumWithTheReason() {
        List<TrainingUtterance> data = SyntheticVoices.utterances(6, 2, 11);
        IllegalArgumentException refused = assertThrows(IllegalArgumentException.class,
                () -> runtime.fineTune(data, new FineTuneConfig(3, 0, 1e-3, 1), null, null));
        assertTrue(refused.getMessage().contains("too little usable speech") && refused.getMessage().contains("at least 30 s"),
                refused.getMessage());
        assertEquals(FineTuneConfig.MINIMUM_SECONDS, FineTuneConfig.defaults().minimumSeconds());
    }

    @Test
    void fineTuneLowersLossWritesSmallDeltasAndResumesExactly() {
        List<TrainingUtterance> data = SyntheticVoices.utterances(6, 2, 11);
        FineTuneConfig cfg = new FineTuneConfig(12, 6, 5e-3, 7, 0);
        List<Double> losses = new ArrayList<>();
        List<FineTuneState> states = new ArrayList<>();
        FineTuneListener listener = new FineTuneListener() {
            @Override
            public void onProgress(int step, int totalSteps, double loss) {
                losses.add(loss);
            }

            @Override
            public void onCheckpoint(FineTuneState state) {
                states.add(state);
            }
        };
        FineTuneResult full = runtime.fineTune(data, cfg, null, listener);
        assertEquals(12, full.steps());
        assertEquals(2, states.size());
        assertTrue(losses.get(losses.size() - 1) < losses.get(0), "losses " + losses);

        // resume from the step-6 checkpoint, through its serialised form
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        states.get(0).write(bytes);
        FineTuneState restored = FineTuneState.read(new ByteArrayInputStream(bytes.toByteArray()));
        assertEquals(6, restored.step());
        FineTuneResult resumed = runtime.fineTune(data, cfg, restored, null);
        assertEquals(12, resumed.steps());
        assertArrayEquals(full.delta().speakerEmbedding(), resumed.delta().speakerEmbedding(), 1e-5f);
        for (String k : full.delta().overrides().keySet()) {
            assertArrayEquals(full.delta().overrides().get(k).data(), resumed.delta().overrides().get(k).data(), 1e-5f, k);
        }

        ByteArrayOutputStream d = new ByteArrayOutputStream();
        full.delta().write(d);
        VoiceDelta back = VoiceDelta.read(new ByteArrayInputStream(d.toByteArray()));
        assertArrayEquals(full.delta().speakerEmbedding(), back.speakerEmbedding(), 0f);
        assertEquals(full.delta().overrides().keySet(), back.overrides().keySet());
        for (String k : full.delta().overrides().keySet()) {
            assertArrayEquals(full.delta().overrides().get(k).data(), back.overrides().get(k).data(), 0f, "served as evaluated: " + k);
        }
        assertEquals(d.size(), back.sizeBytes());
        assertTrue(back.sizeBytes() < 5_000_000);
        assertThrows(IllegalArgumentException.class, () -> runtime.fineTune(List.of(), cfg, null, null));
        assertThrows(java.util.concurrent.CancellationException.class, () -> runtime.fineTune(data, cfg, null,
                new FineTuneListener() {
                    @Override
                    public void onProgress(int step, int totalSteps, double loss) {
                    }

                    @Override
                    public void onCheckpoint(FineTuneState state) {
                    }

                    @Override
                    public boolean cancelled() {
                        return true;
                    }
                }));
    }

    @Test
    void concurrentVoicesNeverMix() throws Exception {
        VoiceDelta a = runtime.zeroShot(List.<float[][]>of(SyntheticVoices.utterances(1, 0, 1).get(0).logMel()));
        VoiceDelta b = runtime.fineTune(SyntheticVoices.utterances(3, 4, 2), new FineTuneConfig(3, 0, 1e-2, 1, 0),
                null, null).delta();
        List<String> text = List.of("Same words for both voices.");
        float[][] soloA = runtime.logMels(a, text, 1.0).get(0);
        float[][] soloB = runtime.logMels(b, text, 1.0).get(0);
        assertNotEquals(soloA[0][0], soloB[0][0]);
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<float[][]>> fa = new ArrayList<>();
            List<Future<float[][]>> fb = new ArrayList<>();
            for (int i = 0; i < 6; i++) {
                fa.add(pool.submit(() -> runtime.logMels(a, text, 1.0).get(0)));
                fb.add(pool.submit(() -> runtime.logMels(b, text, 1.0).get(0)));
            }
            for (Future<float[][]> f : fa) {
                assertArrayEquals(soloA, f.get());
            }
            for (Future<float[][]> f : fb) {
                assertArrayEquals(soloB, f.get());
            }
        } finally {
            pool.shutdown();
        }
    }

    @Test
    void fineTuneRateWarmsUpThenDecaysToZeroAtTheLastStep() {
        FineTuneConfig cfg = new FineTuneConfig(300, 0, 3e-3, 1, 0);
        assertEquals(3e-3 / 20, FineTuneSchedule.rate(cfg, 0), 1e-9);
        double peak = FineTuneSchedule.rate(cfg, 19);
        assertTrue(peak > 2.9e-3 && peak <= 3e-3, "rate after warm-up " + peak);
        assertEquals(1.5e-3, FineTuneSchedule.rate(cfg, 150), 1e-6);
        double previous = peak;
        for (int step = 20; step < 300; step++) {
            double rate = FineTuneSchedule.rate(cfg, step);
            assertTrue(rate < previous, "rate must fall after warm-up, step " + step);
            previous = rate;
        }
        assertTrue(previous < 1e-6, "last step's rate " + previous);
    }
}
