package dev.voxpipe.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.convolutional.Conv1d;

/**
 * The one 1-d convolution the models use, with channel counts the CPU kernel computes correctly.
 *
 * <p>On the CPU, PyTorch 2.7.1 runs a batched float convolution through oneDNN, which works on channels in blocks of
 * 8 or 16 and pads a count that is not a multiple (the mels' 100 become 104 or 112). The padded lanes are not zeroed:
 * they hold whatever the memory held before, and the kernel multiplies them in. A conv of 100 mel channels therefore
 * gave a different answer from the same conv written as matrix products (speaker embedding 0.0752 against 0.0883 in
 * its first element), and NaN whenever freed memory had held a NaN, which is how the tiny-model tests failed at
 * random and how a fine-tune's first step could be NaN. Padding the channels ourselves, with real zeros in the input
 * and the weights, leaves oneDNN nothing to pad; the output's extra channels are dropped. Other devices (cuDNN) get
 * the arrays as they are.
 */
public final class Convolution {
    /** oneDNN's widest float block on the CPU (AVX-512: 16 floats). */
    static final int FLOAT_LANES = 16;
    /** Half-precision kernels interleave channel pairs and wider blocks; 64 covers them. */
    static final int HALF_LANES = 64;

    private Convolution() {
    }

    /**
     * {@code x} [B, I, T] convolved with {@code w} [O, I, K] plus {@code b} [O], stride 1, padded so that the output
     * keeps T frames ("same" for odd K), at the given dilation.
     */
    public static NDArray conv1d(NDArray x, NDArray w, NDArray b, int dilation) {
        long outputs = w.getShape().get(0);
        long inputs = w.getShape().get(1);
        long kernel = w.getShape().get(2);
        long pad = dilation * (kernel - 1) / 2;
        // cuDNN computes any channel count correctly: nothing to pad there
        int lanes = x.getDevice().isGpu() ? 1 : x.getDataType() == DataType.FLOAT32 ? FLOAT_LANES : HALF_LANES;
        long paddedInputs = roundUp(inputs, lanes);
        long paddedOutputs = roundUp(outputs, lanes);
        // everything made here belongs to the activations' manager: weights may live as long as the process
        NDManager home = x.getManager();
        NDArray input = withZeros(x, 1, paddedInputs - inputs, home);
        NDArray weight = withZeros(withZeros(w, 1, paddedInputs - inputs, home), 0, paddedOutputs - outputs, home);
        NDArray bias = b == null ? null : withZeros(b, 0, paddedOutputs - outputs, home);
        NDArray y = Conv1d.conv1d(input, weight, bias, new Shape(1), new Shape(pad), new Shape(dilation), 1)
                .singletonOrThrow();
        return paddedOutputs == outputs ? y : y.get(":, 0:" + outputs + ", :");
    }

    /** {@code a} followed by {@code extra} zeros along {@code axis}, in {@code home}. */
    private static NDArray withZeros(NDArray a, int axis, long extra, NDManager home) {
        if (extra == 0) {
            return a;
        }
        long[] shape = a.getShape().getShape().clone();
        shape[axis] = extra;
        NDArray padded = a.concat(home.zeros(new Shape(shape), a.getDataType(), a.getDevice()), axis);
        padded.attach(home);
        return padded;
    }

    static long roundUp(long n, int multiple) {
        return (n + multiple - 1) / multiple * multiple;
    }
}
