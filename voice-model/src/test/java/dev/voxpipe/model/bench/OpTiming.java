package dev.voxpipe.model.bench;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.voxpipe.model.Devices;

/** Times individual engine operations used by the vocoder (diagnostics). */
public final class OpTiming {
    private OpTiming() {
    }

    interface Op {
        NDArray run();
    }

    static void time(String name, Op op) {
        op.run();
        long t0 = System.nanoTime();
        for (int i = 0; i < 10; i++) {
            op.run();
        }
        System.out.printf("%-20s %.2f ms%n", name, (System.nanoTime() - t0) / 1e7);
    }

    public static void main(String[] args) {
        try (NDManager m = NDManager.newBaseManager(Devices.preferred())) {
            NDArray sig = m.randomNormal(new Shape(96000));
            long[] idx = new long[301 * 1280];
            for (int t = 0; t < 301; t++) {
                for (int n = 0; n < 1280; n++) {
                    idx[t * 1280 + n] = Math.min(95999, Math.max(0, t * 320 + n - 640));
                }
            }
            NDArray index = m.create(idx, new Shape(301, 1280));
            NDArray frames = m.randomNormal(new Shape(301, 1280));
            NDArray spec = frames.rfft(1280, -1);
            NDArray pairs = spec.real();
            time("take", () -> sig.take(m, index));
            time("get(index)", () -> sig.get(index));
            time("rfft", () -> frames.rfft(1280, -1));
            time("real", () -> spec.real());
            time("complex", () -> pairs.complex());
            time("irfft", () -> spec.irfft(1280, -1));
            time("mul", () -> frames.mul(frames));
            time("concat", () -> frames.concat(frames, 0));
        }
    }
}
