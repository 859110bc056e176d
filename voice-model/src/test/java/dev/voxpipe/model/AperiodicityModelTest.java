package dev.voxpipe.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.Random;

/** The shipped aperiodicity model, and how the harmonic vocoder splits a band by it. */
class AperiodicityModelTest {

    @Test
    void theShippedModelHearsABreathyUpperBandAsLessPeriodic() {
        assertTrue(AperiodicityModel.available(), "the model ships as a classpath resource");
        AperiodicityModel model = AperiodicityModel.loadDefault();
        assertTrue(model.info().contains("AperiodicityTrain"), "its recipe travels with it: " + model.info());
        Random rng = new Random(7);
        try (NDManager m = NDManager.newBaseManager()) {
            float[] f0 = new float[Spectral.frameCount(Spectral.SAMPLE_RATE)];
            Arrays.fill(f0, 140f);
            float[][] clean = model.periodicity(m, Spectral.logMel(BreathyVoices.voice(140, false, rng)), f0);
            float[][] breathy = model.periodicity(m, Spectral.logMel(BreathyVoices.voice(140, true, rng)), f0);
            assertEquals(f0.length, clean.length);
            double cleanTop = 0;
            double breathyTop = 0;
            for (int t = 0; t < clean.length; t++) {
                for (float v : clean[t]) assertTrue(v >= 0 && v <= 1, "a share: " + v);
                cleanTop += clean[t][BandPeriodicity.BANDS - 1] / clean.length;
                breathyTop += breathy[t][BandPeriodicity.BANDS - 1] / breathy.length;
            }
            assertTrue(cleanTop > breathyTop + 0.1, "4-5 kHz periodicity, clean " + cleanTop + " against breathy " + breathyTop);
        }
    }

    @Test
    void anAperiodicBandGetsNoiseInsteadOfHarmonics() {
        int frames = 40;
        float[][] power = new float[frames][Spectral.BINS];
        for (float[] row : power) Arrays.fill(row, 1e-4f);
        float[] f0 = new float[frames];
        Arrays.fill(f0, 200f);
        float[][] periodicity = new float[frames][BandPeriodicity.BANDS];
        for (float[] row : periodicity) {
            Arrays.fill(row, 1f);
            row[BandPeriodicity.BANDS - 1] = 0f;   // 4-5 kHz: all noise
        }
        int samples = (frames - 1) * Spectral.HOP;
        HarmonicVocoder.Settings settings = HarmonicVocoder.Settings.defaults();
        float[] harmonic = HarmonicVocoder.harmonics(power, f0, HarmonicVocoder.harmonicPresence(f0, samples), settings, periodicity);
        try (NDManager m = NDManager.newBaseManager()) {
            float[][] spectrum = Spectral.toMatrix(Spectral.stft(m, harmonic).square().sum(new int[]{2}));
            double binHz = Spectral.SAMPLE_RATE / (double) Spectral.N_FFT;
            double low = bandPower(spectrum, 1000 / binHz, 2000 / binHz);
            double top = bandPower(spectrum, 4050 / binHz, 4950 / binHz);
            assertTrue(top < 1e-6 * low, "harmonics in the aperiodic band: " + top + " against " + low + " at 1-2 kHz");

            float[] noise = HarmonicVocoder.noiseSpectra(m, power, f0, 1, settings, periodicity)[1].square().sum(new int[]{2}).toFloatArray();
            double noiseLow = 0;
            double noiseTop = 0;
            for (int t = 0; t < frames; t++) {
                noiseLow += noise[t * Spectral.BINS + (int) (1500 / binHz)];
                noiseTop += noise[t * Spectral.BINS + (int) (4500 / binHz)];
            }
            assertEquals(0, noiseLow, 1e-12, "no noise in a periodic band");
            assertTrue(noiseTop > 0, "noise in the aperiodic band");
        }
    }

    private static double bandPower(float[][] spectrum, double from, double to) {
        double sum = 0;
        for (int t = 5; t < spectrum.length - 5; t++) {
            for (int b = (int) from; b <= (int) to; b++) sum += spectrum[t][b];
        }
        return sum;
    }
}
