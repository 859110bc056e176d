package dev.voxpipe.model.train;

import ai.djl.ndarray.NDManager;
import dev.voxpipe.dsp.PcmAudio;
import dev.voxpipe.dsp.WavIo;
import dev.voxpipe.model.AperiodicityModel;
import dev.voxpipe.model.BandPeriodicity;
import dev.voxpipe.model.BreathyVoices;
import dev.voxpipe.model.Spectral;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The aperiodicity training command on a tiny corpus: buzzes whose upper half is clean in one speaker and noise in
 * the other. The trained model must tell them apart in its top band, and save what the vocoder loads.
 */
class AperiodicityTrainTest {
    @Test
    void learnsWhichBandsAreNoiseAndSavesTheModel(@TempDir Path dir) throws Exception {
        Random rng = new Random(5);
        for (String speaker : new String[]{"clean", "breathy"}) {
            Path d = Files.createDirectories(dir.resolve(speaker));
            StringBuilder meta = new StringBuilder();
            for (int i = 0; i < 4; i++) {
                String id = speaker + i;
                WavIo.writeWav16(new PcmAudio(BreathyVoices.voice(110 + 20 * i, speaker.equals("breathy"), rng), Spectral.SAMPLE_RATE),
                        d.resolve(id + ".wav"));
                meta.append(id).append("\tsome text\n");
            }
            Files.writeString(d.resolve("metadata.tsv"), meta.toString());
        }
        Path out = dir.resolve("model");
        AperiodicityTrain.main(new String[]{"--speakers", dir.resolve("clean") + "," + dir.resolve("breathy"),
                "--out", out.toString(), "--steps", "40", "--channels", "16", "--frames", "800"});
        assertTrue(Files.readString(out.resolve("info.txt")).contains("40 steps"));
        AperiodicityModel model = AperiodicityModel.read(out);
        try (NDManager m = NDManager.newBaseManager()) {
            float[] f0 = new float[Spectral.frameCount(Spectral.SAMPLE_RATE)];
            Arrays.fill(f0, 140f);
            double clean = topBand(model.periodicity(m, Spectral.logMel(BreathyVoices.voice(140, false, rng)), f0));
            double breathy = topBand(model.periodicity(m, Spectral.logMel(BreathyVoices.voice(140, true, rng)), f0));
            assertTrue(clean > breathy + 0.2, "top band periodicity, clean " + clean + " against breathy " + breathy);
        }
    }

    private static double topBand(float[][] rows) {
        double sum = 0;
        for (float[] row : rows) sum += row[BandPeriodicity.BANDS - 1];
        return sum / rows.length;
    }
}
