package dev.voxpipe.text;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import org.junit.jupiter.api.Test;

class PhonemeInventoryTest {
    private final PhonemeInventory inventory = PhonemeInventory.standard();

    @Test
    void publishedIdsNeverChange() {
        // Pinned: trained models depend on these. If this fails, a line was inserted/removed in phonemes.txt.
        assertEquals(0, inventory.id("<pad>"));
        assertEquals(1, inventory.id("<unk>"));
        assertEquals(2, inventory.id("<bos>"));
        assertEquals(3, inventory.id("<eos>"));
        assertEquals(4, inventory.id("sp"));
        assertEquals(5, inventory.id("sil"));
        assertEquals(6, inventory.id("|"));
        assertEquals(7, inventory.id(","));
        assertEquals(8, inventory.id("."));
        assertEquals(9, inventory.id("?"));
        assertEquals(15, inventory.id("B"));
        assertEquals(39, inventory.id("AA0"));
        assertEquals(60, inventory.id("ER0"));
        assertEquals(84, inventory.id("b"));
        assertEquals(107, inventory.id("a1"));
        assertEquals(301, inventory.id("ng5"));
        assertEquals(302, inventory.size());
    }

    @Test
    void idsAndSymbolsRoundTrip() {
        assertEquals(inventory.size(), new HashSet<>(inventory.symbols()).size(), "symbols are unique");
        for (int id = 0; id < inventory.size(); id++) {
            assertEquals(id, inventory.id(inventory.symbol(id)));
        }
    }

    @Test
    void coversEnglishAndMandarin() {
        for (String s : "AH0 AH1 AH2 ER1 ZH NG HH zh ch sh ang4 van2 ve4 er2 i5".split(" ")) {
            assertTrue(inventory.contains(s), s);
        }
    }

    @Test
    void unknownSymbolsAreRejectedOrMappedToUnk() {
        assertThrows(IllegalArgumentException.class, () -> inventory.id("QQ"));
        assertThrows(IllegalArgumentException.class, () -> inventory.symbol(-1));
        assertThrows(IllegalArgumentException.class, () -> inventory.symbol(inventory.size()));
        assertEquals(inventory.id("<unk>"), inventory.idOrUnknown("QQ"));
    }
}
