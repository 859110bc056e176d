package dev.voxpipe.feature.topology;

import dev.voxpipe.dsp.PcmAudio;
import dev.voxpipe.dsp.WavIo;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;

/** The real-speaker fixture and the corpus of bad files. */
final class TestAudio {
    private TestAudio() {
    }

    static byte[] resource(String path) {
        try (InputStream in = TestAudio.class.getResourceAsStream(path)) {
            if (in == null) throw new IllegalStateException("missing test resource " + path);
            return in.readAllBytes();
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }

    static byte[] upload60s() {
        return resource("/real-speaker/upload-60s.wav");
    }

    static String transcript60s() {
        return new String(resource("/real-speaker/upload-60s.txt"), StandardCharsets.UTF_8).trim();
    }

    /** The first {@code seconds} of the real-speaker upload (16 kHz). */
    static byte[] speech(double seconds) throws Exception {
        PcmAudio a = WavIo.read(upload60s());
        return WavIo.toWav16(a.slice(0, (int) Math.min(a.length(), seconds * a.sampleRate())));
    }

    /** Canonical 44-byte-header WAV with free header fields. */
    static byte[] wav(int tag, int channels, long rate, int bits, int blockAlign, long dataSize, byte[] data) {
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        o.writeBytes("RIFF".getBytes(StandardCharsets.US_ASCII));
        le(o, 36 + data.length, 4);
        o.writeBytes("WAVEfmt ".getBytes(StandardCharsets.US_ASCII));
        le(o, 16, 4);
        le(o, tag, 2);
        le(o, channels, 2);
        le(o, rate, 4);
        le(o, rate * blockAlign, 4);
        le(o, blockAlign, 2);
        le(o, bits, 2);
        o.writeBytes("data".getBytes(StandardCharsets.US_ASCII));
        le(o, dataSize, 4);
        o.writeBytes(data);
        return o.toByteArray();
    }

    private static void le(ByteArrayOutputStream o, long v, int n) {
        for (int i = 0; i < n; i++) o.write((int) (v >> (8 * i)));
    }

    /** Name -> bytes; every one must end as a dead letter or a rejected upload, with a reason. */
    static Map<String, byte[]> badCorpus() throws Exception {
        Map<String, byte[]> m = new LinkedHashMap<>();
        byte[] good = speech(6);
        byte[] pcm = Arrays.copyOfRange(good, 44, good.length);
        m.put("truncated", Arrays.copyOf(good, good.length / 3));
        m.put("lying-block-align", wav(1, 1, 16000, 16, 6, pcm.length, pcm));
        m.put("zero-channels", wav(1, 0, 16000, 16, 2, pcm.length, pcm));
        m.put("zero-hz", wav(1, 1, 0, 16, 2, pcm.length, pcm));
        m.put("ten-mhz", wav(1, 1, 10_000_000, 16, 2, pcm.length, pcm));
        byte[] nan = new byte[16000 * 4];
        for (int i = 0; i < 16000; i++) {
            int bits = Float.floatToIntBits(i == 8000 ? Float.NaN : (float) (0.3 * Math.sin(i * 0.1)));
            for (int k = 0; k < 4; k++) nan[4 * i + k] = (byte) (bits >> (8 * k));
        }
        m.put("nan-floats", wav(3, 1, 16000, 32, 4, nan.length, nan));
        m.put("two-gb-declared", wav(1, 1, 16000, 16, 2, 2_000_000_000L, pcm));
        byte[] junk = new byte[20000];
        new Random(9).nextBytes(junk);
        m.put("non-audio-random", junk);
        m.put("non-audio-html", "<!doctype html><html><body>not audio</body></html>".getBytes(StandardCharsets.US_ASCII));
        m.put("silence-only", WavIo.toWav16(new PcmAudio(new float[16000 * 8], 16000)));
        float[] clipped = new float[16000 * 8];
        for (int i = 0; i < clipped.length; i++) clipped[i] = Math.sin(2 * Math.PI * 220 * i / 16000.0) >= 0 ? 1f : -1f;
        m.put("full-scale-clipping", WavIo.toWav16(new PcmAudio(clipped, 16000)));
        return m;
    }
}
