package dev.voxpipe.text;

import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/**
 * Complexity guard, not a speed goal: processing 4x the text must cost clearly less than the 16x a quadratic step
 * would. The bound (10x, best of several runs, after warm-up) is generous, and the time is the test thread's own
 * CPU time, so other jobs on a loaded machine (which stretched wall time to 16-21x here) cannot trip it.
 * Speed figures live in bench/text. It measures time, so it runs with the integration tests, not in the fast suite.
 */
class LinearTimeIT {
    private final TextFrontend fe = TextFrontend.english();

    @Test
    void fourTimesTheTextCostsAboutFourTimesAsMuch() {
        String small = HostileInputTest.randomText(24_000, 1);
        String large = HostileInputTest.randomText(96_000, 1);
        for (int k = 0; k < 3; k++) work(small); // warm-up (JIT, lexicon load)
        long tSmall = best(small);
        long tLarge = best(large);
        double ratio = (double) tLarge / tSmall;
        assertTrue(ratio < 10, "4x input took " + ratio + "x the time");
    }

    @Test
    void singleHugeParagraphAndHugeTokenAreLinearToo() {
        String small = "word ".repeat(8_000) + "9".repeat(8_000);
        String large = "word ".repeat(32_000) + "9".repeat(32_000);
        for (int k = 0; k < 3; k++) work(small);
        double ratio = (double) best(large) / best(small);
        assertTrue(ratio < 10, "4x input took " + ratio + "x the time");
    }

    private long best(String text) {
        long best = Long.MAX_VALUE;
        java.lang.management.ThreadMXBean threads = java.lang.management.ManagementFactory.getThreadMXBean();
        for (int k = 0; k < 5; k++) {
            long t0 = threads.getCurrentThreadCpuTime();
            work(text);
            best = Math.min(best, threads.getCurrentThreadCpuTime() - t0);
        }
        return best;
    }

    private void work(String text) {
        for (TextChunk c : fe.chunks(text, 200)) fe.phonemize(c.text());
    }
}
