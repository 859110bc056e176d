package dev.voxpipe.model.bench;

import ai.djl.ndarray.NDManager;
import dev.voxpipe.model.Devices;
import dev.voxpipe.model.Spectral;

/** Times the log-mel front end and fast Griffin-Lim on 3 s of audio. Run: see bench/model/README.md. */
public final class GriffinLimBench {
    private GriffinLimBench() {
    }

    public static void main(String[] args) {
        int iterations = args.length > 0 ? Integer.parseInt(args[0]) : 24;
        float[] x = new float[3 * Spectral.SAMPLE_RATE];
        java.util.Random rng = new java.util.Random(1);
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) (0.3 * Math.sin(2 * Math.PI * 180 * i / 32000.0) + 0.05 * rng.nextGaussian());
        }
        try (NDManager m = NDManager.newBaseManager(Devices.preferred())) {
            for (int rep = 0; rep < 4; rep++) {
                long t0 = System.nanoTime();
                float[][] mel = Spectral.logMel(x);
                long t1 = System.nanoTime();
                Spectral.griffinLim(m, mel, iterations, 0.99, 1);
                long t2 = System.nanoTime();
                System.out.printf("logMel %.1f ms, griffinLim(%d) %.1f ms, RTF %.3f%n", (t1 - t0) / 1e6, iterations,
                        (t2 - t1) / 1e6, (t2 - t1) / 1e9 / 3.0);
            }
        }
    }
}
