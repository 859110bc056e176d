package dev.voxpipe.dsp;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class LoudnessTest {
    @ParameterizedTest
    @ValueSource(ints = {16000, 32000, 44100, 48000})
    void sineAt1kHzReadsItsKnownLoudness(int rate) {
        // BS.1770: a 997 Hz sine of peak A in one channel reads 20 log10(A) - 3.01 LUFS
        float[] x = Signals.tone(997, 0.1, rate, 5);
        assertEquals(-20 - 3.01, Loudness.integratedLoudness(x, rate), 0.05);
    }

    @Test
    void absoluteGateIgnoresSilenceAndRelativeGateIgnoresQuietParts() {
        int rate = 32000;
        float[] loud = Signals.tone(997, 0.1, rate, 4);
        float[] withSilence = new float[loud.length * 3];
        System.arraycopy(loud, 0, withSilence, loud.length, loud.length);
        assertEquals(Loudness.integratedLoudness(loud, rate), Loudness.integratedLoudness(withSilence, rate), 0.4); // edge blocks are partly silent

        float[] quiet = Signals.tone(997, 0.005, rate, 4); // 26 dB lower: below the -10 LU relative gate
        float[] both = new float[loud.length + quiet.length];
        System.arraycopy(loud, 0, both, 0, loud.length);
        System.arraycopy(quiet, 0, both, loud.length, quiet.length);
        // the three blocks straddling the step still pass the gate and pull the mean down a little;
        // without the relative gate the quiet half would pull it down by 3 dB
        assertEquals(Loudness.integratedLoudness(loud, rate), Loudness.integratedLoudness(both, rate), 0.4);
    }

    @Test
    void silenceAndTooShortHaveNoLoudness() {
        assertEquals(Double.NEGATIVE_INFINITY, Loudness.integratedLoudness(new float[32000], 32000));
        assertEquals(Double.NEGATIVE_INFINITY, Loudness.integratedLoudness(Signals.tone(997, 0.5, 32000, 0.3), 32000));
    }

    @Test
    void truePeakFindsInterSamplePeaks() {
        // fs/4 sine with a 45 degree phase: every sample sits at 0.707 of the true peak (-3 dB)
        int rate = 48000;
        float[] x = new float[4800];
        for (int i = 0; i < x.length; i++) x[i] = (float) (0.5 * Math.sin(Math.PI / 2 * i + Math.PI / 4));
        assertEquals(Signals.db(0.5 / Math.sqrt(2)), Signals.db(Loudness.samplePeak(x)), 0.01);
        assertEquals(Signals.db(0.5), Loudness.truePeakDbtp(x, rate), 0.2);
    }

    @Test
    void normalizeReachesTargetUnlessPeakLimited() {
        int rate = 32000;
        float[] x = Signals.tone(997, 0.05, rate, 3);
        Loudness.Normalized n = Loudness.normalize(x, rate, -20, -1);
        assertEquals(-20, Loudness.integratedLoudness(n.samples(), rate), 0.05);
        // -14 LUFS would need a peak of about -11 dBFS: fine. -2 LUFS would need +1 dBTP: capped at -1
        Loudness.Normalized capped = Loudness.normalize(x, rate, -2, -1);
        assertTrue(Loudness.truePeakDbtp(capped.samples(), rate) <= -1 + 0.05);
        assertTrue(capped.gainDb() < -2 - n.inputLufs());
        Loudness.Normalized silent = Loudness.normalize(new float[rate], rate, -14, -1);
        assertEquals(0, silent.gainDb());
    }

    /** Integrated loudness within 0.1 LU of ffmpeg's ebur128 (fixtures: src/test/python/make_loudness_fixtures.sh). */
    @Test
    void agreesWithFfmpegEbur128() throws Exception {
        List<String[]> rows = new ArrayList<>();
        try (InputStream in = getClass().getResourceAsStream("/fixtures/loudness-fixtures.csv")) {
            assertNotNull(in);
            new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8)).lines()
                    .filter(l -> !l.startsWith("#") && !l.isBlank()).forEach(l -> rows.add(l.split(",")));
        }
        assertFalse(rows.isEmpty());
        for (String[] row : rows) {
            PcmAudio a;
            try (InputStream in = getClass().getResourceAsStream("/fixtures/" + row[0])) {
                a = WavIo.read(in);
            }
            double ours = Loudness.integratedLoudness(a);
            double ffmpeg = Double.parseDouble(row[1]);
            // ffmpeg prints one decimal: allow its rounding (0.05) on top of the 0.1 LU agreement
            assertEquals(ffmpeg, ours, 0.1 + 0.05, row[0] + ": ours " + ours + " vs ffmpeg " + ffmpeg);
        }
    }
}
