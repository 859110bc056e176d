package dev.voxpipe.model;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import dev.voxpipe.model.bench.AllocationChurn;
import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The models' convolution against the same sum written as matrix products, after freed memory was left full of NaN:
 * oneDNN's CPU kernel reads the lanes it pads a channel count to (100 mels become 112), so unpadded it answered NaN here.
 */
class ConvolutionTest {

    /** The convolution as K matrix products over shifted copies of the zero-padded input. */
    private static NDArray byMatrixProducts(NDArray x, NDArray w, NDArray b, int dilation) {
        long k = w.getShape().get(2);
        long frames = x.getShape().get(2);
        long pad = dilation * (k - 1) / 2;
        NDArray zeros = x.getManager().zeros(new Shape(x.getShape().get(0), x.getShape().get(1), pad));
        NDArray padded = zeros.concat(x, 2).concat(zeros, 2);
        NDArray sum = b.reshape(1, -1, 1);
        for (int j = 0; j < k; j++) {
            long from = (long) j * dilation;
            sum = sum.add(w.get(":, :, " + j).expandDims(0).matMul(padded.get(":, :, " + from + ":" + (from + frames))));
        }
        return sum;
    }

    private static float maxDifference(NDArray a, NDArray b) {
        float[] x = a.toFloatArray();
        float[] y = b.toFloatArray();
        float max = 0;
        for (int i = 0; i < x.length; i++) {
            max = Math.max(max, Float.isFinite(x[i]) ? Math.abs(x[i] - y[i]) : Float.POSITIVE_INFINITY);
        }
        return max;
    }

    @Test
    void channelCountsOffTheKernelsBlocksGiveTheExactSumAndGradient() {
        Random rng = new Random(7);
        try (NDManager root = NDManager.newBaseManager(Devices.preferred())) {
            // mels in, three prosody tracks out (both off a block of 8 or 16), then a dilated layer
            int[][] shapes = {{100, 3, 3, 1}, {100, 32, 5, 2}, {3, 100, 1, 1}};
            for (int[] s : shapes) {
                for (int repeat = 0; repeat < 3; repeat++) {
                    try (NDManager m = root.newSubManager()) {
                        NDArray x = m.randomNormal(new Shape(6, s[0], 70));
                        NDArray w = m.randomNormal(0, 0.1f, new Shape(s[1], s[0], s[2]), ai.djl.ndarray.types.DataType.FLOAT32);
                        NDArray b = m.randomNormal(new Shape(s[1]));
                        NDArray r = m.randomNormal(new Shape(6, s[1], 70));
                        x.setRequiresGradient(true);
                        w.setRequiresGradient(true);
                        AllocationChurn.smallRound(rng);
                        NDArray y;
                        float[] dx;
                        float[] dw;
                        try (GradientCollector c = Engine.getEngine("PyTorch").newGradientCollector()) {
                            y = AcousticModel.conv(x, w, b, s[3]);
                            c.backward(y.mul(r).sum());
                        }
                        dx = x.getGradient().toFloatArray();
                        dw = w.getGradient().toFloatArray();
                        NDArray x2 = x.duplicate();
                        NDArray w2 = w.duplicate();
                        x2.setRequiresGradient(true);
                        w2.setRequiresGradient(true);
                        NDArray reference;
                        try (GradientCollector c = Engine.getEngine("PyTorch").newGradientCollector()) {
                            reference = byMatrixProducts(x2, w2, b, s[3]);
                            c.backward(reference.mul(r).sum());
                        }
                        String what = java.util.Arrays.toString(s) + " try " + repeat;
                        assertTrue(maxDifference(y, reference) < 1e-4, what + ": output differs by " + maxDifference(y, reference));
                        assertTrue(maxDifference(m.create(dx), x2.getGradient()) < 1e-4, what + ": input gradient differs");
                        assertTrue(maxDifference(m.create(dw), w2.getGradient()) < 1e-3, what + ": weight gradient differs");
                    }
                }
            }
        }
    }
}
