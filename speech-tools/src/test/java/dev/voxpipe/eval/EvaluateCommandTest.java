package dev.voxpipe.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EvaluateCommandTest {
    @Test
    void metadataGivesTheTextAndNeverThePhonemesWhileSentencesGiveTheSpokenForm(@TempDir Path dir) throws Exception {
        Path realCorpus = dir.resolve("metadata.tsv");
        Files.writeString(realCorpus, "activated\tattivato.\tatːivˈato\nadded\taggiunto.\n", StandardCharsets.UTF_8);
        assertEquals(Map.of("activated", "attivato.", "added", "aggiunto."), EvaluateCommand.readMetadata(realCorpus));

        Path sentences = dir.resolve("sentences.tsv");
        Files.writeString(sentences, "id\twritten\tspoken\ns00001\tIt costs $5.\tit costs five dollars.\n", StandardCharsets.UTF_8);
        assertEquals(Map.of("s00001", "it costs five dollars."), EvaluateCommand.readMetadata(sentences));
    }
}
