package dev.voxpipe.feature.dsp;

import dev.voxpipe.dsp.decode.AudioDecodeException;
import dev.voxpipe.dsp.decode.DecodeLimits;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;

/**
 * A valid, tiny FLAC that decodes to far more samples than its size suggests: mono 16-bit at
 * 384 kHz, every frame one CONSTANT subframe of silence (a few bytes per 16384 samples). 29 minutes
 * of it is about 0.5 MB of FLAC and 2.7 GB of decoded floats. {@code main} decodes one through the
 * feature stage's preprocessor in a JVM whose heap the caller caps, and prints the outcome.
 */
public final class FlacBomb {

    public static final int RATE = 384_000;
    private static final int BLOCK = 16_384;

    private FlacBomb() {}

    /** {@code seconds} of silence at 384 kHz; {@code declareTotal}: STREAMINFO states the length (else 0, "unknown"). */
    public static byte[] of(double seconds, boolean declareTotal) {
        long total = (long) (seconds * RATE);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(new byte[] {'f', 'L', 'a', 'C'});
        out.write(0x80); // last metadata block, STREAMINFO
        out.write(0); out.write(0); out.write(34);
        Bits info = new Bits();
        info.put(BLOCK, 16).put(BLOCK, 16).put(0, 24).put(0, 24).put(RATE, 20).put(0, 3).put(15, 5)
                .put(declareTotal ? total : 0, 36);
        for (int i = 0; i < 16; i++) info.put(0, 8); // MD5 unknown
        out.writeBytes(info.bytes());
        long frames = (total + BLOCK - 1) / BLOCK;
        for (long n = 0; n < frames; n++) {
            int size = (int) Math.min(BLOCK, total - n * BLOCK);
            Bits h = new Bits();
            h.put(0x3FFE, 14).put(0, 1).put(0, 1) // sync, reserved, fixed block size
                    .put(0b0111, 4).put(0b0000, 4) // block size: 16 bits at the end; rate from STREAMINFO
                    .put(0b0000, 4).put(0b100, 3).put(0, 1); // mono, 16 bits, reserved
            byte[] number = utf8(n);
            for (byte b : number) h.put(b & 0xFF, 8);
            h.put(size - 1, 16);
            byte[] header = h.bytes();
            ByteArrayOutputStream frame = new ByteArrayOutputStream();
            frame.writeBytes(header);
            frame.write(crc8(header));
            frame.write(0x00); // subframe: pad 0, CONSTANT (000000), no wasted bits
            frame.write(0); frame.write(0); // the constant: 0
            byte[] body = frame.toByteArray();
            int crc = crc16(body);
            out.writeBytes(body);
            out.write(crc >> 8);
            out.write(crc & 0xFF);
        }
        return out.toByteArray();
    }

    private static byte[] utf8(long v) {
        if (v < 0x80) return new byte[] {(byte) v};
        if (v < 0x800) return new byte[] {(byte) (0xC0 | v >> 6), (byte) (0x80 | v & 0x3F)};
        if (v < 0x10000) return new byte[] {(byte) (0xE0 | v >> 12), (byte) (0x80 | v >> 6 & 0x3F), (byte) (0x80 | v & 0x3F)};
        return new byte[] {(byte) (0xF0 | v >> 18), (byte) (0x80 | v >> 12 & 0x3F), (byte) (0x80 | v >> 6 & 0x3F), (byte) (0x80 | v & 0x3F)};
    }

    private static int crc8(byte[] data) {
        int crc = 0;
        for (byte b : data) {
            crc ^= b & 0xFF;
            for (int i = 0; i < 8; i++) crc = (crc & 0x80) != 0 ? (crc << 1 ^ 0x07) & 0xFF : crc << 1 & 0xFF;
        }
        return crc;
    }

    private static int crc16(byte[] data) {
        int crc = 0;
        for (byte b : data) {
            crc ^= (b & 0xFF) << 8;
            for (int i = 0; i < 8; i++) crc = (crc & 0x8000) != 0 ? (crc << 1 ^ 0x8005) & 0xFFFF : crc << 1 & 0xFFFF;
        }
        return crc;
    }

    private static final class Bits {
        private final ByteArrayOutputStream out = new ByteArrayOutputStream();
        private long acc;
        private int n;

        Bits put(long value, int bits) {
            for (int i = bits - 1; i >= 0; i--) {
                acc = acc << 1 | (value >>> i & 1);
                if (++n == 8) {
                    out.write((int) acc);
                    acc = 0;
                    n = 0;
                }
            }
            return this;
        }

        byte[] bytes() {
            if (n != 0) throw new IllegalStateException("not byte aligned");
            return out.toByteArray();
        }
    }

    /** args: seconds, declare (true|false). Prints "REJECTED: reason" or "DECODED: n samples"; exit 0 unless it crashes. */
    public static void main(String[] args) throws Exception {
        byte[] bomb = of(Double.parseDouble(args[0]), Boolean.parseBoolean(args[1]));
        System.out.println("FLAC bytes: " + bomb.length + ", max heap MiB: " + (Runtime.getRuntime().maxMemory() >> 20));
        UploadPreprocessor preprocessor = new UploadPreprocessor(PreprocessSettings.defaults());
        try {
            PreparedUpload prepared = preprocessor.prepare(new ByteArrayInputStream(bomb), null);
            System.out.println("DECODED: " + prepared.durationSeconds() + " s");
        } catch (AudioDecodeException e) {
            System.out.println("REJECTED: " + e.reason());
        }
        System.out.println("default decode limit MiB: " + (DecodeLimits.defaults().maxDecodedBytes() >> 20));
    }
}
