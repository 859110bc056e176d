package dev.voxpipe.synth.bench;

import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import dev.voxpipe.core.worker.ResidentMemory;
import org.junit.jupiter.api.Test;

/**
 * {@link SynthNativeMemorySoakIT}'s rounds with a deliberate native leak of
 * {@link SynthNativeMemorySoakIT#LEAK_PER_ROUND} a round: the soak's check must catch it, so the soak is known to be
 * able to fail. A class of its own, so a JVM of its own (the failsafe configuration forks one per class): the memory
 * it frees at the end must not be in the clean soak's process.
 */
class SynthNativeMemoryLeakTwinIT extends SynthSoakBase {

    @Test
    void theSoakCatchesANativeLeak() throws Exception {
        try (NDManager leaked = NDManager.newBaseManager()) {
            ResidentMemory.Trend trend = SynthNativeMemorySoakIT.soak(runtime, dir, leaked);
            long growth = trend.lastingGrowth(SynthNativeMemorySoakIT.WINDOW);
            System.out.printf("synthesis soak with a %d MiB leak a round: RSS %s, growth %d MiB%n",
                    SynthNativeMemorySoakIT.LEAK_PER_ROUND >> 20, trend.describeMiB(), growth >> 20);
            assertTrue(growth >= SynthNativeMemorySoakIT.BOUND, "a leak of " + (SynthNativeMemorySoakIT.LEAK_PER_ROUND >> 20)
                    + " MiB a round went unseen: growth " + (growth >> 20) + " MiB, " + trend.describeMiB());
        }
    }
}
