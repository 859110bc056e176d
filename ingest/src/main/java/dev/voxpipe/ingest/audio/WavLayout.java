package dev.voxpipe.ingest.audio;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/** Where the PCM samples of a RIFF/WAVE file are, and how they are encoded. */
public record WavLayout(int channels, int sampleRate, int bitsPerSample, long dataOffset, long dataBytes) {

    /** Reads the chunk headers from the start of a WAV (only the first few hundred bytes are needed). */
    public static WavLayout read(InputStream in, long fileSize) throws IOException {
        byte[] head = in.readNBytes(12);
        if (head.length < 12 || !ascii(head, 0, "RIFF") || !ascii(head, 8, "WAVE")) {
            throw new IOException("not a RIFF/WAVE file");
        }
        long pos = 12;
        int channels = 0, rate = 0, bits = 0;
        while (true) {
            byte[] chunkHeader = in.readNBytes(8);
            if (chunkHeader.length < 8) throw new IOException("WAV has no data chunk");
            ByteBuffer b = ByteBuffer.wrap(chunkHeader).order(ByteOrder.LITTLE_ENDIAN);
            String id = new String(chunkHeader, 0, 4, java.nio.charset.StandardCharsets.US_ASCII);
            long size = Integer.toUnsignedLong(b.getInt(4));
            pos += 8;
            if (id.equals("fmt ")) {
                byte[] fmt = in.readNBytes((int) size);
                ByteBuffer f = ByteBuffer.wrap(fmt).order(ByteOrder.LITTLE_ENDIAN);
                channels = f.getShort(2);
                rate = f.getInt(4);
                bits = f.getShort(14);
                pos += size;
                if ((size & 1) == 1) { in.skipNBytes(1); pos++; }
            } else if (id.equals("data")) {
                if (rate == 0) throw new IOException("WAV data chunk before its fmt chunk");
                // Streamed writers leave the size at 0 or 0xFFFFFFFF: then the data runs to the end.
                long available = fileSize - pos;
                long dataBytes = size == 0 || size == 0xFFFFFFFFL || size > available ? available : size;
                return new WavLayout(channels, rate, bits, pos, dataBytes);
            } else {
                long skip = size + (size & 1);
                in.skipNBytes(skip);
                pos += skip;
            }
        }
    }

    private static boolean ascii(byte[] b, int off, String s) {
        for (int i = 0; i < 4; i++) if (b[off + i] != s.charAt(i)) return false;
        return true;
    }

    /** A canonical 44-byte header for 16-bit mono PCM with {@code dataBytes} of samples. */
    public static byte[] header(int sampleRate, long dataBytes) {
        ByteBuffer b = ByteBuffer.allocate(44).order(ByteOrder.LITTLE_ENDIAN);
        long riffSize = Math.min(0xFFFFFFFFL, 36 + dataBytes);
        b.put("RIFF".getBytes(java.nio.charset.StandardCharsets.US_ASCII)).putInt((int) riffSize)
                .put("WAVE".getBytes(java.nio.charset.StandardCharsets.US_ASCII))
                .put("fmt ".getBytes(java.nio.charset.StandardCharsets.US_ASCII)).putInt(16)
                .putShort((short) 1).putShort((short) 1).putInt(sampleRate).putInt(sampleRate * 2)
                .putShort((short) 2).putShort((short) 16)
                .put("data".getBytes(java.nio.charset.StandardCharsets.US_ASCII)).putInt((int) Math.min(0xFFFFFFFFL, dataBytes));
        return b.array();
    }
}
