package dev.voxpipe.corpus;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RealSpeakerLoaderTest {
    @Test
    void transcriptConventions() {
        assertNull(RealSpeakerLoader.spokenForm("beep", "[this is a simple beep tone]"));
        assertNull(RealSpeakerLoader.spokenForm("silence/1", "(1 second of silence)"));
        assertEquals("at", RealSpeakerLoader.spokenForm("letters/at", "at [@]"));
        assertEquals("Press", RealSpeakerLoader.spokenForm("dir-multi1", "Press ..."));
        assertEquals("press star to toggle pause, press pound to enter",
                RealSpeakerLoader.spokenForm("dictate/x", "press * to toggle pause, press # to enter"));
        assertEquals("A", RealSpeakerLoader.spokenForm("letters/a", "a"));
    }

    @Test
    void loadsOnlyPromptsWithAudioAndSplitsDeterministically(@TempDir Path dir) throws Exception {
        Path sounds = dir.resolve("sounds");
        Files.createDirectories(sounds.resolve("digits"));
        StringBuilder transcript = new StringBuilder("; comment\n");
        for (int k = 0; k < 40; k++) {
            String name = "prompt-" + k;
            transcript.append(name).append(": Please dial ").append(100 + k).append(" and wait for the tone.\n");
            Files.write(sounds.resolve(name + ".g722"), new byte[(int) (RealSpeakerLoader.G722_BYTES_PER_SECOND * 3)]);
        }
        transcript.append("digits/5: five\nbeep: [tone]\nmissing-file: Hello there.\nfrag: ... for ...\n");
        Files.write(sounds.resolve("digits/5.g722"), new byte[8000]);
        Files.write(sounds.resolve("beep.g722"), new byte[8000]);
        Files.write(sounds.resolve("frag.g722"), new byte[16000]);
        Path t = dir.resolve("t.txt");
        Files.writeString(t, transcript, StandardCharsets.UTF_8);

        List<RealSpeakerLoader.RealUtterance> all = new RealSpeakerLoader(sounds, t).utterances();
        assertEquals(42, all.size(), "40 prompts + digit + fragment; tone and missing file skipped");
        assertEquals("Please dial one hundred and wait for the tone.", all.get(0).text());
        assertTrue(all.stream().anyMatch(u -> u.fragment() && u.text().equals("for")));

        RealSpeakerLoader.Split split = RealSpeakerLoader.split(all, 60);
        assertEquals(60, split.fewShotSeconds(), 1e-9);
        assertEquals(20, split.fewShot().size());
        assertEquals(22, split.heldOut().size());
        Set<String> few = new HashSet<>();
        split.fewShot().forEach(u -> few.add(u.name()));
        assertTrue(split.heldOut().stream().noneMatch(u -> few.contains(u.name())), "disjoint");
        assertTrue(split.fewShot().stream().noneMatch(RealSpeakerLoader.RealUtterance::fragment));
        assertEquals(split.fewShot(), RealSpeakerLoader.split(List.copyOf(all.reversed()), 60).fewShot(), "independent of order");
    }
}
