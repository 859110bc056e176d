package dev.voxpipe.corpus;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.voxpipe.dsp.PcmAudio;
import dev.voxpipe.dsp.WavIo;

/**
 * Builds a tiny real-speech corpus (June Wallack's French prompts and the espeak-ng Mandarin speaker, 4 utterances
 * each) twice: same bytes, right layout, resume keeps a finished speaker. Skipped (reported) where ffmpeg,
 * espeak-ng or the Debian French prompt packages are missing.
 */
class RealCorpusBuilderIT {
    private static final List<String> SPEAKERS = List.of("asterisk_fr_ca", RealCorpusBuilder.MANDARIN_ID);

    @Test
    void tinyCorpusIsDeterministicAndResumable(@TempDir Path dir) throws Exception {
        RealSpeakers.AsteriskSpeaker french = RealSpeakers.ASTERISK.get(0);
        assumeTrue(Processes.onPath("ffmpeg") && Processes.onPath("espeak-ng"), "ffmpeg or espeak-ng not installed");
        assumeTrue(Files.isDirectory(french.soundsDir()) && Files.isRegularFile(french.transcript()),
                "Debian packages " + french.packages() + " not installed");

        List<RealCorpusBuilder.SpeakerSummary> a = RealCorpusBuilder.build(settings(dir.resolve("a")));
        RealCorpusBuilder.build(settings(dir.resolve("b")));

        assertEquals(SPEAKERS, a.stream().map(RealCorpusBuilder.SpeakerSummary::speaker).toList());
        for (RealCorpusBuilder.SpeakerSummary s : a) {
            assertEquals("ok", s.status());
            assertEquals(4, s.utterances(), s.speaker());
            assertTrue(s.f0().meanHz() > 60 && s.f0().meanHz() < 400, s.speaker() + " F0 " + s.f0().meanHz());
            List<String> meta = Files.readAllLines(dir.resolve("a").resolve(s.speaker()).resolve("metadata.tsv"));
            assertEquals(4, meta.size());
            for (String line : meta) {
                String[] cols = line.split("\t");
                assertEquals(3, cols.length, line);
                assertFalse(cols[2].isBlank(), "phonemes for " + cols[0]);
                Path wa = dir.resolve("a").resolve(s.speaker()).resolve(cols[0] + ".wav");
                byte[] bytes = Files.readAllBytes(wa);
                assertArrayEquals(bytes, Files.readAllBytes(dir.resolve("b").resolve(s.speaker()).resolve(cols[0] + ".wav")), cols[0]);
                PcmAudio audio = WavIo.read(bytes);
                assertEquals(AudioPrep.CORPUS_RATE, audio.sampleRate());
                assertTrue(audio.durationSeconds() > 0.2, cols[0]);
            }
        }
        RealCorpusBuilder.SpeakerSummary fr = a.get(0);
        assertTrue(fr.human() && !fr.synthetic());
        assertEquals("fr-CA", fr.language());
        assertEquals(16_000, fr.sourceSampleRate());
        assertEquals(8_000, fr.sourceBandwidthHz());
        assertEquals("CC-BY-SA-3.0", fr.licence());
        assertEquals("female", fr.gender());
        RealCorpusBuilder.SpeakerSummary cmn = a.get(1);
        assertTrue(cmn.synthetic() && !cmn.human());
        assertTrue(Files.readAllLines(dir.resolve("a/espeak_cmn/metadata.tsv")).get(0)
                .startsWith("zh0000\tjin1 tian1 de5 tian1 qi4 hen3 hao3,"));

        for (String f : List.of("summary.md", "summary.json", "asterisk_fr_ca/speaker.json", "espeak_cmn/speaker.json",
                "espeak_cmn/hanzi.tsv", "asterisk_fr_ca/metadata.tsv")) {
            assertArrayEquals(Files.readAllBytes(dir.resolve("a").resolve(f)), Files.readAllBytes(dir.resolve("b").resolve(f)), f);
        }

        Path speakerJson = dir.resolve("a/asterisk_fr_ca/speaker.json");
        Files.setLastModifiedTime(speakerJson, FileTime.fromMillis(0));
        RealCorpusBuilder.build(settings(dir.resolve("a")));
        assertEquals(0, Files.getLastModifiedTime(speakerJson).toMillis(), "a finished speaker is kept, not rebuilt");
    }

    private static RealCorpusBuilder.Settings settings(Path out) {
        return new RealCorpusBuilder.Settings(out, SPEAKERS, 1, 4, false);
    }
}
