package dev.voxpipe.ingest.api;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class IdsTest {

    @Test
    void idsSortByTimeAndArePlausible() throws InterruptedException {
        String a = Ids.next("voice");
        Thread.sleep(2);
        String b = Ids.next("voice");
        assertTrue(a.compareTo(b) < 0, a + " then " + b);
        assertNotEquals(a.substring(16), b.substring(16));
        assertTrue(Ids.plausible(a));
        assertFalse(Ids.plausible("voice_../../etc"));
        assertFalse(Ids.plausible("voice_ABC"));
        assertFalse(Ids.plausible(null));
    }
}
