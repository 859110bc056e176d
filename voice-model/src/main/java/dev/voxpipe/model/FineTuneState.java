package dev.voxpipe.model;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Everything needed to continue a fine-tune exactly where it stopped: step, trainable tensors
 * (embedding and adapters), Adam moments and step count. Batches are a function of (seed, step),
 * so no RNG state is needed.
 */
public final class FineTuneState {
    private static final int MAGIC = 0x56584653; // "VXFS"
    private final String baseModelId;
    private final int step;
    private final double lastLoss;
    private final Map<String, ParamStore.Tensor> trainable;
    private final byte[] optimizer;

    FineTuneState(String baseModelId, int step, double lastLoss, Map<String, ParamStore.Tensor> trainable,
                  byte[] optimizer) {
        this.baseModelId = baseModelId;
        this.step = step;
        this.lastLoss = lastLoss;
        this.trainable = new LinkedHashMap<>(trainable);
        this.optimizer = optimizer.clone();
    }

    public int step() {
        return step;
    }

    public String baseModelId() {
        return baseModelId;
    }

    public double lastLoss() {
        return lastLoss;
    }

    Map<String, ParamStore.Tensor> trainable() {
        return trainable;
    }

    byte[] optimizer() {
        return optimizer;
    }

    public void write(OutputStream out) {
        try {
            DataOutputStream d = new DataOutputStream(out);
            d.writeInt(MAGIC);
            d.writeUTF(baseModelId);
            d.writeInt(step);
            d.writeDouble(lastLoss);
            ParamStore s = new ParamStore();
            trainable.forEach(s::put);
            s.write(d);
            d.writeInt(optimizer.length);
            d.write(optimizer);
            d.flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static FineTuneState read(InputStream in) {
        try {
            DataInputStream d = new DataInputStream(in);
            if (d.readInt() != MAGIC) {
                throw new IllegalArgumentException("not a voxpipe fine-tune state");
            }
            String base = d.readUTF();
            int step = d.readInt();
            double loss = d.readDouble();
            ParamStore s = ParamStore.read(d);
            int n = d.readInt();
            if (n < 0 || n > 500_000_000) {
                throw new IOException("corrupt fine-tune state");
            }
            byte[] opt = d.readNBytes(n);
            return new FineTuneState(base, step, loss, s.tensors(), opt);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static byte[] optimizerBytes(Adam adam) {
        try {
            ByteArrayOutputStream b = new ByteArrayOutputStream();
            DataOutputStream d = new DataOutputStream(b);
            adam.writeState(d);
            d.flush();
            return b.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static DataInputStream optimizerInput(byte[] bytes) {
        return new DataInputStream(new ByteArrayInputStream(bytes));
    }
}
