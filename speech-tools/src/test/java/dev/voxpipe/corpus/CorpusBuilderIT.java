package dev.voxpipe.corpus;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.voxpipe.dsp.PcmAudio;
import dev.voxpipe.dsp.WavIo;

/** Builds a tiny flite corpus twice (only where flite is installed): same bytes, right layout. */
class CorpusBuilderIT {
    @Test
    void tinyCorpusIsDeterministicAndWellFormed(@TempDir Path dir) throws Exception {
        assumeTrue(Processes.onPath("flite"), "flite not installed");
        CorpusBuilder.Settings a = new CorpusBuilder.Settings(dir.resolve("a"), 0.1, 1, List.of("flite_slt"), 80, 7, false);
        CorpusBuilder.Settings b = new CorpusBuilder.Settings(dir.resolve("b"), 0.1, 1, List.of("flite_slt"), 80, 7, false);
        List<CorpusBuilder.SpeakerSummary> sa = CorpusBuilder.build(a);
        CorpusBuilder.build(b);
        assertEquals(1, sa.size());
        CorpusBuilder.SpeakerSummary s = sa.get(0);
        assertEquals("ok", s.status());
        assertTrue(s.minutes() >= 0.1);
        assertTrue(s.f0().meanHz() > 120 && s.f0().meanHz() < 260, "slt is a female voice: " + s.f0().meanHz());
        List<String> meta = Files.readAllLines(dir.resolve("a/flite_slt/metadata.tsv"));
        assertEquals(s.utterances(), meta.size());
        assertEquals(meta, Files.readAllLines(dir.resolve("b/flite_slt/metadata.tsv")));
        for (String line : meta) {
            String id = line.split("\t")[0];
            byte[] wa = Files.readAllBytes(dir.resolve("a/flite_slt/" + id + ".wav"));
            assertArrayEquals(wa, Files.readAllBytes(dir.resolve("b/flite_slt/" + id + ".wav")), id);
            PcmAudio audio = WavIo.read(wa);
            assertEquals(32_000, audio.sampleRate());
            assertTrue(audio.durationSeconds() > 0.3);
        }
        assertTrue(Files.readString(dir.resolve("a/summary.md")).contains("| flite_slt | flite | slt | female |"));
        assertTrue(Files.isRegularFile(dir.resolve("a/summary.json")));
        assertTrue(Files.readString(dir.resolve("a/sentences.tsv")).startsWith("id\twritten\tspoken"));
    }
}
