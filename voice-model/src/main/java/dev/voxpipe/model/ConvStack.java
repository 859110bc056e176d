package dev.voxpipe.model;

import ai.djl.ndarray.NDArray;
import ai.djl.nn.Activation;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The small frame-level readers beside the acoustic model ({@link PitchModel}, {@link AperiodicityModel}): an input
 * convolution to {@code channels}, residual dilated convolutions with channel layer norm, and a 1x1 output
 * convolution. Parameters are named {@code <prefix>.in.*}, {@code <prefix>.conv<i>.*}, {@code <prefix>.ln<i>.*} and
 * {@code <prefix>.out.*}.
 */
final class ConvStack {
    private ConvStack() {
    }

    /** Parameter names and shapes of a stack with one layer per dilation. */
    static Map<String, long[]> parameterSpecs(String prefix, int inputs, int channels, int outputs, int kernel,
                                              int[] dilations) {
        Map<String, long[]> s = new LinkedHashMap<>();
        s.put(prefix + ".in.w", new long[]{channels, inputs, kernel});
        s.put(prefix + ".in.b", new long[]{channels});
        for (int i = 0; i < dilations.length; i++) {
            s.put(prefix + ".conv" + i + ".w", new long[]{channels, channels, kernel});
            s.put(prefix + ".conv" + i + ".b", new long[]{channels});
            s.put(prefix + ".ln" + i + ".g", new long[]{channels});
            s.put(prefix + ".ln" + i + ".b", new long[]{channels});
        }
        s.put(prefix + ".out.w", new long[]{outputs, channels, 1});
        s.put(prefix + ".out.b", new long[]{outputs});
        return s;
    }

    /** @param input [B, inputs, T]; mask [B, 1, T]. @return [B, outputs, T], zero where masked */
    static NDArray forward(Weights w, String prefix, int[] dilations, NDArray input, NDArray mask) {
        NDArray x = Activation.relu(AcousticModel.conv(input, w.get(prefix + ".in.w"), w.get(prefix + ".in.b"), 1)).mul(mask);
        for (int i = 0; i < dilations.length; i++) {
            NDArray y = AcousticModel.conv(x, w.get(prefix + ".conv" + i + ".w"), w.get(prefix + ".conv" + i + ".b"), dilations[i]);
            y = AcousticModel.channelNorm(Activation.relu(y), w.get(prefix + ".ln" + i + ".g"), w.get(prefix + ".ln" + i + ".b"));
            x = x.add(y).mul(mask);
        }
        return AcousticModel.conv(x, w.get(prefix + ".out.w"), w.get(prefix + ".out.b"), 1).mul(mask);
    }
}
