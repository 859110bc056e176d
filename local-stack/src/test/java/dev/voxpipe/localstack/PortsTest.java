package dev.voxpipe.localstack;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.Test;

class PortsTest {

    @Test
    void aPortTheOsHandsOutTwiceIsNotChosenTwice() {
        // what happened in a clean-clone run: two picks in a row came back with the same port
        Iterator<Integer> os = List.of(44721, 44721, 44721, 39037).iterator();
        Set<Integer> taken = new HashSet<>();
        assertEquals(44721, Ports.pickFree(taken, os::next));
        assertEquals(39037, Ports.pickFree(taken, os::next), "the repeats are skipped");
        assertEquals(Set.of(44721, 39037), taken);
    }

    @Test
    void anOsThatOnlyRepeatsItselfIsAClearError() {
        Set<Integer> taken = new HashSet<>(Set.of(5000));
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> Ports.pickFree(taken, () -> 5000));
        assertTrue(e.getMessage().contains("already chosen"), e.getMessage());
    }

    @Test
    void realPicksAreDistinctAndFree() {
        Set<Integer> taken = new HashSet<>();
        for (int i = 0; i < 20; i++) {
            int port = Ports.pickFree(taken);
            assertTrue(Ports.isFree(port), "port " + port);
        }
        assertEquals(20, taken.size());
    }
}
