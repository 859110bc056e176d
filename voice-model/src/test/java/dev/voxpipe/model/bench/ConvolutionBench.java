package dev.voxpipe.model.bench;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.convolutional.Conv1d;
import dev.voxpipe.model.Convolution;
import dev.voxpipe.model.Devices;

import java.util.Arrays;
import java.util.Locale;

/**
 * What padding the channels costs: {@link Convolution#conv1d} against DJL's plain call (which is wrong on the CPU for
 * these shapes, see Convolution) on the shipped models' off-block layers, same inputs, same run. Prints the median
 * time of each and their ratio. Usage: ConvolutionBench [--rounds 200] [--batch 6] [--frames 300]
 */
public final class ConvolutionBench {
    private ConvolutionBench() {
    }

    public static void main(String[] args) {
        java.util.Map<String, String> a = BenchArgs.parse(args);
        int rounds = Integer.parseInt(a.getOrDefault("rounds", "200"));
        int batch = Integer.parseInt(a.getOrDefault("batch", "6"));
        int frames = Integer.parseInt(a.getOrDefault("frames", "300"));
        // name, inputs, outputs, kernel: the shipped layers whose channel counts are off a block of 16
        Object[][] layers = {{"spk.conv0", 100, 128, 3}, {"var.emb", 3, 128, 5}, {"pitch.in", 100, 96, 5},
                {"ap.in", 102, 64, 5}, {"dec.out", 128, 100, 1}, {"var.out", 128, 3, 1}};
        System.out.printf(Locale.ROOT, "batch %d, %d frames, %d rounds, median ms%n", batch, frames, rounds);
        System.out.println("| layer | plain | padded | padded / plain |");
        System.out.println("|---|---:|---:|---:|");
        try (NDManager root = NDManager.newBaseManager(Devices.preferred())) {
            for (Object[] l : layers) {
                int in = (int) l[1];
                int out = (int) l[2];
                int k = (int) l[3];
                NDArray x = root.randomNormal(new Shape(batch, in, frames));
                NDArray w = root.randomNormal(new Shape(out, in, k));
                NDArray b = root.randomNormal(new Shape(out));
                double[] plain = new double[rounds];
                double[] padded = new double[rounds];
                for (int r = 0; r < rounds; r++) {
                    // alternate which goes first, so neither always finds the caches warm
                    for (int pass = 0; pass < 2; pass++) {
                        boolean pad = (r + pass) % 2 == 0;
                        try (NDManager m = root.newSubManager()) {
                            NDArray xs = x.duplicate();
                            xs.attach(m);
                            long t0 = System.nanoTime();
                            NDArray y = pad ? Convolution.conv1d(xs, w, b, 1)
                                    : Conv1d.conv1d(xs, w, b, new Shape(1), new Shape((k - 1) / 2), new Shape(1), 1)
                                    .singletonOrThrow();
                            y.toFloatArray();
                            double ms = (System.nanoTime() - t0) / 1e6;
                            (pad ? padded : plain)[r] = ms;
                        }
                    }
                }
                double p = median(plain);
                double q = median(padded);
                System.out.printf(Locale.ROOT, "| %s (%d→%d, k%d) | %.3f | %.3f | %.2f× |%n", l[0], in, out, k, p, q, q / p);
            }
        }
    }

    private static double median(double[] v) {
        double[] s = v.clone();
        Arrays.sort(s);
        return s[s.length / 2];
    }
}
