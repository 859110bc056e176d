package dev.voxpipe.ingest.api;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class IdsTest {

    @Test
    void idsSortByTimeAndArePlausible() {
        String a = Ids.next("voice");
        // ids sort by their millisecond: take the second one in a later millisecond than the first
        long first = System.currentTimeMillis();
        while (System.currentTimeMillis() <= first) Thread.onSpinWait();
        String b = Ids.next("voice");
        assertTrue(a.compareTo(b) < 0, a + " then " + b);
        assertNotEquals(a.substring(16), b.substring(16));
        assertTrue(Ids.plausible(a));
        assertFalse(Ids.plausible("voice_../../etc"));
        assertFalse(Ids.plausible("voice_ABC"));
        assertFalse(Ids.plausible(null));
    }
}
