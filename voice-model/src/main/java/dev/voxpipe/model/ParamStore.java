package dev.voxpipe.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;

/**
 * Named float tensors kept as plain Java arrays (the portable, serialisable truth) with the
 * matching NDArrays created on demand in a caller's manager. A small binary format: magic, count,
 * then per tensor its name, shape and little-endian floats. The second version ("VXP2") adds a
 * per-tensor element type, so that voice deltas can store their adapters as 16-bit floats.
 */
public final class ParamStore {
    private static final int MAGIC = 0x56585031; // "VXP1": every tensor 32-bit
    private static final int MAGIC_TYPED = 0x56585032; // "VXP2": a type byte per tensor
    private static final byte FLOAT32 = 0;
    private static final byte FLOAT16 = 1;

    /** One tensor: shape and data (row-major). */
    public record Tensor(long[] shape, float[] data) {
        public Tensor {
            long n = 1;
            for (long d : shape) {
                n *= d;
            }
            if (n != data.length) {
                throw new IllegalArgumentException("shape does not match data length " + data.length);
            }
        }

        public NDArray toNd(NDManager manager) {
            return manager.create(data, new Shape(shape));
        }

        public static Tensor of(NDArray array) {
            return new Tensor(array.getShape().getShape(), array.toType(ai.djl.ndarray.types.DataType.FLOAT32, false)
                    .toFloatArray());
        }

        public Tensor copy() {
            return new Tensor(shape.clone(), data.clone());
        }
    }

    private final Map<String, Tensor> tensors = new LinkedHashMap<>();

    public Map<String, Tensor> tensors() {
        return tensors;
    }

    /** The name of the first tensor holding NaN or infinity, or null when every value is finite. */
    public static String firstNonFinite(Map<String, Tensor> tensors) {
        for (Map.Entry<String, Tensor> e : tensors.entrySet()) {
            if (firstNonFinite(e.getValue().data()) >= 0) return e.getKey();
        }
        return null;
    }

    /** The index of the first NaN or infinite value (a tensor's, or synthesised audio's), or -1. */
    public static int firstNonFinite(float[] values) {
        for (int i = 0; i < values.length; i++) {
            if (!Float.isFinite(values[i])) return i;
        }
        return -1;
    }

    public Tensor get(String name) {
        Tensor t = tensors.get(name);
        if (t == null) {
            throw new IllegalArgumentException("no parameter " + name);
        }
        return t;
    }

    public void put(String name, Tensor t) {
        tensors.put(name, t);
    }

    public long parameterCount() {
        long n = 0;
        for (Tensor t : tensors.values()) {
            n += t.data().length;
        }
        return n;
    }

    public ParamStore copy() {
        ParamStore c = new ParamStore();
        tensors.forEach((k, v) -> c.put(k, v.copy()));
        return c;
    }

    /** Initial values: scaled normal for weights, ones for norm gains, zeros for biases and FiLM. */
    public static ParamStore initialise(Map<String, long[]> specs, long seed) {
        ParamStore store = new ParamStore();
        Random rng = new Random(seed);
        for (Map.Entry<String, long[]> e : specs.entrySet()) {
            String name = e.getKey();
            long[] shape = e.getValue();
            int n = 1;
            for (long d : shape) {
                n *= (int) d;
            }
            float[] data = new float[n];
            if (name.endsWith(".g")) {
                java.util.Arrays.fill(data, 1f);
            } else if (name.endsWith(".w") && !name.contains("film") && !name.equals("var.pos.w")) {
                // FiLM and the prosody predictor's position input start at zero: the layers they feed start as if
                // they were absent (and a warm start from a base without positions keeps that base's predictions)
                long fanIn = 1;
                for (int k = 1; k < shape.length; k++) {
                    fanIn *= shape[k];
                }
                double std = name.startsWith("text.emb") ? 0.3 : Math.sqrt(1.0 / fanIn);
                if (name.endsWith("out.w")) {
                    std *= 0.3;
                }
                for (int k = 0; k < n; k++) {
                    data[k] = (float) (rng.nextGaussian() * std);
                }
            }
            store.put(name, new Tensor(shape, data));
        }
        return store;
    }

    public void write(OutputStream out) throws IOException {
        write(out, name -> false);
    }

    /**
     * Writes the tensors, those named by {@code halfPrecision} as 16-bit floats when every value fits one (else
     * 32-bit). Without any 16-bit tensor the file is the first version, readable by older code.
     */
    public void write(OutputStream out, java.util.function.Predicate<String> halfPrecision) throws IOException {
        // decided once per tensor: the header's version depends on whether any tensor goes out as 16-bit
        java.util.Set<String> half = new java.util.HashSet<>();
        tensors.forEach((name, t) -> {
            if (halfPrecision.test(name) && fitsHalf(t.data())) half.add(name);
        });
        boolean typed = !half.isEmpty();
        DataOutputStream d = new DataOutputStream(out);
        d.writeInt(typed ? MAGIC_TYPED : MAGIC);
        d.writeInt(tensors.size());
        for (Map.Entry<String, Tensor> e : tensors.entrySet()) {
            d.writeUTF(e.getKey());
            long[] shape = e.getValue().shape();
            d.writeInt(shape.length);
            for (long s : shape) {
                d.writeLong(s);
            }
            float[] data = e.getValue().data();
            boolean asHalf = half.contains(e.getKey());
            if (typed) {
                d.writeByte(asHalf ? FLOAT16 : FLOAT32);
            }
            d.writeInt(data.length);
            if (asHalf) {
                ByteBuffer buf = ByteBuffer.allocate(data.length * 2).order(ByteOrder.LITTLE_ENDIAN);
                for (float v : data) {
                    buf.putShort(Float.floatToFloat16(v));
                }
                d.write(buf.array());
            } else {
                ByteBuffer buf = ByteBuffer.allocate(data.length * 4).order(ByteOrder.LITTLE_ENDIAN);
                buf.asFloatBuffer().put(data);
                d.write(buf.array());
            }
        }
        d.flush();
    }

    /** Whether every value is finite and inside the 16-bit float range, so that storing it as one keeps it finite. */
    public static boolean fitsHalf(float[] values) {
        for (float v : values) {
            if (!(Math.abs(v) <= 65504f)) return false;
        }
        return true;
    }

    /** The tensor with every value rounded to the nearest 16-bit float: what a 16-bit write then read gives back. */
    public static Tensor roundedToHalf(Tensor t) {
        if (!fitsHalf(t.data())) return t;
        float[] r = new float[t.data().length];
        for (int i = 0; i < r.length; i++) {
            r[i] = Float.float16ToFloat(Float.floatToFloat16(t.data()[i]));
        }
        return new Tensor(t.shape().clone(), r);
    }

    public static ParamStore read(InputStream in) throws IOException {
        DataInputStream d = new DataInputStream(in);
        int magic = d.readInt();
        if (magic != MAGIC && magic != MAGIC_TYPED) {
            throw new IOException("not a voxpipe parameter file");
        }
        int count = d.readInt();
        if (count < 0 || count > 100_000) {
            throw new IOException("corrupt parameter file (count " + count + ")");
        }
        ParamStore store = new ParamStore();
        for (int i = 0; i < count; i++) {
            String name = d.readUTF();
            int rank = d.readInt();
            if (rank < 0 || rank > 8) {
                throw new IOException("corrupt parameter file (rank " + rank + ")");
            }
            long[] shape = new long[rank];
            for (int k = 0; k < rank; k++) {
                shape[k] = d.readLong();
            }
            byte type = magic == MAGIC_TYPED ? d.readByte() : FLOAT32;
            if (type != FLOAT32 && type != FLOAT16) {
                throw new IOException("corrupt parameter file (element type " + type + ")");
            }
            int n = d.readInt();
            if (n < 0 || n > 200_000_000) {
                throw new IOException("corrupt parameter file (length " + n + ")");
            }
            float[] data = new float[n];
            if (type == FLOAT16) {
                byte[] bytes = new byte[n * 2];
                d.readFully(bytes);
                ByteBuffer b = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
                for (int k = 0; k < n; k++) {
                    data[k] = Float.float16ToFloat(b.getShort());
                }
            } else {
                byte[] bytes = new byte[n * 4];
                d.readFully(bytes);
                ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(data);
            }
            store.put(name, new Tensor(shape, data));
        }
        return store;
    }
}
