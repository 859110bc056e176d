package dev.voxpipe.corpus;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.voxpipe.dsp.PcmAudio;
import dev.voxpipe.dsp.WavIo;

class AugmenterTest {
    @Test
    void variantsAreNamedByEffectAndRefuseNoOpsAndExtremes() {
        List<Augmenter.Variant> v = Augmenter.variants("-300,300", "0.92");
        assertEquals(List.of("pitch-300", "pitch+300", "speed0.92"), v.stream().map(Augmenter.Variant::suffix).toList());
        assertThrows(IllegalArgumentException.class, () -> Augmenter.variants("0", ""));
        assertThrows(IllegalArgumentException.class, () -> Augmenter.variants("", "1"));
        assertThrows(IllegalArgumentException.class, () -> Augmenter.variants("2400", ""));
        assertThrows(IllegalArgumentException.class, () -> new Augmenter.Variant("reverb", "50"));
    }

    /** {@code dir/corpus/buzz}: one utterance "u1", a 150 Hz buzz of ten harmonics, of the given length. */
    private static Path buzzSpeaker(Path dir, double seconds) throws Exception {
        Path speaker = dir.resolve("corpus/buzz");
        Files.createDirectories(speaker);
        int rate = AudioPrep.CORPUS_RATE;
        float[] x = new float[(int) (seconds * rate)];
        for (int i = 0; i < x.length; i++) {
            double t = i / (double) rate;
            for (int h = 1; h <= 10; h++) x[i] += (float) (0.3 / h * Math.sin(2 * Math.PI * 150 * h * t));
        }
        WavIo.writeWav16(new PcmAudio(x, rate), speaker.resolve("u1.wav"));
        Files.writeString(speaker.resolve("metadata.tsv"), "u1\ta buzz\n", StandardCharsets.UTF_8);
        return speaker;
    }

    /** A voiced 150 Hz buzz shifted up 300 cents comes out near 178 Hz, twice the same bytes. */
    @Test
    void pitchVariantsShiftF0ByTheirCentsDeterministically(@TempDir Path dir) throws Exception {
        assumeTrue(Processes.onPath("sox"), "sox is not installed");
        int rate = AudioPrep.CORPUS_RATE;
        Path speaker = buzzSpeaker(dir, 2.0);

        Path up = Augmenter.augment(speaker, new Augmenter.Variant("pitch", "300"), dir.resolve("a"));
        Path again = Augmenter.augment(speaker, new Augmenter.Variant("pitch", "300"), dir.resolve("b"));
        assertEquals("buzz_pitch+300", up.getFileName().toString());
        assertArrayEquals(Files.readAllBytes(up.resolve("u1.wav")), Files.readAllBytes(again.resolve("u1.wav")), "deterministic");
        assertEquals("u1\ta buzz\n", Files.readString(up.resolve("metadata.tsv")));
        assertTrue(Files.readString(up.resolve("speaker.json")).contains("\"derivedFrom\": \"buzz\""));

        PcmAudio shifted = WavIo.read(up.resolve("u1.wav"));
        assertEquals(2.0, shifted.durationSeconds(), 0.05, "pitch keeps the tempo");
        double f0 = F0Stats.of(F0Stats.TRACKER.f0(shifted.samples(), rate, rate / 100)).meanHz();
        assertEquals(150 * Math.pow(2, 300 / 1200.0), f0, 5, "F0 after +300 cents");
    }

    /** The command line, as a recipe calls it: a relative corpus path, one effect named, only that effect made. */
    @Test
    void theCommandTakesRelativePathsAndOnlyTheEffectsNamed(@TempDir Path dir) throws Exception {
        assumeTrue(Processes.onPath("sox"), "sox is not installed");
        buzzSpeaker(dir, 0.5);
        Path here = Path.of("").toAbsolutePath();
        Augmenter.main(new String[]{"--corpus", here.relativize(dir.resolve("corpus")).toString(), "--speakers", "buzz",
                "--speed", "0.92", "--out", here.relativize(dir.resolve("aug")).toString()});
        try (var listing = Files.list(dir.resolve("aug"))) {
            assertEquals(List.of("buzz_speed0.92"), listing.map(p -> p.getFileName().toString()).toList());
        }
        PcmAudio slower = WavIo.read(dir.resolve("aug/buzz_speed0.92/u1.wav"));
        assertEquals(0.5 / 0.92, slower.durationSeconds(), 0.02, "speed 0.92 lengthens");
    }
}
