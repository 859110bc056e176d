package dev.voxpipe.core.worker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import org.junit.jupiter.api.Test;

class ResidentMemoryTest {

    private static final long MIB = 1L << 20;

    @Test
    void growthComparesTheMediansOfTheFirstAndLastWindows() {
        ResidentMemory.Trend flat = trend(900, 940, 905, 910, 950, 905, 912, 908);
        assertEquals(3 * MIB, flat.growth(3), "a one-round spike in either window moves nothing: " + flat.describeMiB());
        ResidentMemory.Trend leaking = trend(900, 904, 908, 912, 916, 920, 924, 928);
        assertEquals(20 * MIB, leaking.growth(3), "4 MiB a round over the 5 rounds between the windows' middles");
    }

    @Test
    void lastingGrowthIgnoresAPlateauThatCameBackDownButNotALeak() {
        ResidentMemory.Trend plateau = trend(1992, 1995, 1995, 1990, 1997, 1997, 2047, 2052, 2052, 2045, 2003);
        assertEquals(50 * MIB, plateau.growth(3));
        assertEquals(8 * MIB, plateau.lastingGrowth(3), plateau.describeMiB());
        ResidentMemory.Trend leaking = trend(900, 904, 908, 912, 916, 920, 924, 928);
        assertEquals(16 * MIB, leaking.lastingGrowth(3), "a leak's last samples all sit high");
        assertThrows(IllegalStateException.class, () -> trend(900, 910, 920).lastingGrowth(2));
    }

    @Test
    void tooFewSamplesForTwoWindowsIsAnError() {
        assertThrows(IllegalStateException.class, () -> trend(900, 910, 920).growth(2));
        assertThrows(IllegalStateException.class, () -> trend(900, 910).growth(0));
    }

    @Test
    void readsThisProcessOnLinux() {
        assumeTrue(ResidentMemory.available(), "no /proc/self/status on this OS");
        long rss = ResidentMemory.bytes().orElseThrow();
        assertTrue(rss > 8 * MIB && rss < Runtime.getRuntime().maxMemory() + 4096 * MIB, "a JVM's RSS, not " + rss);
        ResidentMemory.Trend trend = new ResidentMemory.Trend();
        trend.sample();
        assertEquals(1, trend.samples().size());
    }

    private static ResidentMemory.Trend trend(long... mib) {
        ResidentMemory.Trend t = new ResidentMemory.Trend();
        for (long m : mib) t.add(m * MIB);
        return t;
    }
}
