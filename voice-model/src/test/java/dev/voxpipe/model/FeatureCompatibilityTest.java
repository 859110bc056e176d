package dev.voxpipe.model;

import ai.djl.ndarray.NDManager;
import dev.voxpipe.dsp.MelConfig;
import dev.voxpipe.dsp.MelSpectrogram;
import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The model's own log-mel equals audio-dsp's (what the feature stage hands to fine-tuning). */
class FeatureCompatibilityTest {
    @Test
    void logMelMatchesTheFeatureStage() {
        Random rng = new Random(2);
        float[] x = new float[48000];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) (0.4 * Math.sin(2 * Math.PI * 150 * i / 32000.0) * Math.sin(Math.PI * i / x.length)
                    + 0.2 * Math.sin(2 * Math.PI * 2300 * i / 32000.0) + 0.01 * rng.nextGaussian());
        }
        float[][] theirs = new MelSpectrogram(MelConfig.defaults()).logMel(x);
        float[][] ours;
        try (NDManager m = NDManager.newBaseManager(Devices.preferred())) {
            ours = Spectral.logMel(m, x);
        }
        assertEquals(theirs.length, ours.length, "frames");
        assertEquals(theirs[0].length, ours[0].length, "bins");
        double maxDiff = 0;
        for (int t = 0; t < ours.length; t++) {
            for (int k = 0; k < ours[t].length; k++) {
                maxDiff = Math.max(maxDiff, Math.abs(ours[t][k] - theirs[t][k]));
            }
        }
        assertTrue(maxDiff < 0.05, "max log-mel difference " + maxDiff);
    }
}
