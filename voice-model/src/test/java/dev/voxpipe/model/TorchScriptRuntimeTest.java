package dev.voxpipe.model;

import org.junit.jupiter.api.Test;

import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A TorchScript file made by src/test/python/make_tiny_torchscript.py, through the same interface. */
class TorchScriptRuntimeTest {
    @Test
    void loadsAndSynthesisesThroughTheSameInterface() throws URISyntaxException {
        Path file = Path.of(getClass().getResource("/torchscript/tiny_acoustic.pt").toURI());
        try (VoiceModelRuntime runtime = VoiceModelRuntime.loadTorchScript(file)) {
            assertTrue(runtime.baseModelId().startsWith("torchscript:"));
            List<String> text = List.of("Hi.", "A longer sentence here.");
            List<float[][]> mels = runtime.logMels(null, text, 1.0);
            // the tiny model holds every token for round(4 / speed) frames
            assertEquals(CharTokenizer.encode("Hi.").length * 4, mels.get(0).length);
            assertEquals(100, mels.get(0)[0].length);
            assertEquals(CharTokenizer.encode("Hi.").length * 2, runtime.logMels(null, List.of("Hi."), 2.0).get(0).length);
            VoiceDelta voice = runtime.zeroShot(List.<float[][]>of(mels.get(1)));
            assertEquals(256, voice.speakerEmbedding().length);
            SynthesisOutput out = runtime.synthesize(voice, text, 1.0);
            assertEquals(2, out.audio().size());
            assertEquals((mels.get(1).length - 1) * Spectral.HOP, out.audio().get(1).length);
            assertThrows(UnsupportedOperationException.class, () -> runtime.fineTune(
                    SyntheticVoices.utterances(2, 0, 1), FineTuneConfig.defaults(), null, null));
        }
    }

    @Test
    void aMissingFileIsAClearError() {
        assertThrows(IllegalArgumentException.class, () -> VoiceModelRuntime.loadTorchScript(Path.of("/nonexistent/x.pt")));
    }
}
