package dev.voxpipe.feature.label;

import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The labelling pieces that need no recogniser: words, language model, edit alignment, CTM, thresholds. */
class LabelPiecesTest {

    @Test
    void transcriptWordsAreSpokenFormsThatRememberTheirWrittenToken() {
        TranscriptWords t = new TranscriptWords("Press 5, then pay $20.  Thanks!");
        assertEquals(List.of("press", "five", "then", "pay", "twenty", "dollars", "thanks"), t.words());
        assertEquals(4, t.writtenTokenOf(5)); // "dollars" comes from "$20."
        assertEquals("5, then pay $20.", t.writtenText(1, 4));
        assertNull(t.writtenText(2, 1));
    }

    @Test
    void aPauseTheWriterLeftUnmarkedBecomesACommaInTheClipText() {
        // one long take, typed without punctuation: "welcome to the directory i am sorry" with 0.6 s after "directory"
        TranscriptWords text = new TranscriptWords("welcome to the directory i am sorry that costs $20 now");
        String[] words = {"welcome", "to", "the", "directory", "i", "am", "sorry", "that", "costs", "twenty", "dollars", "now"};
        double[] starts = {0.0, 0.5, 0.7, 0.9, 2.1, 2.3, 2.5, 3.3, 3.5, 3.9, 4.8, 5.3};
        RecognizedWord[] heard = new RecognizedWord[words.length];
        for (int k = 0; k < words.length; k++) {
            double end = k + 1 < words.length ? Math.min(starts[k + 1], starts[k] + 0.4) : starts[k] + 0.4;
            heard[k] = new RecognizedWord(words[k], starts[k], end, 1.0);
        }
        heard[4] = new RecognizedWord("i", 1.7, 2.2, 1.0); // 1.3 -> 1.7: a 0.4 s pause after "directory"
        int[] clipOf = new int[words.length];
        var pauses = ForcedAligner.pausesAfter(text, 0, words.length - 1, clipOf, heard, 0.3);
        // "sorry" -> "that" is 0.4 s too; "twenty" -> "dollars" 0.5 s but inside the one written token "$20"; the rest 0.1-0.2 s
        assertEquals(java.util.Set.of(3, 6), pauses);
        assertEquals("welcome to the directory, i am sorry, that costs $20 now", text.writtenText(0, text.writtenTokens() - 1, pauses));
        // a word the recogniser missed, or a neighbour in another clip, gives no mark; 0 turns marks off
        heard[4] = null;
        assertEquals(java.util.Set.of(6), ForcedAligner.pausesAfter(text, 0, words.length - 1, clipOf, heard, 0.3));
        assertTrue(ForcedAligner.pausesAfter(text, 0, words.length - 1, clipOf, heard, 0).isEmpty());
        // punctuation the writer put is kept as it is, not doubled
        TranscriptWords punctuated = new TranscriptWords("Welcome to the directory. I am sorry");
        assertEquals("Welcome to the directory. I am sorry", punctuated.writtenText(0, 6, java.util.Set.of(3)));
    }

    @Test
    void theLanguageModelIsArpaWithEveryWordAndItsTrigrams() {
        String arpa = ArpaLanguageModel.of(List.of("press", "one", "press", "two"));
        assertTrue(arpa.startsWith("\\data\\\nngram 1=5\n"), arpa);
        assertTrue(arpa.contains("-99.00000 <s>"), arpa);
        assertTrue(arpa.contains(" press one\n") || arpa.contains(" press one "), arpa);
        assertTrue(arpa.contains(" <s> press one\n"), arpa);
        assertTrue(arpa.trim().endsWith("\\end\\"));
        for (String line : arpa.split("\n")) {
            if (line.isEmpty() || line.startsWith("\\") || line.startsWith("ngram")) continue;
            assertTrue(Double.parseDouble(line.split(" ")[0]) <= 0, "log10 probabilities are <= 0: " + line);
        }
        assertThrows(IllegalArgumentException.class, () -> ArpaLanguageModel.of(List.of()));
    }

    @Test
    void everyTranscriptWordIsAlignedWithTheWordHeardOrNone() {
        int[] m = ForcedAligner.align(List.of("a", "b", "c", "d"), List.of("a", "x", "c", "d", "e"));
        assertArrayEquals(new int[] {0, 1, 2, 3}, m); // b substituted by x, e inserted
        int[] gap = ForcedAligner.align(List.of("a", "b", "c"), List.of("a", "c"));
        assertArrayEquals(new int[] {0, -1, 1}, gap);
        assertArrayEquals(new int[] {-1, -1}, ForcedAligner.align(List.of("a", "b"), List.of()));
    }

    @Test
    void ctmLinesBecomeWordsPerClipWithoutFillers() {
        var words = Pocketsphinx.parseCtm(List.of(
                "c00000 1 0.35 0.20 press 0.950",
                "c00000 1 0.60 0.10 <sil> 1.000",
                "c00000 1 0.70 0.30 one(2) 0.400",
                "c00001 1 0.40 0.10 [NOISE] 0.9"), List.of("c00000", "c00001", "c00002"));
        assertEquals(3, words.size());
        assertEquals(List.of("press", "one"), words.get(0).stream().map(RecognizedWord::word).toList());
        assertEquals(0.05, words.get(0).get(0).start(), 1e-9); // padding removed
        assertEquals(0.4, words.get(0).get(1).confidence(), 1e-9);
        assertTrue(words.get(1).isEmpty());
        assertTrue(words.get(2).isEmpty());
    }

    @Test
    void recognisedTextBelowTheThresholdIsHeldBackWithTheReason() {
        List<RecognizedWord> sure = List.of(new RecognizedWord("press", 0, 0.3, 0.95), new RecognizedWord("one", 0.3, 0.6, 0.9));
        ClipLabel used = SpeechLabeller.label(sure, 0.85);
        assertEquals("press one", used.text());
        assertEquals(LabelSource.RECOGNISED, used.source());
        assertTrue(used.trainable());
        ClipLabel held = SpeechLabeller.label(List.of(new RecognizedWord("pound", 0, 0.3, 0.4)), 0.85);
        assertFalse(held.trainable());
        assertTrue(held.note().contains("below 0.85") && held.note().contains("English only"), held.note());
        assertNull(SpeechLabeller.label(List.of(), 0.85).text());
    }

    @Test
    void aMissingRecogniserIsAReasonNotACrash() {
        LabelSettings missing = new LabelSettings(true, true, "/nonexistent/pocketsphinx_batch", Path.of("/nonexistent"), 0.7, 0.4, 6, 0.6, 0.85, 0.3);
        assertTrue(missing.recogniser().unavailableReason().contains("not installed"));
        var e = assertThrows(LabellingUnavailableException.class,
                () -> new SpeechLabeller(missing).label(List.of(new float[16000]), 16000));
        assertTrue(e.getMessage().contains("pocketsphinx"), e.getMessage());
        var a = assertThrows(LabellingUnavailableException.class,
                () -> new ForcedAligner(missing).align("hello there", List.of(new float[16000]), 16000, 1.0));
        assertTrue(a.getMessage().startsWith("the transcript could not be aligned"), a.getMessage());
    }
}
