package dev.voxpipe.dsp.decode;

import dev.voxpipe.dsp.PcmAudio;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.time.Duration;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Mutated and cut copies of valid files: every outcome must be finite audio or an
 * AudioDecodeException with a reason, quickly. Nothing else may escape (no RuntimeException, no hang).
 */
class DecoderFuzzTest {
    @ParameterizedTest
    @ValueSource(strings = {"codec-ref16k.wav", "codec-stereo.flac", "codec-stereo44k.mp3", "codec-mono22k.ogg"})
    void mutatedFilesFailCleanly(String file) throws Exception {
        byte[] good = AudioDecoderTest.fixture(file);
        Random rnd = new Random(file.hashCode());
        int decoded = 0, rejected = 0;
        for (int i = 0; i < 90; i++) {
            byte[] b = good.clone();
            int kind = i % 3;
            if (kind == 0) { // flip bytes, header region included
                int flips = 1 + rnd.nextInt(8);
                for (int k = 0; k < flips; k++) {
                    int pos = rnd.nextInt(rnd.nextBoolean() ? Math.min(200, b.length) : b.length);
                    b[pos] = (byte) rnd.nextInt(256);
                }
            } else if (kind == 1) { // cut anywhere
                b = java.util.Arrays.copyOf(b, rnd.nextInt(b.length));
            } else { // overwrite a run with random bytes
                int pos = rnd.nextInt(b.length), len = Math.min(b.length - pos, 1 + rnd.nextInt(400));
                for (int k = 0; k < len; k++) b[pos + k] = (byte) rnd.nextInt(256);
            }
            final byte[] input = b;
            boolean ok = assertTimeoutPreemptively(Duration.ofSeconds(5), () -> {
                try {
                    PcmAudio a = AudioDecoder.decode(input, DecodeLimits.defaults());
                    for (float v : a.samples()) assertTrue(Float.isFinite(v));
                    return true;
                } catch (AudioDecodeException e) {
                    assertTrue(e.reason() != null && e.reason().length() > 5);
                    return false;
                }
            }, file + " mutation " + i);
            if (ok) decoded++;
            else rejected++;
        }
        // the mutations must reach the rejection path, or the test proves nothing about it (every format decodes
        // some of them too, except Ogg: its page checksums make the decoder refuse every mutated or cut file)
        assertTrue(rejected > 0, file + ": " + decoded + " decoded, " + rejected + " rejected");
        if (!file.endsWith(".ogg")) assertTrue(decoded > 0, file + ": " + decoded + " decoded, " + rejected + " rejected");
    }
}
