package dev.voxpipe.dsp;

import dev.voxpipe.dsp.decode.AudioDecodeException;
import dev.voxpipe.dsp.decode.AudioDecodeException.Kind;
import dev.voxpipe.dsp.decode.DecodeLimits;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * RIFF/WAVE reading (PCM 8/16/24/32-bit, IEEE float 32/64, WAVE_FORMAT_EXTENSIBLE, any channel count,
 * downmixed to mono by averaging) and writing (16-bit PCM or 32-bit float, mono).
 *
 * <p>Reading streams the data chunk and never trusts declared sizes for allocation: a header that
 * claims more data than follows is rejected as truncated, one that claims more than the limits allow
 * is rejected before reading, and non-finite float samples are rejected.
 */
public final class WavIo {
    private static final int WAVE_FORMAT_PCM = 1;
    private static final int WAVE_FORMAT_IEEE_FLOAT = 3;
    private static final int WAVE_FORMAT_EXTENSIBLE = 0xFFFE;
    private static final long UNKNOWN_SIZE = 0xFFFFFFFFL;

    private WavIo() {
    }

    public static PcmAudio read(Path path) throws IOException, AudioDecodeException {
        try (InputStream in = Files.newInputStream(path)) {
            return read(in, DecodeLimits.defaults());
        }
    }

    public static PcmAudio read(InputStream in) throws AudioDecodeException {
        return read(in, DecodeLimits.defaults());
    }

    public static PcmAudio read(byte[] bytes) throws AudioDecodeException {
        return read(new java.io.ByteArrayInputStream(bytes), DecodeLimits.defaults());
    }

    /** Reads a WAV stream into mono float samples; the stream is not closed. */
    public static PcmAudio read(InputStream raw, DecodeLimits limits) throws AudioDecodeException {
        LeReader in = new LeReader(raw instanceof BufferedInputStream ? raw : new BufferedInputStream(raw, 1 << 16), limits.maxInputBytes());
        try {
            String riff = in.fourCc();
            if (!riff.equals("RIFF")) {
                throw new AudioDecodeException(Kind.UNSUPPORTED_FORMAT,
                        "not a RIFF/WAVE file (starts with '" + printable(riff) + "')" + (riff.equals("RF64") ? "; RF64 is not supported" : ""));
            }
            in.u32();
            String wave = in.fourCc();
            if (!wave.equals("WAVE")) {
                throw new AudioDecodeException(Kind.UNSUPPORTED_FORMAT, "RIFF file of type '" + printable(wave) + "', not WAVE");
            }
            Format fmt = null;
            while (true) {
                String id;
                try {
                    id = in.fourCc();
                } catch (EOFException e) {
                    throw new AudioDecodeException(Kind.TRUNCATED_OR_CORRUPT,
                            fmt == null ? "WAV file has no 'fmt ' chunk" : "WAV file has no 'data' chunk");
                }
                long size = in.u32();
                if (id.equals("fmt ")) {
                    fmt = readFormat(in, size, limits);
                } else if (id.equals("data")) {
                    if (fmt == null) throw new AudioDecodeException(Kind.INVALID_HEADER, "WAV 'data' chunk comes before the 'fmt ' chunk");
                    return readData(in, fmt, size, limits);
                } else {
                    in.skip(size + (size & 1));
                }
            }
        } catch (EOFException e) {
            throw new AudioDecodeException(Kind.TRUNCATED_OR_CORRUPT, "WAV file ends inside its header", e);
        } catch (IOException e) {
            throw new AudioDecodeException(Kind.IO, "reading WAV failed: " + e.getMessage(), e);
        }
    }

    private record Format(int encoding, int channels, int sampleRate, int blockAlign, int containerBits) {
        boolean isFloat() {
            return encoding == WAVE_FORMAT_IEEE_FLOAT;
        }
    }

    private static Format readFormat(LeReader in, long size, DecodeLimits limits) throws IOException, AudioDecodeException {
        if (size < 16 || size > 1024) throw new AudioDecodeException(Kind.INVALID_HEADER, "WAV 'fmt ' chunk has an impossible size of " + size + " bytes");
        int tag = in.u16();
        int channels = in.u16();
        long sampleRate = in.u32();
        in.u32(); // byte rate: redundant, checked implicitly through blockAlign
        int blockAlign = in.u16();
        int bits = in.u16();
        long read = 16;
        int encoding = tag;
        if (tag == WAVE_FORMAT_EXTENSIBLE) {
            if (size < 40) throw new AudioDecodeException(Kind.INVALID_HEADER, "WAVE_FORMAT_EXTENSIBLE 'fmt ' chunk is only " + size + " bytes (needs 40)");
            in.u16(); // cbSize
            int validBits = in.u16();
            in.u32(); // channel mask
            encoding = in.u16();
            in.skip(14); // rest of the sub-format GUID
            read = 40;
            if (validBits > bits) throw new AudioDecodeException(Kind.INVALID_HEADER, "WAV declares " + validBits + " valid bits in a " + bits + "-bit container");
        }
        in.skip(size - read + (size & 1));
        if (encoding != WAVE_FORMAT_PCM && encoding != WAVE_FORMAT_IEEE_FLOAT) {
            throw new AudioDecodeException(Kind.UNSUPPORTED_FORMAT, String.format("WAV encoding 0x%04X is not supported (only PCM and IEEE float)", encoding));
        }
        if (sampleRate > Integer.MAX_VALUE) sampleRate = Integer.MAX_VALUE;
        checkFormat(limits, (int) sampleRate, channels);
        boolean okBits = encoding == WAVE_FORMAT_PCM ? (bits == 8 || bits == 16 || bits == 24 || bits == 32) : (bits == 32 || bits == 64);
        if (!okBits) {
            throw new AudioDecodeException(Kind.INVALID_HEADER, "WAV declares " + bits + " bits per sample for " + (encoding == WAVE_FORMAT_PCM ? "PCM" : "float") + " data");
        }
        if (blockAlign != channels * (bits / 8)) {
            throw new AudioDecodeException(Kind.INVALID_HEADER, "WAV block align " + blockAlign + " does not match " + channels + " channels of " + bits + " bits");
        }
        return new Format(encoding, channels, (int) sampleRate, blockAlign, bits);
    }

    private static void checkFormat(DecodeLimits limits, int sampleRate, int channels) throws AudioDecodeException {
        if (channels < 1) throw new AudioDecodeException(Kind.INVALID_HEADER, "WAV header declares " + channels + " channels; at least 1 is required");
        if (channels > limits.maxChannels()) {
            throw new AudioDecodeException(Kind.INVALID_HEADER, "WAV header declares " + channels + " channels; at most " + limits.maxChannels() + " are accepted");
        }
        if (sampleRate < limits.minSampleRate() || sampleRate > limits.maxSampleRate()) {
            throw new AudioDecodeException(Kind.INVALID_HEADER, "WAV header declares a sample rate of " + sampleRate + " Hz; accepted range is "
                    + limits.minSampleRate() + ".." + limits.maxSampleRate() + " Hz");
        }
    }

    private static PcmAudio readData(LeReader in, Format f, long declared, DecodeLimits limits) throws IOException, AudioDecodeException {
        long maxFrames = limits.maxSamples(f.sampleRate);
        boolean unknownSize = declared == UNKNOWN_SIZE;
        if (!unknownSize && declared / f.blockAlign > maxFrames) {
            throw new AudioDecodeException(Kind.LIMIT_EXCEEDED, limits.boundByBytes(f.sampleRate)
                    ? String.format("WAV header declares %d bytes of audio (%.1f s at %d Hz), more than the %d MiB decode limit",
                            declared, declared / (double) f.blockAlign / f.sampleRate, f.sampleRate, limits.maxDecodedBytes() >> 20)
                    : String.format("WAV header declares %d bytes of audio (%.1f s), more than the %.0f s limit",
                            declared, declared / (double) f.blockAlign / f.sampleRate, limits.maxDurationSeconds()));
        }
        long frameBudget = unknownSize ? maxFrames : declared / f.blockAlign;
        float[] out = new float[(int) Math.min(frameBudget, 1 << 20)];
        int frames = 0;
        byte[] buf = new byte[f.blockAlign * 4096];
        int bytesPerSample = f.containerBits / 8;
        float invChannels = 1f / f.channels;
        long bytesLeft = unknownSize ? Long.MAX_VALUE : frameBudget * f.blockAlign;
        while (bytesLeft > 0) {
            int want = (int) Math.min(buf.length, bytesLeft);
            int got = in.readFully(buf, want);
            int whole = got / f.blockAlign;
            if (frames + (long) whole > maxFrames) {
                throw new AudioDecodeException(Kind.LIMIT_EXCEEDED, limits.exceeded("WAV", f.sampleRate));
            }
            if (frames + whole > out.length) {
                out = java.util.Arrays.copyOf(out, (int) Math.min(Math.max((long) out.length * 2, frames + whole),
                        Math.min(Integer.MAX_VALUE - 8, maxFrames))); // never past the decode limit
            }
            int p = 0;
            for (int i = 0; i < whole; i++) {
                float sum = 0;
                for (int c = 0; c < f.channels; c++) {
                    sum += sample(buf, p, f, bytesPerSample);
                    p += bytesPerSample;
                }
                float v = sum * invChannels;
                if (!Float.isFinite(v)) {
                    throw new AudioDecodeException(Kind.INVALID_SAMPLES, "WAV float data contains a non-finite value (NaN or infinity) at frame " + (frames + i));
                }
                out[frames + i] = v;
            }
            frames += whole;
            if (got < want) {
                if (!unknownSize) {
                    throw new AudioDecodeException(Kind.TRUNCATED_OR_CORRUPT, String.format(
                            "WAV is truncated: header declares %d bytes of audio data but only %d follow",
                            declared, (long) frames * f.blockAlign + got % f.blockAlign));
                }
                break;
            }
            if (!unknownSize) bytesLeft -= got;
        }
        if (frames == 0) throw new AudioDecodeException(Kind.TRUNCATED_OR_CORRUPT, "WAV 'data' chunk holds no audio frames");
        return new PcmAudio(frames == out.length ? out : java.util.Arrays.copyOf(out, frames), f.sampleRate);
    }

    private static float sample(byte[] b, int p, Format f, int bytes) {
        if (f.isFloat()) {
            if (bytes == 4) {
                return Float.intBitsToFloat((b[p] & 0xFF) | (b[p + 1] & 0xFF) << 8 | (b[p + 2] & 0xFF) << 16 | (b[p + 3]) << 24);
            }
            long bits = 0;
            for (int i = 7; i >= 0; i--) bits = bits << 8 | (b[p + i] & 0xFF);
            return (float) Double.longBitsToDouble(bits);
        }
        return switch (bytes) {
            case 1 -> ((b[p] & 0xFF) - 128) / 128f;
            case 2 -> (short) ((b[p] & 0xFF) | b[p + 1] << 8) / 32768f;
            case 3 -> ((b[p] & 0xFF) | (b[p + 1] & 0xFF) << 8 | b[p + 2] << 16) / 8388608f;
            default -> (float) (((b[p] & 0xFF) | (b[p + 1] & 0xFF) << 8 | (b[p + 2] & 0xFF) << 16 | b[p + 3] << 24) / 2147483648.0);
        };
    }

    private static String printable(String s) {
        StringBuilder sb = new StringBuilder();
        for (char c : s.toCharArray()) sb.append(c >= 32 && c < 127 ? c : '?');
        return sb.toString();
    }

    // ---- writing ----

    /** 16-bit PCM mono WAV bytes (samples clipped to [-1, 1], rounded). */
    public static byte[] toWav16(PcmAudio audio) {
        ByteArrayOutputStream bos = new ByteArrayOutputStream(44 + audio.length() * 2);
        try {
            writeWav16(audio, bos);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        return bos.toByteArray();
    }

    /** Little-endian 16-bit samples with no header. */
    public static byte[] toPcm16(float[] samples) {
        byte[] out = new byte[samples.length * 2];
        for (int i = 0; i < samples.length; i++) {
            short s = toShort(samples[i]);
            out[2 * i] = (byte) s;
            out[2 * i + 1] = (byte) (s >> 8);
        }
        return out;
    }

    /** Inverse of {@link #toPcm16}. */
    public static float[] fromPcm16(byte[] pcm) {
        float[] out = new float[pcm.length / 2];
        for (int i = 0; i < out.length; i++) out[i] = (short) ((pcm[2 * i] & 0xFF) | pcm[2 * i + 1] << 8) / 32768f;
        return out;
    }

    private static short toShort(float v) {
        float c = Math.max(-1f, Math.min(1f, Float.isNaN(v) ? 0f : v));
        return (short) Math.max(-32768, Math.min(32767, Math.round(c * 32768f)));
    }

    public static void writeWav16(PcmAudio audio, OutputStream raw) throws IOException {
        OutputStream out = new BufferedOutputStream(raw, 1 << 16);
        writeHeader(out, WAVE_FORMAT_PCM, audio.sampleRate(), 16, audio.length());
        out.write(toPcm16(audio.samples()));
        out.flush();
    }

    public static void writeWav16(PcmAudio audio, Path path) throws IOException {
        try (OutputStream out = Files.newOutputStream(path)) {
            writeWav16(audio, out);
        }
    }

    public static void writeWavFloat(PcmAudio audio, OutputStream raw) throws IOException {
        OutputStream out = new BufferedOutputStream(raw, 1 << 16);
        writeHeader(out, WAVE_FORMAT_IEEE_FLOAT, audio.sampleRate(), 32, audio.length());
        byte[] b = new byte[audio.length() * 4];
        float[] s = audio.samples();
        for (int i = 0; i < s.length; i++) {
            int bits = Float.floatToIntBits(s[i]);
            b[4 * i] = (byte) bits;
            b[4 * i + 1] = (byte) (bits >> 8);
            b[4 * i + 2] = (byte) (bits >> 16);
            b[4 * i + 3] = (byte) (bits >> 24);
        }
        out.write(b);
        out.flush();
    }

    public static void writeWavFloat(PcmAudio audio, Path path) throws IOException {
        try (OutputStream out = Files.newOutputStream(path)) {
            writeWavFloat(audio, out);
        }
    }

    private static void writeHeader(OutputStream out, int tag, int rate, int bits, int frames) throws IOException {
        int blockAlign = bits / 8;
        long dataBytes = (long) frames * blockAlign;
        if (dataBytes > 0xFFFFFFFFL - 36) throw new IOException("audio too long for a WAV file");
        out.write(new byte[]{'R', 'I', 'F', 'F'});
        le32(out, 36 + dataBytes);
        out.write(new byte[]{'W', 'A', 'V', 'E', 'f', 'm', 't', ' '});
        le32(out, 16);
        le16(out, tag);
        le16(out, 1);
        le32(out, rate);
        le32(out, (long) rate * blockAlign);
        le16(out, blockAlign);
        le16(out, bits);
        out.write(new byte[]{'d', 'a', 't', 'a'});
        le32(out, dataBytes);
    }

    private static void le16(OutputStream o, int v) throws IOException {
        o.write(v & 0xFF);
        o.write((v >> 8) & 0xFF);
    }

    private static void le32(OutputStream o, long v) throws IOException {
        o.write((int) (v & 0xFF));
        o.write((int) ((v >> 8) & 0xFF));
        o.write((int) ((v >> 16) & 0xFF));
        o.write((int) ((v >> 24) & 0xFF));
    }

    /** Little-endian reader that counts bytes against a cap. */
    private static final class LeReader {
        private final InputStream in;
        private final long maxBytes;
        private long consumed;

        LeReader(InputStream in, long maxBytes) {
            this.in = in;
            this.maxBytes = maxBytes;
        }

        private void count(long n) throws AudioDecodeException {
            consumed += n;
            if (consumed > maxBytes) throw new AudioDecodeException(Kind.LIMIT_EXCEEDED, "input is larger than the " + maxBytes + "-byte limit");
        }

        int u8() throws IOException {
            int b = in.read();
            if (b < 0) throw new EOFException();
            return b;
        }

        int u16() throws IOException {
            return u8() | u8() << 8;
        }

        long u32() throws IOException {
            return (u16() | (long) u16() << 16) & 0xFFFFFFFFL;
        }

        String fourCc() throws IOException {
            char[] c = new char[4];
            for (int i = 0; i < 4; i++) c[i] = (char) u8();
            return new String(c);
        }

        void skip(long n) throws IOException {
            while (n > 0) {
                long s = in.skip(n);
                if (s <= 0) {
                    if (in.read() < 0) throw new EOFException();
                    s = 1;
                }
                n -= s;
            }
        }

        int readFully(byte[] buf, int len) throws IOException, AudioDecodeException {
            int off = 0;
            while (off < len) {
                int r = in.read(buf, off, len - off);
                if (r < 0) break;
                off += r;
            }
            count(off);
            return off;
        }
    }
}
