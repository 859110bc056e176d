package dev.voxpipe.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.Test;

class PromptOverlapTest {
    private final PromptOverlap overlap = new PromptOverlap(List.of(
            "Please enter your account number, followed by the pound key.", "Goodbye."));

    @Test
    void aSharedFourWordSequenceIsAnOverlapWhateverTheCaseAndPunctuation() {
        assertTrue(overlap.overlap("Enter the room number FOLLOWED by THE pound... key now").isPresent());
        assertTrue(overlap.overlap("enter the mailbox, followed by the pound key").get().contains("followed by the pound"));
    }

    @Test
    void identicalOrContainedPromptsOverlapEvenWhenShorterThanFourWords() {
        assertTrue(overlap.overlap("goodbye").isPresent());
        assertTrue(overlap.overlap("your account number").isPresent());
    }

    @Test
    void threeSharedWordsInARowAreAllowed() {
        assertEquals(java.util.Optional.empty(), overlap.overlap("Followed by the operator, your call is connected."));
        assertEquals(java.util.Optional.empty(), overlap.overlap("The pound key is not needed here."));
    }
}
