package dev.voxpipe.dsp.slice;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SliceTest {
    static final int SR = 32000;

    /** Speech-like burst: a vibrato harmonic tone in syllables (4 per second, with short gaps). */
    static void burst(float[] x, double startS, double seconds, double amp) {
        int s = (int) (startS * SR), n = (int) (seconds * SR);
        for (int i = 0; i < n && s + i < x.length; i++) {
            double t = i / (double) SR;
            double env = Math.min(1, Math.min(t, seconds - t) / 0.02) * Math.min(1, 3 * Math.abs(Math.sin(2 * Math.PI * 2 * t)));
            double f0 = 180 + 15 * Math.sin(2 * Math.PI * 3 * t);
            double v = 0;
            for (int h = 1; h <= 6; h++) v += Math.sin(2 * Math.PI * f0 * h * t) / h;
            x[s + i] += (float) (amp * env * v / 2);
        }
    }

    @Test
    void cutsAtSilencesIntoClipsOfAtLeastMinLength() {
        float[] x = new float[SR * 22];
        boolean[] speech = new boolean[x.length];
        for (int k = 0; k < 10; k++) { // 1.5 s speech, 0.6 s pause, from 0.5 s
            double start = 0.5 + k * 2.1;
            burst(x, start, 1.5, 0.3);
            for (int i = (int) (start * SR); i < (int) ((start + 1.5) * SR); i++) speech[i] = true;
        }
        List<Segment> segs = new SilenceSlicer(SlicerConfig.defaults()).slice(x, SR);
        assertTrue(segs.size() >= 3, "segments " + segs);
        for (int i = 0; i < segs.size(); i++) {
            Segment s = segs.get(i);
            assertTrue(s.kept(), s.toString());
            if (i < segs.size() - 1) assertTrue(s.seconds(SR) >= 4.0, "clip shorter than min_length: " + s.seconds(SR));
            assertTrue(s.seconds(SR) <= 15.0);
            // clips never cut through speech: both edges lie in silence
            assertFalse(speech[s.start()] && s.start() > 0 && speech[s.start() - 1], "cut inside speech at " + s.start());
            assertFalse(s.end() < x.length && speech[s.end() - 1] && speech[s.end()], "cut inside speech at " + s.end());
        }
        // everything spoken is inside some clip
        for (int i = 0; i < x.length; i += 160) {
            if (!speech[i]) continue;
            final int idx = i;
            assertTrue(segs.stream().anyMatch(s -> s.start() <= idx && idx < s.end()), "speech at " + i + " lost");
        }
    }

    @Test
    void longLeadingSilenceIsRemovedAndKeptSilenceIsBounded() {
        float[] x = new float[SR * 12];
        burst(x, 3.0, 6.0, 0.3);
        List<Segment> segs = new SilenceSlicer(SlicerConfig.defaults()).slice(x, SR);
        Segment first = segs.get(0);
        assertTrue(first.start() >= (3.0 - 0.5 - 0.02) * SR, "leading silence kept: " + first.start() / (double) SR);
        Segment last = segs.get(segs.size() - 1);
        assertTrue(last.end() <= (9.0 + 0.5 + 0.05) * SR, "trailing silence kept to " + last.end() / (double) SR);
    }

    @Test
    void continuousSpeechIsSplitAtTheQuietestPointUnder15s() {
        float[] x = new float[SR * 40];
        burst(x, 0, 40, 0.3);
        // a dip (not silence) at 17 s: the split should find it
        for (int i = 17 * SR; i < 17 * SR + SR / 20; i++) x[i] *= 0.05f;
        List<Segment> segs = new SilenceSlicer(SlicerConfig.defaults()).slice(x, SR);
        assertTrue(segs.size() >= 3);
        for (Segment s : segs) assertTrue(s.seconds(SR) <= 15.0, "clip of " + s.seconds(SR) + " s");
        assertEquals(x.length, segs.stream().mapToInt(Segment::length).sum());
    }

    @Test
    void shortClipsAreDroppedWithAReason() {
        float[] x = new float[SR * 10];
        burst(x, 0.2, 5.0, 0.3);
        burst(x, 8.0, 0.04, 0.3); // a 40 ms click after a long pause: 0.5 s of kept silence + click < 0.6 s
        List<Segment> segs = new SilenceSlicer(SlicerConfig.defaults()).slice(x, SR);
        Segment blip = segs.get(segs.size() - 1);
        assertFalse(blip.kept());
        assertTrue(blip.droppedReason().startsWith("too short"), blip.droppedReason());
        assertTrue(segs.get(0).kept());
    }

    @Test
    void qualityGateAcceptsCleanSpeechAndNamesProblems() throws Exception {
        ClipQuality q = new ClipQuality(QualityConfig.defaults());
        float[] clean;
        try (var in = getClass().getResourceAsStream("/fixtures/loud-speech16k.wav")) {
            clean = dev.voxpipe.dsp.WavIo.read(in).resampled(SR).samples(); // real read speech
        }
        ClipQuality.Report ok = q.assess(clean, SR);
        assertTrue(ok.accepted(), ok.reasons().toString());

        float[] clipped = clean.clone();
        for (int i = 0; i < clipped.length; i++) clipped[i] = Math.max(-1f, Math.min(1f, clipped[i] * 20));
        assertTrue(q.assess(clipped, SR).reasons().stream().anyMatch(r -> r.startsWith("clipping")));

        float[] noisy = clean.clone();
        Random r = new Random(1);
        for (int i = 0; i < noisy.length; i++) noisy[i] += (float) (0.1 * r.nextGaussian());
        assertTrue(q.assess(noisy, SR).reasons().stream().anyMatch(s -> s.startsWith("noisy")), q.assess(noisy, SR).toString());

        assertTrue(q.assess(new float[SR * 3], SR).reasons().stream().anyMatch(s -> s.startsWith("too quiet")));
        float[] whisper = clean.clone();
        for (int i = 0; i < whisper.length; i++) whisper[i] *= 0.0005f;
        assertTrue(q.assess(whisper, SR).reasons().stream().anyMatch(s -> s.startsWith("too quiet")));

        float[] sparse = new float[SR * 6];
        burst(sparse, 2.5, 0.8, 0.3);
        assertTrue(q.assess(sparse, SR).reasons().stream().anyMatch(s -> s.startsWith("mostly silence")), q.assess(sparse, SR).toString());

        float[] shortClip = new float[SR / 3];
        burst(shortClip, 0, 0.33, 0.3);
        assertTrue(q.assess(shortClip, SR).reasons().stream().anyMatch(s -> s.startsWith("too short")));
    }

    @Test
    void transcriptSpans() {
        TranscriptSpans t = TranscriptSpans.defaults();
        assertEquals("Hello there.", t.assign(" Hello   there. ", new double[]{2.0}).get(0).text());
        assertNull(t.assign(null, new double[]{1, 2}).get(0).text());

        // three clips whose voiced time matches the sentences' lengths (about 14 letters per second)
        String text = "Please enter your agent number. Then press the pound key, and wait for the tone. Goodbye.";
        List<TranscriptSpans.Span> spans = t.assign(text, new double[]{26 / 14.0, 44 / 14.0, 7 / 14.0});
        assertEquals("Please enter your agent number.", spans.get(0).text());
        assertEquals("Then press the pound key, and wait for the tone.", spans.get(1).text());
        assertEquals("Goodbye.", spans.get(2).text());
        assertFalse(spans.get(0).needsAlignment());

        // one sentence cannot be spread over three clips without guessing
        List<TranscriptSpans.Span> none = t.assign("A single sentence with no pause marks at all", new double[]{1, 1, 1});
        assertTrue(none.stream().allMatch(s -> s.text() == null && s.needsAlignment()));
        // durations that contradict the punctuation: also left for alignment
        List<TranscriptSpans.Span> bad = t.assign("Yes. This is a much longer sentence than the first one by far.", new double[]{4.0, 0.3});
        assertTrue(bad.stream().allMatch(TranscriptSpans.Span::needsAlignment));
    }
}
