package dev.voxpipe.model;

import ai.djl.ndarray.NDArray;

/**
 * Constants for arithmetic that autograd records.
 *
 * <p>DJL's {@code x.div(2f)}, {@code x.mul(2f)}, {@code x.maximum(0f)} (and the other {@code Number} forms) turn the
 * number into a 0-d array, apply the op and close that array at once. On the CPU such an array's memory is a Java
 * direct buffer; closing it lets the garbage collector free that buffer. Autograd, though, keeps the operand for
 * backward ({@code div}, {@code mul}, {@code pow}, {@code maximum}, {@code minimum} need it to compute the gradient), so
 * backward may read memory that is already freed, and by then possibly reused. Alone in a process a fine-tune was
 * repeatable anyway; with another thread allocating (the synth worker in `serve`, vocoding in the same JVM), its
 * gradients came out NaN or infinite, or merely different, and one `EndToEndIT` run trained a voice of NaN.
 * {@code FineTuneRepeatability --concurrent churn} reproduces it.
 *
 * <p>A constant made here belongs to the operand's manager and stays open until that manager closes, which in training
 * is after backward. Ops that autograd does not record (inference, optimiser updates) may keep using numbers, and so
 * may {@code add}/{@code sub}, whose backward does not read the operand.
 */
public final class GraphConstants {
    private GraphConstants() {
    }

    /** {@code value} as a 0-d array of {@code like}'s type, open as long as {@code like}'s manager. */
    public static NDArray of(NDArray like, double value) {
        return like.getManager().create((float) value).toType(like.getDataType(), false);
    }

    /** {@code x / value}, safe to differentiate. */
    public static NDArray div(NDArray x, double value) {
        return x.div(of(x, value));
    }

    /** {@code x * value}, safe to differentiate. */
    public static NDArray mul(NDArray x, double value) {
        return x.mul(of(x, value));
    }

    /** {@code max(x, value)}, safe to differentiate. */
    public static NDArray maximum(NDArray x, double value) {
        return x.maximum(of(x, value));
    }
}
