package dev.voxpipe.core.messaging;

import dev.voxpipe.schemas.TensorEncoding;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/** Frame-major [frames][bins] float tensors as the bytes {@code MelFeatures.data} carries. */
public final class MelTensors {

    private MelTensors() {}

    public static byte[] encode(float[][] frames, TensorEncoding encoding) {
        int bins = frames.length == 0 ? 0 : frames[0].length;
        int width = encoding == TensorEncoding.FLOAT16_LE ? 2 : 4;
        ByteBuffer out = ByteBuffer.allocate(frames.length * bins * width).order(ByteOrder.LITTLE_ENDIAN);
        for (float[] frame : frames) {
            if (frame.length != bins) throw new IllegalArgumentException("ragged tensor: " + frame.length + " != " + bins);
            for (float v : frame) {
                if (width == 2) out.putShort(Float.floatToFloat16(v));
                else out.putFloat(v);
            }
        }
        return out.array();
    }

    public static float[][] decode(ByteBuffer data, int frames, int bins, TensorEncoding encoding) {
        int width = encoding == TensorEncoding.FLOAT16_LE ? 2 : 4;
        ByteBuffer in = data.duplicate().order(ByteOrder.LITTLE_ENDIAN);
        long expected = (long) frames * bins * width;
        if (frames < 0 || bins < 0 || in.remaining() != expected) {
            throw new IllegalArgumentException("mel tensor of " + in.remaining() + " bytes does not match "
                    + frames + " frames x " + bins + " bins of " + encoding);
        }
        float[][] out = new float[frames][bins];
        for (int f = 0; f < frames; f++) {
            for (int b = 0; b < bins; b++) {
                out[f][b] = width == 2 ? Float.float16ToFloat(in.getShort()) : in.getFloat();
            }
        }
        return out;
    }
}
