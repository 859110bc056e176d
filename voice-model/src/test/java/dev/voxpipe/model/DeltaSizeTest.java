package dev.voxpipe.model;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The v2 issue's size bar on the shipped base: a voice's delta is at most 5 MB, however long its clips. */
class DeltaSizeTest {
    @Test
    void aVoiceWithMoreClipsThanTheCapKeepsWholeClipsUpToItAndStaysUnder5MB() {
        List<TrainingUtterance> clips = new ArrayList<>();
        Random rng = new Random(11);
        int frames = 0;
        while (frames < ClipFrames.MAX_FRAMES + 2000) {
            String text = SyntheticVoices.sentence(rng);
            float[][] mel = SyntheticVoices.logMel(text, 1, rng);
            clips.add(new TrainingUtterance(mel, text));
            frames += mel.length;
        }
        VoiceModelRuntime base = VoiceModelRuntime.loadBase();
        VoiceDelta voice = base.fineTune(clips, new FineTuneConfig(1, 0, 1e-4, 1, 0), null, null).delta();

        long kept = voice.overrides().get(ClipFrames.RESIDUALS).shape()[0];
        int longest = clips.stream().mapToInt(u -> u.logMel().length).max().orElseThrow();
        assertTrue(kept <= ClipFrames.MAX_FRAMES && kept > ClipFrames.MAX_FRAMES - longest, "clip frames kept: " + kept);
        assertEquals(kept, voice.overrides().get(ClipFrames.KEYS).shape()[0]);
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        voice.write(bytes);
        assertTrue(bytes.size() < 5_000_000, "delta " + bytes.size() + " bytes with " + kept + " clip frames");
    }
}
