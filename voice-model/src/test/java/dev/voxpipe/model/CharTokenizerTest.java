package dev.voxpipe.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class CharTokenizerTest {

    @Test
    void readsTextThroughTheSharedFrontend() {
        String spoken = CharTokenizer.normalise("Dr. Smith paid $12.50 for 3 tickets.");
        assertTrue(spoken.contains("doctor smith"), spoken);
        assertTrue(spoken.contains("twelve dollars"), spoken);
        assertTrue(spoken.contains("three tickets"), spoken);
        assertTrue(spoken.chars().noneMatch(Character::isDigit), spoken);
    }

    @Test
    void interleavesBlanksAndNeverReturnsNothing() {
        int[] ids = CharTokenizer.encode("Hi.");
        assertEquals(2 * "hi.".length() + 1, ids.length);
        assertEquals(CharTokenizer.BLANK, ids[0]);
        assertEquals(3, CharTokenizer.encode("\u0000\u0001 🙂").length, "unspeakable input becomes one pause");
    }
}
