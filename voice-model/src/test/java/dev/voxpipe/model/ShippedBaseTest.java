package dev.voxpipe.model;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A fresh checkout synthesises with the checkpoint shipped on the classpath, no pretraining. */
class ShippedBaseTest {
    @Test
    void theShippedBaseSpeaksASentence() {
        VoiceModelRuntime base = VoiceModelRuntime.loadBase();
        assertSame(base, VoiceModelRuntime.loadBase(), "loaded once per JVM");
        assertEquals("voxpipe-base-v2.2", base.baseModelId());
        assertTrue(base.parameterCount() > 500_000);
        SynthesisOutput out = base.synthesize(null, List.of("Welcome to the voice pipeline."), 1.0);
        float[] audio = out.audio().get(0);
        double seconds = audio.length / (double) base.sampleRate();
        assertTrue(seconds > 0.8 && seconds < 6, "duration " + seconds);
        double energy = 0;
        for (float v : audio) {
            energy += v * v;
        }
        assertTrue(Math.sqrt(energy / audio.length) > 0.01, "audible");
        base.close();   // no-op for the shared instance
        assertEquals(1, base.synthesize(null, List.of("Still usable."), 1.0).audio().size());
    }

    /** The acoustic model v2 issue's sentence: 3-8 s of speech with at least 40 % voiced frames (v1 gave one pause). */
    @Test
    void mandarinIsSpokenAndVoiced() {
        VoiceModelRuntime base = VoiceModelRuntime.loadBase();
        float[] audio = base.synthesize(null, List.of("你好，世界。今天是2026年11月28日，价格是100元。"), 1.0).audio().get(0);
        double seconds = audio.length / (double) base.sampleRate();
        float[] f0 = dev.voxpipe.dsp.PitchTracker.defaults().f0(audio, base.sampleRate(), Spectral.HOP);
        int voiced = 0;
        for (float f : f0) {
            if (f > 0) voiced++;
        }
        assertTrue(seconds >= 3 && seconds <= 8, "duration " + seconds);
        assertTrue(voiced >= 0.4 * f0.length, "voiced " + voiced + " of " + f0.length + " frames");
        // the same sentence in tone-numbered pinyin reads the same phonemes
        assertTrue(java.util.Arrays.equals(PhonemeTokenizer.encode("你好，世界。"), PhonemeTokenizer.encode("ni3 hao3, shi4 jie4.")));
    }
}
