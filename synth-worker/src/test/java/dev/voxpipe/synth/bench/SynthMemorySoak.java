package dev.voxpipe.synth.bench;

import dev.voxpipe.core.worker.ResidentMemory;
import dev.voxpipe.model.VoiceModelRuntime;
import dev.voxpipe.synth.voice.VoiceCache;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Issue 22: the synth worker's resident memory against the voices it serves, over rounds. Loads the
 * shipped base, makes {@code voices} distinct voices, and each round synthesises {@code chunks}
 * chunks in each voice through the worker's own stages ({@link SynthRounds});
 * after every round prints RSS (from /proc), the heap in use after a GC, the cache's entries and bytes
 * and the JVM's thread count. Flat RSS over rounds, once every voice was seen, is what a soak must show.
 * {@code bench/synth-memory/run.sh [voices] [rounds] [chunks] [cacheMiB] [slice] [textChars]}: {@code slice} chunks
 * per model call ({@code voxpipe.synth.render-slice-chunks}; default all of a voice's chunks at once, as before).
 */
public final class SynthMemorySoak {

    public static void main(String[] args) throws Exception {
        int voices = args.length > 0 ? Integer.parseInt(args[0]) : 40;
        int roundCount = args.length > 1 ? Integer.parseInt(args[1]) : 4;
        int chunks = args.length > 2 ? Integer.parseInt(args[2]) : 2;
        long cacheBytes = (args.length > 3 ? Long.parseLong(args[3]) : 256) << 20;
        int slice = args.length > 4 ? Integer.parseInt(args[4]) : Integer.MAX_VALUE; // chunks per model call
        int textChars = args.length > 5 ? Integer.parseInt(args[5]) : 60; // about the audiobook's 400-character chunks at most
        Path dir = Files.createTempDirectory("synth-memory-soak");
        System.out.printf("settings: slice=%s textChars=%d; voices=%d rounds=%d chunks/voice/round=%d cache=%d MiB; torch threads=%s interop=%s OMP=%s MALLOC_ARENA_MAX=%s cores=%d%n",
                slice == Integer.MAX_VALUE ? "all" : Integer.toString(slice), textChars, voices, roundCount, chunks, cacheBytes >> 20, System.getProperty("ai.djl.pytorch.num_threads", "default"),
                System.getProperty("ai.djl.pytorch.num_interop_threads", "default"), System.getenv().getOrDefault("OMP_NUM_THREADS", "unset"),
                System.getenv().getOrDefault("MALLOC_ARENA_MAX", "unset"), Runtime.getRuntime().availableProcessors());
        report("start (JVM only)", null);
        try (VoiceModelRuntime runtime = VoiceModelRuntime.loadBase()) {
            report("base loaded", null);
            SynthRounds rounds = SynthRounds.create(runtime, dir, voices, chunks, cacheBytes, slice, textChars);
            report("voices made", rounds.cache());
            // -Dsoak.minutes=M: a soak, rounds until M minutes have passed (roundCount is then a ceiling)
            long deadline = System.nanoTime() + (long) (Double.parseDouble(System.getProperty("soak.minutes", "0")) * 60e9);
            boolean timed = System.getProperty("soak.minutes") != null;
            ResidentMemory.Trend trend = new ResidentMemory.Trend();
            long soakStart = System.nanoTime();
            int round = 0;
            while (round < roundCount && (!timed || System.nanoTime() < deadline)) {
                long started = System.nanoTime();
                rounds.round(++round);
                long rss = report(String.format("round %d (%.0f s)", round, (System.nanoTime() - started) / 1e9), rounds.cache());
                if (round > WARM_UP_ROUNDS) trend.add(rss);
            }
            if (trend.samples().size() >= 2 * WINDOW) {
                System.out.printf("soak: %d rounds in %.1f min; after %d warm-up rounds RSS %d -> %d MiB (min %d, max %d), growth %d MiB "
                                + "(median of the last %d rounds minus the first %d); load %s%n", round, (System.nanoTime() - soakStart) / 60e9,
                        WARM_UP_ROUNDS, trend.samples().get(0) >> 20, trend.samples().get(trend.samples().size() - 1) >> 20,
                        trend.samples().stream().mapToLong(Long::longValue).min().orElse(0) >> 20,
                        trend.samples().stream().mapToLong(Long::longValue).max().orElse(0) >> 20, trend.growth(WINDOW) >> 20,
                        WINDOW, WINDOW, load());
            }
        }
        System.exit(0); // DJL's native threads are not daemons
    }

    private static final int WARM_UP_ROUNDS = 3;
    private static final int WINDOW = 5;

    private static String load() {
        try {
            return String.join(" ", java.util.Arrays.copyOf(Files.readString(Path.of("/proc/loadavg")).split(" "), 3));
        } catch (java.io.IOException e) {
            return "unknown";
        }
    }

    private static long report(String when, VoiceCache cache) throws Exception {
        System.gc();
        Runtime rt = Runtime.getRuntime();
        long heapUsed = rt.totalMemory() - rt.freeMemory();
        long rss = ResidentMemory.bytes().orElse(0);
        System.out.printf("%-22s RSS %6d MiB  heap used %5d MiB (committed %5d)  non-heap-RSS %6d MiB  cache %3s voices %5s MiB  threads %d%n",
                when, rss >> 20, heapUsed >> 20, rt.totalMemory() >> 20, (rss - rt.totalMemory()) >> 20,
                cache == null ? "-" : Integer.toString(cache.size()), cache == null ? "-" : Long.toString(cache.sizeBytes() >> 20),
                ManagementFactory.getThreadMXBean().getThreadCount());
        return rss;
    }
}
