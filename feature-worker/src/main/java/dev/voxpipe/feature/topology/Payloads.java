package dev.voxpipe.feature.topology;

import dev.voxpipe.core.blob.BlobStore;
import dev.voxpipe.dsp.PcmAudio;
import dev.voxpipe.dsp.WavIo;
import dev.voxpipe.schemas.TensorEncoding;
import dev.voxpipe.schemas.common.BlobRef;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/** Encodes clip audio and mel tensors, inline when small and through the blob store when not. */
final class Payloads {
    private Payloads() {
    }

    static byte[] encodeMel(float[][] mel, TensorEncoding encoding) {
        int bins = mel.length == 0 ? 0 : mel[0].length;
        int width = encoding == TensorEncoding.FLOAT16_LE ? 2 : 4;
        ByteBuffer b = ByteBuffer.allocate(mel.length * bins * width).order(ByteOrder.LITTLE_ENDIAN);
        for (float[] row : mel) {
            for (float v : row) {
                if (width == 2) b.putShort(Float.floatToFloat16(v));
                else b.putFloat(v);
            }
        }
        return b.array();
    }

    /** Inverse of {@link #encodeMel}, for consumers and tests. */
    public static float[][] decodeMel(byte[] data, int frames, int bins, TensorEncoding encoding) {
        ByteBuffer b = ByteBuffer.wrap(data).order(ByteOrder.LITTLE_ENDIAN);
        float[][] out = new float[frames][bins];
        for (float[] row : out) {
            for (int i = 0; i < bins; i++) row[i] = encoding == TensorEncoding.FLOAT16_LE ? Float.float16ToFloat(b.getShort()) : b.getFloat();
        }
        return out;
    }

    static BlobRef store(BlobStore blobs, byte[] bytes, String contentType) throws IOException {
        return blobs.put(new ByteArrayInputStream(bytes), contentType);
    }

    static PcmAudio readWav(BlobStore blobs, String key) throws Exception {
        try (var in = dev.voxpipe.core.fault.Faults.storeStream(blobs.open(key))) {
            return WavIo.read(in); // a read error of the stream is the store's (transient), a bad WAV the content's
        }
    }
}
