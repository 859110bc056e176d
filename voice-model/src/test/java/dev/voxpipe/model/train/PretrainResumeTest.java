package dev.voxpipe.model.train;

import dev.voxpipe.model.BaseCheckpoint;
import dev.voxpipe.model.ParamStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.sound.sampled.AudioFileFormat;
import javax.sound.sampled.AudioFormat;
import javax.sound.sampled.AudioInputStream;
import javax.sound.sampled.AudioSystem;
import java.io.ByteArrayInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The pretraining command on a tiny corpus: checkpoints, loss curve, and resume equal to an uninterrupted run. */
class PretrainResumeTest {
    private static void corpus(Path root) throws Exception {
        Random rng = new Random(4);
        String[] texts = {"hi there.", "good day.", "yes please.", "no thanks."};
        for (String speaker : List.of("alpha", "beta", "held")) {
            Path dir = Files.createDirectories(root.resolve(speaker));
            StringBuilder meta = new StringBuilder();
            double f0 = speaker.equals("alpha") ? 120 : 210;
            for (int i = 0; i < texts.length; i++) {
                int n = 32000 + rng.nextInt(8000);
                byte[] pcm = new byte[n * 2];
                for (int k = 0; k < n; k++) {
                    double env = Math.sin(Math.PI * k / n);
                    double v = env * (0.3 * Math.sin(2 * Math.PI * f0 * (1 + i * 0.1) * k / 32000.0)
                            + 0.02 * rng.nextGaussian());
                    int s = (int) Math.round(v * 32767);
                    pcm[2 * k] = (byte) s;
                    pcm[2 * k + 1] = (byte) (s >> 8);
                }
                AudioFormat f = new AudioFormat(32000, 16, 1, true, false);
                AudioSystem.write(new AudioInputStream(new ByteArrayInputStream(pcm), f, n), AudioFileFormat.Type.WAVE,
                        dir.resolve(speaker + i + ".wav").toFile());
                meta.append(speaker).append(i).append('\t').append(texts[i]).append('\n');
            }
            Files.writeString(dir.resolve("metadata.tsv"), meta.toString());
        }
    }

    private static void run(Path corpus, Path run, int steps) throws Exception {
        Pretrain.main(new String[]{"--corpus", corpus.toString(), "--run", run.toString(), "--hold-out", "held",
                "--size", "tiny", "--steps", "" + steps, "--checkpoint-every", "3", "--max-frames", "300",
                "--minutes", "5", "--decoder-layers", "3"});
    }

    @Test
    void resumedRunEqualsUninterruptedRun(@TempDir Path tmp) throws Exception {
        Path corpus = tmp.resolve("corpus");
        corpus(corpus);
        Path straight = tmp.resolve("straight");
        run(corpus, straight, 6);
        Path resumed = tmp.resolve("resumed");
        run(corpus, resumed, 3);     // as if killed right after the step-3 checkpoint
        run(corpus, resumed, 6);
        ParamStore a = BaseCheckpoint.read(straight.resolve("base")).params();
        ParamStore b = BaseCheckpoint.read(resumed.resolve("base")).params();
        for (String k : a.tensors().keySet()) {
            assertArrayEquals(a.get(k).data(), b.get(k).data(), 1e-5f, k);
        }
        List<String> curve = Files.readAllLines(resumed.resolve("loss.csv"));
        assertEquals(7, curve.size(), "header + one row per step, no duplicates");
        assertTrue(Files.exists(resumed.resolve("train-state.bin")));
        assertTrue(Files.list(resumed).noneMatch(p -> p.toString().endsWith(".tmp")));
        assertTrue(BaseCheckpoint.read(resumed.resolve("base")).info().contains("step=6"));
        assertEquals(3, BaseCheckpoint.read(resumed.resolve("base")).config().decoderLayers(), "--decoder-layers (tiny has 2)");
    }
}
