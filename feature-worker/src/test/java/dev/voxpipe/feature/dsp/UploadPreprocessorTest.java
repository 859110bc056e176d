package dev.voxpipe.feature.dsp;

import dev.voxpipe.dsp.Loudness;
import org.junit.jupiter.api.Test;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class UploadPreprocessorTest {
    static byte[] resource(String path) throws Exception {
        try (InputStream in = UploadPreprocessorTest.class.getResourceAsStream(path)) {
            assertNotNull(in, path);
            return in.readAllBytes();
        }
    }

    @Test
    void realSpeakerMinuteBecomesTenOrMoreAcceptedClipsWithTheirText() throws Exception {
        byte[] wav = resource("/real-speaker/upload-60s.wav");
        String transcript = new String(resource("/real-speaker/upload-60s.txt"), StandardCharsets.UTF_8).trim();
        UploadPreprocessor p = new UploadPreprocessor(PreprocessSettings.defaults());
        PreparedUpload up = p.prepare(new java.io.ByteArrayInputStream(wav), transcript);
        StringBuilder sb = new StringBuilder();
        for (PreparedClip c : up.clips()) {
            sb.append(String.format("%2d %6.2f-%6.2f %5.2fs %s %s | %s%n", c.index(), c.start() / 32000.0, c.end() / 32000.0, c.seconds(),
                    c.reasons(), c.needsAlignment() ? "ALIGN" : "", c.transcript()));
        }
        System.out.println(sb);
        assertEquals(16000, up.sourceSampleRate());
        assertEquals(32000, up.sampleRate());
        assertTrue(up.acceptedCount() >= 10, "accepted clips: " + up.acceptedCount() + "\n" + sb);
        StringBuilder joined = new StringBuilder();
        for (PreparedClip c : up.clips()) {
            assertTrue(c.seconds() <= 15.0 + 1e-9);
            if (!c.accepted()) continue;
            double lufs = Loudness.integratedLoudness(c.normalized(), 32000), tp = Loudness.truePeakDbtp(c.normalized(), 32000);
            // at -14 LUFS, or below it because the -1 dBTP ceiling capped the gain
            assertTrue(Math.abs(lufs + 14) < 0.1 || (lufs < -14 && Math.abs(tp + 1) < 0.1), "clip " + c.index() + ": " + lufs + " LUFS, " + tp + " dBTP");
            assertTrue(tp <= -1 + 0.1);
            assertFalse(c.needsAlignment(), sb.toString());
            assertNotNull(c.transcript());
        }
        for (PreparedClip c : up.clips()) if (c.transcript() != null) joined.append(joined.isEmpty() ? "" : " ").append(c.transcript());
        assertEquals(transcript.replaceAll("\\s+", " "), joined.toString(), "spans put together give back the transcript");
    }
}
