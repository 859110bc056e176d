package dev.voxpipe.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;

import org.junit.jupiter.api.Test;

class WordErrorRateTest {
    @Test
    void identicalIgnoringCaseAndPunctuation() {
        WordErrorRate.Counts c = WordErrorRate.compute("Hello, World!", "hello world");
        assertEquals(0, c.errors());
        assertEquals(2, c.referenceWords());
        assertEquals(0.0, c.wer());
    }

    @Test
    void countsSubstitutionsDeletionsInsertions() {
        WordErrorRate.Counts c = WordErrorRate.compute("the cat sat on the mat", "the bat sat on mat today");
        assertEquals(3, c.errors(), "cat->bat, and two more edits either way");
        assertEquals(0.5, c.wer(), 1e-12);
        WordErrorRate.Counts sub = WordErrorRate.compute("a b c", "a x c");
        assertEquals(1, sub.substitutions());
        WordErrorRate.Counts del = WordErrorRate.compute("a b c", "a c");
        assertEquals(1, del.deletions());
        assertEquals(0, del.substitutions());
        WordErrorRate.Counts ins = WordErrorRate.compute("a b", "a x b");
        assertEquals(1, ins.insertions());
        assertEquals(0.5, ins.wer(), 1e-12);
    }

    @Test
    void emptyHypothesisIsAllDeletions() {
        WordErrorRate.Counts c = WordErrorRate.compute("one two three", "");
        assertEquals(3, c.deletions());
        assertEquals(1.0, c.wer());
        assertEquals(0.0, WordErrorRate.compute("", "").wer());
        assertEquals(1.0, WordErrorRate.compute("", "noise").wer());
    }

    @Test
    void poolsCounts() {
        WordErrorRate.Counts a = WordErrorRate.compute("a b c d", "a b c d");
        WordErrorRate.Counts b = WordErrorRate.compute("e f", "e g");
        assertEquals(1.0 / 6, a.plus(b).wer(), 1e-12);
        assertEquals(List.of("doesn't", "o'clock", "it"), WordErrorRate.words("Doesn't O'Clock 'it'"));
    }
}
