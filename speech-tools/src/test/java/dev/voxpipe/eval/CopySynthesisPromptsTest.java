package dev.voxpipe.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.Test;

import dev.voxpipe.corpus.RealSpeakerLoader.RealUtterance;
import dev.voxpipe.eval.CopySynthesisPrompts.PoolClip;

class CopySynthesisPromptsTest {

    private static RealUtterance utterance(String id, String text, boolean fragment) {
        return new RealUtterance(id, text, text, fragment, Path.of(id + ".g722"), 3.0);
    }

    @Test
    void takesTheProtocolsPromptsUpToTwentySecondsEachSentenceOnceAndSplitsThemAtTheTrainingClips() {
        List<PoolClip> pool = List.of(
                new PoolClip("a", "Please hold while I try that extension.", 2.5),     // seen
                new PoolClip("b", "Goodbye.", 1.6),                                    // one word: not a prompt
                new PoolClip("c", "Press one to record your message, two to listen, three to leave.", 12.0), // seen: long is fine
                new PoolClip("d", "Press one, then...", 2.0),                          // a fragment
                new PoolClip("e", "Your call is important to us.", 1.4),               // under 1.5 s of recording
                new PoolClip("f", "please hold while i try that extension", 2.4),      // a's sentence again
                new PoolClip("g", "That is not a valid password.", 2.0),               // a test sentence
                new PoolClip("h", "The number you have dialed is not in service.", 21.0), // over 20 s
                new PoolClip("i", "Press seven to delete this message.", 2.2));        // unseen
        Map<String, RealUtterance> utterances = new java.util.HashMap<>();
        for (PoolClip c : pool) utterances.put(c.id(), utterance(c.id(), c.text(), c.text().endsWith("...")));
        var sets = CopySynthesisPrompts.select(pool, utterances,
                Set.of(EvaluationProtocol.sentence("That is not a valid password.")), 6);
        assertEquals(List.of("a", "c"), sets.get("seen").stream().map(PoolClip::id).toList());
        assertEquals(List.of("i"), sets.get("unseen").stream().map(PoolClip::id).toList());
    }
}
