package dev.voxpipe.dsp.decode;

import dev.voxpipe.dsp.PcmAudio;
import dev.voxpipe.dsp.Resampler;
import dev.voxpipe.dsp.WavIo;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class AudioDecoderTest {
    static byte[] fixture(String name) throws Exception {
        try (InputStream in = AudioDecoderTest.class.getResourceAsStream("/fixtures/" + name)) {
            return in.readAllBytes();
        }
    }

    static float[] tone(int n, int rate) {
        float[] x = new float[n];
        for (int i = 0; i < n; i++) x[i] = (float) (0.5 * Math.sin(2 * Math.PI * 440 * i / rate));
        return x;
    }

    static AudioDecodeException rejects(byte[] bytes, AudioDecodeException.Kind kind) {
        AudioDecodeException e = assertThrows(AudioDecodeException.class, () -> AudioDecoder.decode(bytes, DecodeLimits.defaults()));
        assertEquals(kind, e.kind(), e.reason());
        assertTrue(e.reason().length() > 10, "reason is a sentence: " + e.reason());
        return e;
    }

    /** Normalised cross-correlation at the best lag within +-maxLag. */
    static double bestCorrelation(float[] a, float[] b, int maxLag) {
        double best = -1;
        for (int lag = -maxLag; lag <= maxLag; lag++) {
            double ab = 0, aa = 0, bb = 0;
            for (int i = Math.max(0, -lag); i < a.length && i + lag < b.length; i++) {
                if (i + lag < 0) continue;
                ab += a[i] * b[i + lag];
                aa += a[i] * a[i];
                bb += b[i + lag] * b[i + lag];
            }
            best = Math.max(best, ab / Math.sqrt(aa * bb + 1e-20));
        }
        return best;
    }

    @ParameterizedTest
    @CsvSource({"codec-stereo.flac,16000,0.9999", "codec-stereo44k.mp3,44100,0.95", "codec-mono22k.ogg,22050,0.95"})
    void decodesCodecsToTheReferenceSignal(String file, int rate, double minCorrelation) throws Exception {
        PcmAudio ref = WavIo.read(fixture("codec-ref16k.wav"));
        byte[] bytes = fixture(file);
        PcmAudio a = AudioDecoder.decode(bytes, DecodeLimits.defaults());
        assertEquals(rate, a.sampleRate());
        assertEquals(ref.durationSeconds(), a.durationSeconds(), 0.08);
        float[] at16 = Resampler.resample(a.samples(), rate, 16000);
        double c = bestCorrelation(ref.samples(), at16, 1200);
        assertTrue(c >= minCorrelation, file + " correlation " + c);
    }

    @Test
    void sniffsFromBytesNotNames() throws Exception {
        assertEquals(SniffedFormat.WAV, AudioFormatSniffer.sniff(fixture("codec-ref16k.wav")));
        assertEquals(SniffedFormat.FLAC, AudioFormatSniffer.sniff(fixture("codec-stereo.flac")));
        assertEquals(SniffedFormat.MP3, AudioFormatSniffer.sniff(fixture("codec-stereo44k.mp3")));
        assertEquals(SniffedFormat.OGG_VORBIS, AudioFormatSniffer.sniff(fixture("codec-mono22k.ogg")));
        assertEquals(SniffedFormat.OGG_OPUS, AudioFormatSniffer.sniff(fixture("codec-mono.opus")));
        assertEquals(SniffedFormat.UNKNOWN, AudioFormatSniffer.sniff("<html><body>hi</body></html>".getBytes(StandardCharsets.US_ASCII)));
        assertEquals(SniffedFormat.UNKNOWN, AudioFormatSniffer.sniff(new byte[2]));
        rejects(fixture("codec-mono.opus"), AudioDecodeException.Kind.UNSUPPORTED_FORMAT);
    }

    @ParameterizedTest
    @CsvSource({"1,1,8,false", "1,1,16,false", "1,1,24,false", "1,1,32,false", "3,1,32,false", "3,1,64,false",
            "1,2,16,false", "1,6,24,true", "3,2,32,true", "1,1,16,true"})
    void wavEncodingsDecodeToTheSameSignal(int tag, int channels, int bits, boolean extensible) throws Exception {
        float[] x = tone(1600, 16000);
        WavBuilder b = WavBuilder.encode(x, 16000, channels, tag, bits, extensible);
        if (extensible) b.extensibleSubTag = tag;
        PcmAudio a = AudioDecoder.decode(b.bytes(), DecodeLimits.defaults());
        assertEquals(16000, a.sampleRate());
        assertEquals(x.length, a.length());
        double tol = bits == 8 ? 0.02 : 1e-3;
        for (int i = 0; i < x.length; i++) assertEquals(x[i], a.samples()[i], tol, "sample " + i);
    }

    @Test
    void wavWriteReadRoundTrip() throws Exception {
        PcmAudio a = new PcmAudio(tone(3200, 32000), 32000);
        PcmAudio back = WavIo.read(WavIo.toWav16(a));
        assertEquals(a.length(), back.length());
        for (int i = 0; i < a.length(); i++) assertEquals(a.samples()[i], back.samples()[i], 1.0 / 32768);
        ByteArrayOutputStream f = new ByteArrayOutputStream();
        WavIo.writeWavFloat(a, f);
        assertTrue(Arrays.equals(a.samples(), WavIo.read(f.toByteArray()).samples()));
    }

    // ---- the bad-file corpus ----

    @Test
    void truncatedWavIsRejected() {
        byte[] good = WavBuilder.pcm16(tone(16000, 16000), 16000).bytes();
        rejects(Arrays.copyOf(good, good.length / 2), AudioDecodeException.Kind.TRUNCATED_OR_CORRUPT);
        rejects(Arrays.copyOf(good, 30), AudioDecodeException.Kind.TRUNCATED_OR_CORRUPT);
    }

    @Test
    void lyingHeadersAreRejected() {
        WavBuilder zeroChannels = WavBuilder.pcm16(tone(1600, 16000), 16000);
        zeroChannels.channels = 0;
        zeroChannels.blockAlign = 2;
        assertTrue(rejects(zeroChannels.bytes(), AudioDecodeException.Kind.INVALID_HEADER).reason().contains("0 channels"));

        WavBuilder zeroHz = WavBuilder.pcm16(tone(1600, 16000), 16000);
        zeroHz.sampleRate = 0;
        assertTrue(rejects(zeroHz.bytes(), AudioDecodeException.Kind.INVALID_HEADER).reason().contains("0 Hz"));

        WavBuilder tenMHz = WavBuilder.pcm16(tone(1600, 16000), 16000);
        tenMHz.sampleRate = 10_000_000;
        assertTrue(rejects(tenMHz.bytes(), AudioDecodeException.Kind.INVALID_HEADER).reason().contains("10000000 Hz"));

        WavBuilder badAlign = WavBuilder.pcm16(tone(1600, 16000), 16000);
        badAlign.blockAlign = 7;
        rejects(badAlign.bytes(), AudioDecodeException.Kind.INVALID_HEADER);

        WavBuilder twoGb = WavBuilder.pcm16(tone(1600, 16000), 16000);
        twoGb.dataSizeOverride = 2_000_000_000L;
        assertTrue(rejects(twoGb.bytes(), AudioDecodeException.Kind.LIMIT_EXCEEDED).reason().contains("2000000000"));

        WavBuilder moreThanFollows = WavBuilder.pcm16(tone(1600, 16000), 16000);
        moreThanFollows.dataSizeOverride = 1_000_000;
        rejects(moreThanFollows.bytes(), AudioDecodeException.Kind.TRUNCATED_OR_CORRUPT);

        WavBuilder adpcm = WavBuilder.pcm16(tone(1600, 16000), 16000);
        adpcm.tag = 2;
        rejects(adpcm.bytes(), AudioDecodeException.Kind.UNSUPPORTED_FORMAT);
    }

    @Test
    void nonFiniteFloatsAreRejected() {
        float[] x = tone(1600, 16000);
        x[800] = Float.NaN;
        rejects(WavBuilder.encode(x, 16000, 1, 3, 32, false).bytes(), AudioDecodeException.Kind.INVALID_SAMPLES);
        x[800] = Float.POSITIVE_INFINITY;
        rejects(WavBuilder.encode(x, 16000, 1, 3, 64, false).bytes(), AudioDecodeException.Kind.INVALID_SAMPLES);
    }

    @Test
    void nonAudioBytesAreRejected() {
        byte[] random = new byte[5000];
        new Random(3).nextBytes(random);
        random[0] = 'x';
        rejects(random, AudioDecodeException.Kind.UNSUPPORTED_FORMAT);
        rejects("%PDF-1.7 not audio at all".getBytes(StandardCharsets.US_ASCII), AudioDecodeException.Kind.UNSUPPORTED_FORMAT);
        rejects(new byte[0], AudioDecodeException.Kind.TRUNCATED_OR_CORRUPT);
    }

    @Test
    void brokenCodecStreamsAreRejected() throws Exception {
        byte[] flac = fixture("codec-stereo.flac");
        rejects(Arrays.copyOf(flac, flac.length / 2), AudioDecodeException.Kind.TRUNCATED_OR_CORRUPT);
        byte[] ogg = fixture("codec-mono22k.ogg");
        rejects(Arrays.copyOf(ogg, ogg.length / 2), AudioDecodeException.Kind.TRUNCATED_OR_CORRUPT);
        rejects(Arrays.copyOf(ogg, 40), AudioDecodeException.Kind.TRUNCATED_OR_CORRUPT);
        // an MP3 frame header followed by noise
        byte[] fake = new byte[4000];
        new Random(5).nextBytes(fake);
        fake[0] = (byte) 0xFF;
        fake[1] = (byte) 0xFB;
        fake[2] = (byte) 0x90;
        fake[3] = 0x64;
        AudioDecodeException e = assertThrows(AudioDecodeException.class, () -> {
            PcmAudio a = AudioDecoder.decode(fake, DecodeLimits.defaults());
            // JLayer may "decode" noise frames; then it must at least be short and finite
            if (a.durationSeconds() < 1) throw new AudioDecodeException(AudioDecodeException.Kind.TRUNCATED_OR_CORRUPT, "decoded garbage, " + a);
        });
        assertEquals(AudioDecodeException.Kind.TRUNCATED_OR_CORRUPT, e.kind());
    }

    @Test
    void durationCapStopsExpansion() {
        byte[] tenSeconds = WavBuilder.pcm16(tone(160000, 16000), 16000).bytes();
        AudioDecodeException e = assertThrows(AudioDecodeException.class,
                () -> AudioDecoder.decode(new ByteArrayInputStream(tenSeconds), DecodeLimits.defaults().withMaxDurationSeconds(5)));
        assertEquals(AudioDecodeException.Kind.LIMIT_EXCEEDED, e.kind());
        // streaming WAV (unknown size) hits the cap while reading
        WavBuilder streaming = WavBuilder.pcm16(tone(160000, 16000), 16000);
        streaming.dataSizeOverride = 0xFFFFFFFFL;
        e = assertThrows(AudioDecodeException.class,
                () -> AudioDecoder.decode(new ByteArrayInputStream(streaming.bytes()), DecodeLimits.defaults().withMaxDurationSeconds(5)));
        assertEquals(AudioDecodeException.Kind.LIMIT_EXCEEDED, e.kind());
    }
}
