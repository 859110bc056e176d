package dev.voxpipe.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.voxpipe.corpus.Processes;
import dev.voxpipe.dsp.PcmAudio;
import dev.voxpipe.dsp.WavIo;

/** Runs only where pocketsphinx and flite are installed (Debian packages); skipped otherwise. */
class PocketsphinxIT {
    @Test
    void recognisesCleanSynthesisInGrammarModeDeterministically(@TempDir Path dir) throws Exception {
        assumeTrue(Pocketsphinx.available() && Processes.onPath("flite"), "pocketsphinx or flite not installed");
        List<String> sentences = List.of("please enter your password followed by the pound key",
                "the conference is now locked", "thank you for calling goodbye");
        PcmAudio[] audio = new PcmAudio[sentences.size()];
        for (int k = 0; k < sentences.size(); k++) {
            Path txt = dir.resolve(k + ".txt");
            Path wav = dir.resolve(k + ".wav");
            Files.writeString(txt, sentences.get(k), StandardCharsets.UTF_8);
            Processes.run(List.of("flite", "-voice", "kal16", "-f", txt.toString(), "-o", wav.toString()), dir, 60);
            audio[k] = WavIo.read(wav);
        }
        Pocketsphinx ps = Pocketsphinx.defaults();
        List<String> first = ps.recognize(List.of(audio), sentences, dir.resolve("a"));
        List<String> second = ps.recognize(List.of(audio), sentences, dir.resolve("b"));
        assertEquals(sentences, first, "a clean voice in sentence-grammar mode is recognised exactly");
        assertEquals(first, second, "fixed dither seed: same hypotheses");
        // a word missing from the CMU dictionary gets a G2P pronunciation instead of failing the decoder
        List<String> oov = ps.recognize(List.of(audio[1]), List.of("the conference is now locked", "voxpipe zorblax"), dir.resolve("c"));
        assertEquals("the conference is now locked", oov.get(0));
    }
}
