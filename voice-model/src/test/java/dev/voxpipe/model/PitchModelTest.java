package dev.voxpipe.model;

import ai.djl.ndarray.NDManager;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The pitch range arithmetic and the shipped pitch model on signals whose pitch is known. */
class PitchModelTest {
    @Test
    void pitchRangeIsTheLogF0MomentsOfVoicedFramesOnly() {
        float[] track = new float[100];
        for (int i = 0; i < 50; i++) track[i] = i % 2 == 0 ? 100f : 400f; // ln 100 and ln 400, equally often
        PitchModel.F0Stats s = PitchModel.F0Stats.of(List.of(track), null);
        assertEquals(200, s.meanHz(), 0.5, "geometric mean of 100 and 400 Hz");
        assertEquals(Math.log(2), s.stdLog(), 1e-4);
        PitchModel.F0Stats fallback = new PitchModel.F0Stats(5f, 0.2f);
        assertSame(fallback, PitchModel.F0Stats.of(List.of(new float[19]), fallback), "unvoiced tracks give the fallback");
        assertEquals(2 * 200, s.adjusted(12, 1).meanHz(), 0.5, "an octave up");
        assertThrows(IllegalArgumentException.class, () -> new PitchModel.F0Stats(5f, 0f));
    }

    /** A 2 s vowel-like buzz at {@code f0} (harmonics under a formant-like envelope) with silence either side. */
    static float[] vowel(double f0) {
        float[] x = new float[Spectral.SAMPLE_RATE * 3];
        int from = Spectral.SAMPLE_RATE / 2;
        int to = from + 2 * Spectral.SAMPLE_RATE;
        double phase = 0;
        for (int i = from; i < to; i++) {
            phase += 2 * Math.PI * f0 / Spectral.SAMPLE_RATE;
            double v = 0;
            for (int k = 1; k * f0 < 7000; k++) {
                double f = k * f0;
                double envelope = Math.exp(-Math.pow((f - 700) / 400, 2)) + 0.5 * Math.exp(-Math.pow((f - 1200) / 500, 2)) + 0.05;
                v += envelope / Math.sqrt(k) * Math.sin(k * phase);
            }
            x[i] = (float) (0.05 * v);
        }
        return x;
    }

    @Test
    void theShippedModelHearsVoicingAndReadsTheRegisterOffRecordings() {
        PitchModel model = VoiceModelRuntime.pitchModel();
        try (NDManager m = NDManager.newBaseManager()) {
            float[][] low = Spectral.logMel(vowel(110));
            float[][] high = Spectral.logMel(vowel(220));
            PitchModel.F0Stats lowRange = model.estimateStats(m, List.<float[][]>of(low));
            PitchModel.F0Stats highRange = model.estimateStats(m, List.<float[][]>of(high));
            assertTrue(highRange.meanHz() > 1.4 * lowRange.meanHz(),
                    "an octave apart: read " + lowRange.meanHz() + " and " + highRange.meanHz() + " Hz");

            float[] f0 = model.f0(m, low, new PitchModel.F0Stats((float) Math.log(110), 0.1f));
            int voicedInside = 0;
            int voicedOutside = 0;
            for (int t = 0; t < f0.length; t++) {
                boolean inside = t > 60 && t < 240;   // the buzz spans frames 50-250
                boolean outside = t < 40 || t > 260;
                if (f0[t] > 0 && inside) voicedInside++;
                if (f0[t] > 0 && outside) voicedOutside++;
                if (f0[t] > 0) assertTrue(f0[t] > 60 && f0[t] < 200, "F0 within the given range: " + f0[t]);
            }
            assertTrue(voicedInside > 0.8 * 179, "voiced frames in the buzz: " + voicedInside + " of 179");
            assertTrue(voicedOutside < 5, "voiced frames in the silence: " + voicedOutside + " " + Arrays.toString(f0));
        }
    }

    /** {@code -Dvoxpipe.pitchModel=DIR} loads a training run's output instead of the shipped model. */
    @Test
    void aTrainingRunsOutputCanStandInForTheShippedModel(@TempDir Path dir) throws Exception {
        PitchModel shipped = PitchModel.loadDefault();
        shipped.save(dir);
        Files.writeString(dir.resolve("info.txt"), "a training run's output\n");
        String before = System.getProperty("voxpipe.pitchModel");
        System.setProperty("voxpipe.pitchModel", dir.toString());
        try {
            PitchModel run = PitchModel.loadDefault();
            assertEquals("a training run's output\n", run.info());
            assertEquals(shipped.parameterCount(), run.parameterCount());
        } finally {
            if (before == null) System.clearProperty("voxpipe.pitchModel");
            else System.setProperty("voxpipe.pitchModel", before);
        }
        assertTrue(PitchModel.loadDefault().info().contains("2400 steps"), "the shipped model again");
    }
}
