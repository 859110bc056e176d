package dev.voxpipe.dsp.decode;

import java.io.ByteArrayOutputStream;

/** Writes WAV bytes with arbitrary (also lying) header fields, for decoder tests. */
final class WavBuilder {
    int tag = 1, channels = 1, sampleRate = 16000, bits = 16, blockAlign = -1;
    long dataSizeOverride = -1;
    boolean extensible;
    int extensibleSubTag = 1;
    byte[] data = new byte[0];

    static WavBuilder pcm16(float[] mono, int rate) {
        WavBuilder b = new WavBuilder();
        b.sampleRate = rate;
        b.data = new byte[mono.length * 2];
        for (int i = 0; i < mono.length; i++) {
            short s = (short) Math.round(Math.max(-1, Math.min(1, mono[i])) * 32767);
            b.data[2 * i] = (byte) s;
            b.data[2 * i + 1] = (byte) (s >> 8);
        }
        return b;
    }

    /** Interleaved frames; each sample of each channel encoded per tag/bits. */
    static WavBuilder encode(float[] mono, int rate, int channels, int tag, int bits, boolean extensible) {
        WavBuilder b = new WavBuilder();
        b.sampleRate = rate;
        b.channels = channels;
        b.tag = tag;
        b.bits = bits;
        b.extensible = extensible;
        int bps = bits / 8;
        b.data = new byte[mono.length * channels * bps];
        int p = 0;
        for (float v : mono) {
            for (int c = 0; c < channels; c++) {
                // channel c carries v scaled so the average over channels is v
                double x = channels == 1 ? v : v * (c % 2 == 0 ? 1.5 : 0.5);
                long bitsVal;
                if (tag == 3) {
                    bitsVal = bits == 32 ? Float.floatToIntBits((float) x) & 0xFFFFFFFFL : Double.doubleToLongBits(x);
                } else if (bits == 8) {
                    bitsVal = Math.round(x * 127) + 128;
                } else {
                    bitsVal = Math.round(x * (Math.pow(2, bits - 1) - 1));
                }
                for (int i = 0; i < bps; i++) b.data[p++] = (byte) (bitsVal >> (8 * i));
            }
        }
        return b;
    }

    byte[] bytes() {
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        int align = blockAlign >= 0 ? blockAlign : channels * bits / 8;
        int fmtSize = extensible ? 40 : 16;
        long dataSize = dataSizeOverride >= 0 ? dataSizeOverride : data.length;
        ascii(o, "RIFF");
        le32(o, 4 + 8 + fmtSize + 8 + data.length);
        ascii(o, "WAVE");
        ascii(o, "LIST"); // an unrelated chunk first, as many tools write
        le32(o, 4);
        ascii(o, "INFO");
        ascii(o, "fmt ");
        le32(o, fmtSize);
        le16(o, extensible ? 0xFFFE : tag);
        le16(o, channels);
        le32(o, sampleRate);
        le32(o, (long) sampleRate * align);
        le16(o, align);
        le16(o, bits);
        if (extensible) {
            le16(o, 22);
            le16(o, bits);
            le32(o, 0);
            le16(o, extensibleSubTag);
            o.writeBytes(new byte[]{0, 0, 0, 0, 0x10, 0, (byte) 0x80, 0, 0, (byte) 0xAA, 0, 0x38, (byte) 0x9B, 0x71});
        }
        ascii(o, "data");
        le32(o, dataSize);
        o.writeBytes(data);
        return o.toByteArray();
    }

    private static void ascii(ByteArrayOutputStream o, String s) {
        o.writeBytes(s.getBytes(java.nio.charset.StandardCharsets.US_ASCII));
    }

    private static void le16(ByteArrayOutputStream o, int v) {
        o.write(v);
        o.write(v >> 8);
    }

    private static void le32(ByteArrayOutputStream o, long v) {
        for (int i = 0; i < 4; i++) o.write((int) (v >> (8 * i)));
    }
}
