package dev.voxpipe.corpus;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

import dev.voxpipe.dsp.PcmAudio;

class AudioPrepTest {
    @Test
    void trimsEdgeSilenceLevelsAndResamples() {
        int rate = 16_000;
        float[] x = new float[3 * rate];
        for (int i = rate; i < 2 * rate; i++) x[i] = (float) (0.01 * Math.sin(2 * Math.PI * 200 * i / rate));
        PcmAudio out = AudioPrep.prepare(new PcmAudio(x, rate), 32_000);
        assertEquals(32_000, out.sampleRate());
        assertEquals(1.0 + 2 * AudioPrep.MARGIN_SECONDS, out.durationSeconds(), 0.03);
        double sum = 0;
        int n = 0;
        for (int i = (int) (0.2 * 32_000); i < out.length() - 0.2 * 32_000; i++, n++) sum += out.samples()[i] * out.samples()[i];
        double db = 10 * Math.log10(sum / n);
        assertEquals(AudioPrep.TARGET_SPEECH_DBFS, db, 0.5);
        float peak = 0;
        for (float v : out.samples()) peak = Math.max(peak, Math.abs(v));
        assertTrue(peak <= AudioPrep.PEAK_LIMIT + 1e-6);
    }
}
