package dev.voxpipe.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.Test;

import dev.voxpipe.corpus.RealCorpusBuilder.Recording;

class RepeatedTakesTest {

    private static Recording take(String name, String text) {
        return new Recording(name, text, () -> {
            throw new AssertionError("pairs() must not load audio");
        });
    }

    @Test
    void pairsEveryTwoRecordingsOfTheSameWordsWhateverTheirCaseAndPunctuation() {
        List<RepeatedTakes.Pair> pairs = RepeatedTakes.pairs(List.of(
                take("minutes", "minutes"), take("invalid", "I am sorry, that's not valid."),
                take("queue-minutes", "Minutes."), take("seconds", "seconds"),
                take("pbx-invalid", "i am sorry that's not valid"), take("vm-minutes", "minutes")));
        assertEquals(List.of("minutes~queue-minutes", "minutes~vm-minutes", "queue-minutes~vm-minutes", "invalid~pbx-invalid"),
                pairs.stream().map(p -> p.first().name() + "~" + p.second().name()).toList());
    }

    @Test
    void aRecordingFiledTwiceIsToldApartFromASecondTake() {
        assertTrue(RepeatedTakes.sameRecording(item(0.37, 0.0)), "re-encoded copy of one take");
        assertFalse(RepeatedTakes.sameRecording(item(1.81, 50.0)), "two takes");
        assertFalse(RepeatedTakes.sameRecording(item(0.9, 120.0)), "close spectra, different melody");
    }

    private static EvaluationReport.ItemResult item(double mcd, double cents) {
        return new EvaluationReport.ItemResult("a ~ b", "words", mcd, 1.0, cents, 0.0, 10, 10, 200.0, 200.0, 1, 1,
                null, null, null, null, null);
    }
}
