package dev.voxpipe.model;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A voice on top of a base model: its 256-d speaker embedding and, after fine-tuning, the adapter
 * tensors that replace the base's (FiLM, output projections). Immutable.
 *
 * <p>The adapter tensors are kept and stored as 16-bit floats: half the bytes, and a rounding
 * (about 5e-4 of each weight) far below what 60 steps of fine-tuning move them. They are rounded
 * when the delta is made, so the voice a worker renders from the stored delta is exactly the one
 * the trainer evaluated. So are the clips' frames a fine-tuned voice carries ({@link ClipFrames}). The embedding and
 * the other {@code voice.*} settings stay 32-bit.
 */
public final class VoiceDelta {
    private static final int MAGIC = 0x56584456; // "VXDV"
    private final String baseModelId;
    private final float[] embedding;
    private final Map<String, ParamStore.Tensor> overrides;

    public VoiceDelta(String baseModelId, float[] embedding, Map<String, ParamStore.Tensor> overrides) {
        this.baseModelId = baseModelId;
        this.embedding = embedding.clone();
        Map<String, ParamStore.Tensor> rounded = new LinkedHashMap<>();
        overrides.forEach((name, t) -> rounded.put(name, storedAsHalf(name) ? ParamStore.roundedToHalf(t) : t));
        this.overrides = Collections.unmodifiableMap(rounded);
    }

    private static boolean storedAsHalf(String name) {
        return !name.startsWith("voice.") || name.equals(ClipFrames.FRAMES) || name.equals(ClipFrames.RESIDUALS)
                || name.equals(ClipFrames.KEYS);
    }

    public String baseModelId() {
        return baseModelId;
    }

    public float[] speakerEmbedding() {
        return embedding.clone();
    }

    /**
     * Adapter tensors replacing the base's, by parameter name, plus the voice's own settings under {@code voice.*}
     * names (duration calibration, pitch range, spectral bias, clip frames); a zero-shot voice has only its pitch range.
     */
    public Map<String, ParamStore.Tensor> overrides() {
        return overrides;
    }

    public void write(OutputStream out) {
        try {
            DataOutputStream d = new DataOutputStream(out);
            d.writeInt(MAGIC);
            d.writeUTF(baseModelId);
            ParamStore s = new ParamStore();
            s.put("voice.embedding", new ParamStore.Tensor(new long[]{embedding.length}, embedding));
            overrides.forEach(s::put);
            s.write(d, VoiceDelta::storedAsHalf);
            d.flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static VoiceDelta read(InputStream in) {
        try {
            DataInputStream d = new DataInputStream(in);
            if (d.readInt() != MAGIC) {
                throw new IllegalArgumentException("not a voxpipe voice delta");
            }
            String base = d.readUTF();
            ParamStore s = ParamStore.read(d);
            // a voice trained on NaN speaks noise or nothing: refuse it with a reason rather than render it
            String nonFinite = ParamStore.firstNonFinite(s.tensors());
            if (nonFinite != null) {
                throw new IllegalArgumentException("voice_needs_retraining: the voice's weights hold non-finite values ("
                        + nonFinite + "; its training diverged); train the voice again");
            }
            float[] emb = s.get("voice.embedding").data();
            Map<String, ParamStore.Tensor> o = new LinkedHashMap<>(s.tensors());
            o.remove("voice.embedding");
            return new VoiceDelta(base, emb, o);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public long sizeBytes() {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        write(b);
        return b.size();
    }
}
