package dev.voxpipe.core.worker;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;

/**
 * The process's resident memory (VmRSS from {@code /proc/self/status}): what a container limit counts, native
 * allocations (libtorch) included, which the JVM's heap figures leave out. Used by the native-memory soaks (issue 22).
 */
public final class ResidentMemory {

    private static final Path STATUS = Path.of("/proc/self/status");

    private ResidentMemory() {}

    /** VmRSS in bytes; empty where there is no {@code /proc} (not Linux). */
    public static OptionalLong bytes() {
        try {
            for (String line : Files.readAllLines(STATUS)) {
                if (line.startsWith("VmRSS:")) return OptionalLong.of(Long.parseLong(line.replaceAll("[^0-9]", "")) << 10);
            }
        } catch (IOException | RuntimeException e) {
            // not Linux
        }
        return OptionalLong.empty();
    }

    /** Whether {@link #bytes()} can be read here. */
    public static boolean available() {
        return bytes().isPresent();
    }

    /**
     * RSS samples taken after each round of a repeated workload, and the verdict on them. Growth is measured between
     * the median of the first and of the last {@code window} samples, so that one round's allocator spike (glibc
     * returns memory late) neither hides nor fakes a trend; a leak of {@code L} bytes a round over {@code n} rounds
     * shows as about {@code L * (n - window)}.
     */
    public static final class Trend {
        private final List<Long> samples = new ArrayList<>();

        /**
         * Takes a sample now (VmRSS) after a full collection. The collection frees unreachable direct buffers (DJL copies
         * every array through one; the JVM frees them only when their owners are collected, and a large heap may not
         * be collected for many jobs: +30 MiB a training job without it). The Java heap is part of the sample: a soak
         * runs its JVM with the heap committed and touched up front ({@code -Xms} = {@code -Xmx},
         * {@code -XX:+AlwaysPreTouch}), so that neither the collection nor the heap's growth moves it.
         */
        public long sample() {
            System.gc();
            long rss = bytes().orElseThrow(() -> new IllegalStateException("no /proc/self/status: RSS cannot be read here"));
            samples.add(rss);
            return rss;
        }

        /** A sample taken elsewhere (another process's RSS, a test's figures). */
        public void add(long rssBytes) {
            samples.add(rssBytes);
        }

        public List<Long> samples() {
            return List.copyOf(samples);
        }

        /** Median of the last {@code window} samples minus the median of the first {@code window}. */
        public long growth(int window) {
            return median(last(window)) - median(samples.subList(0, window));
        }

        /**
         * The least of the last {@code window} samples minus the median of the first {@code window}: what stayed. A
         * leak never gives memory back, so its last samples all sit high; the allocator's plateaus do come back down
         * (a clean-clone run's synthesis soak: [1992, 1995, 1995, 1990, 1997, 1997, 2047, 2052, 2052, 2045, 2003] MiB,
         * 50 MiB by {@link #growth}, 8 MiB by this; the same test alone stays within 40 KiB).
         */
        public long lastingGrowth(int window) {
            return last(window).stream().mapToLong(Long::longValue).min().orElseThrow() - median(samples.subList(0, window));
        }

        /** The last {@code window} samples, once there are two windows of them. */
        private List<Long> last(int window) {
            if (window < 1 || samples.size() < 2 * window) {
                throw new IllegalStateException("need at least " + 2 * window + " samples, have " + samples.size());
            }
            return samples.subList(samples.size() - window, samples.size());
        }

        /** The samples in MiB, for messages and reports. */
        public String describeMiB() {
            return samples.stream().map(b -> Long.toString(b >> 20)).toList().toString() + " MiB";
        }

        private static long median(List<Long> values) {
            List<Long> sorted = values.stream().sorted().toList();
            int n = sorted.size();
            return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
        }
    }
}
