package dev.voxpipe.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
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

    /** The reason open vocabulary is the headline: grammar mode "recognises" a sentence in audio that says nothing. */
    @Test
    void openVocabularyTellsSpeechFromNoiseWhereGrammarModeCannot(@TempDir Path dir) throws Exception {
        assumeTrue(Pocketsphinx.available() && Processes.onPath("flite"), "pocketsphinx or flite not installed");
        List<String> sentences = List.of("the conference is now locked", "thank you for calling goodbye");
        Path wav = dir.resolve("s.wav");
        Processes.run(List.of("flite", "-voice", "kal16", "-t", sentences.get(0), "-o", wav.toString()), dir, 60);
        PcmAudio speech = WavIo.read(wav);
        float[] hum = new float[speech.length()];
        java.util.Random random = new java.util.Random(3);
        for (int i = 0; i < hum.length; i++) {
            hum[i] = (float) (0.2 * Math.sin(2 * Math.PI * 120 * i / speech.sampleRate()) + 0.02 * random.nextGaussian());
        }
        PcmAudio noise = new PcmAudio(hum, speech.sampleRate());
        EvaluationHarness harness = EvaluationHarness.defaults();
        EvaluationReport.Summary open = harness.evaluate("noise", List.of(
                new EvaluationHarness.Item("n", noise, speech, sentences.get(0))), EvaluationHarness.WerMode.OPEN).summary();
        assertTrue(open.wer() >= 0.8, "open vocabulary: a hum is not the sentence, WER " + open.wer());
        assertTrue(open.referenceWer() <= 0.4, "open vocabulary: the clean voice is mostly recognised, WER " + open.referenceWer());
        assertTrue(open.wer() - open.referenceWer() >= 0.5, "speech and hum are told apart");
        List<String> grammar = Pocketsphinx.defaults().recognize(List.of(noise), sentences, dir.resolve("g"));
        System.out.println("grammar mode on a hum: \"" + grammar.get(0) + "\"; open-vocabulary WER " + open.wer());
    }
}
