package dev.voxpipe.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.Test;

import dev.voxpipe.corpus.RealSpeakerLoader;
import dev.voxpipe.corpus.RealSpeakerLoader.RealUtterance;

class EvaluationProtocolTest {
    private static final String[] WORDS = ("alpha bravo charlie delta echo foxtrot golf hotel india juliet kilo lima mike "
            + "november oscar papa quebec romeo sierra tango uniform victor whiskey xray yankee zulu").split(" ");

    /** 200 prompts of distinct words; every tenth repeats "please hold the line" (a phrase few-shot prompts use too). */
    static List<RealUtterance> pool() {
        List<RealUtterance> all = new ArrayList<>();
        for (int k = 0; k < 200; k++) {
            String text = WORDS[k % 26] + " " + WORDS[(k / 26) % 26] + " " + WORDS[(k * 7 + 3) % 26] + " number " + k
                    + (k % 10 == 0 ? " please hold the line" : "");
            all.add(new RealUtterance("p" + k, text, text, false, Path.of("p" + k + ".g722"), 2 + (k % 5)));
        }
        return all;
    }

    @Test
    void validationAndTestNeverOverlapTheFewShotTranscripts() {
        List<RealUtterance> all = pool();
        EvaluationProtocol.Splits s = EvaluationProtocol.split(all, 60, 30);
        assertTrue(s.fewShot().stream().anyMatch(u -> u.text().contains("please hold the line")),
                "the fixture makes some few-shot prompts share the phrase");
        PromptOverlap overlap = new PromptOverlap(s.fewShot().stream().map(RealUtterance::text).toList());
        for (RealUtterance u : concat(s.validation(), s.test())) {
            assertFalse(overlap.overlap(u.text()).isPresent(), u.name() + " overlaps: " + u.text());
        }
        assertFalse(s.refusedForOverlap().isEmpty(), "held-out prompts with the shared phrase were refused");
        assertEquals(30, s.test().size());
        assertEquals(30, s.validation().size());
    }

    @Test
    void theSplitsAreDisjointAndCoverEveryUtterance() {
        List<RealUtterance> all = pool();
        EvaluationProtocol.Splits s = EvaluationProtocol.split(all, 60, 30);
        Set<String> seen = new HashSet<>();
        for (RealUtterance u : concat(s.fewShot(), s.validation(), s.test(), s.pretrainingPool())) {
            assertTrue(seen.add(u.name()), u.name() + " is in two splits");
        }
        assertEquals(all.size(), seen.size());
        assertEquals(s.test(), EvaluationProtocol.split(List.copyOf(all.reversed()), 60, 30).test(), "independent of order");
    }

    @Test
    void testPromptsSpreadOverThePool() {
        EvaluationProtocol.Splits s = EvaluationProtocol.split(pool(), 60, 30);
        int low = (int) s.test().stream().filter(u -> Integer.parseInt(u.name().substring(1)) < 100).count();
        assertTrue(low >= 8 && low <= 22, "test prompts come from both halves of the pool, " + low + " of 30 from the first");
    }

    /** The shipped protocol on the real speaker: at least 30 test prompts and no overlap with her few-shot text. */
    @Test
    void theRealSpeakersTestSplitIsHonest() throws Exception {
        assumeTrue(RealSpeakerLoader.soundsInstalled(), "asterisk-core-sounds-en-g722 is not installed");
        EvaluationProtocol.Splits s = EvaluationProtocol.split(RealSpeakerLoader.defaults().utterances(), 60,
                EvaluationProtocol.DEFAULT_PROMPTS);
        assertTrue(s.test().size() >= 30, "test prompts: " + s.test().size());
        assertTrue(s.validation().size() >= 30, "validation prompts: " + s.validation().size());
        PromptOverlap overlap = new PromptOverlap(s.fewShot().stream().map(RealUtterance::text).toList());
        for (RealUtterance u : concat(s.validation(), s.test())) {
            assertFalse(overlap.overlap(u.text()).isPresent(), u.name() + " overlaps: " + u.text());
            assertTrue(u.estimatedSeconds() >= 1.5 && u.estimatedSeconds() <= 8, u.name() + " " + u.estimatedSeconds());
        }
    }

    @SafeVarargs
    static List<RealUtterance> concat(List<RealUtterance>... lists) {
        List<RealUtterance> out = new ArrayList<>();
        for (List<RealUtterance> l : lists) out.addAll(l);
        return out;
    }
}
