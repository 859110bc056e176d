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
        assertEquals("voxpipe-base-v1", base.baseModelId());
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
}
