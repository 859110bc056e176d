package dev.voxpipe.trainer.bench;

import dev.voxpipe.core.worker.ResidentMemory;
import dev.voxpipe.model.VoiceModelRuntime;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Issue 22: the trainer worker's resident memory against the batch size and the number of jobs run. Loads the shipped
 * base and runs {@code jobs} fine-tuning jobs one after the other ({@link TrainingRounds}); after each prints RSS (from
 * /proc), the heap in use after a GC and the JVM's thread count. {@code bench/trainer-memory/run.sh [jobs] [steps]
 * [utterances] [seconds] [microBatches]}; the batch is {@code BATCH_FRAMES} (-Dvoxpipe.fineTuneBatchFrames).
 */
public final class TrainerMemorySoak {

    public static void main(String[] args) throws Exception {
        int jobs = args.length > 0 ? Integer.parseInt(args[0]) : 4;
        int steps = args.length > 1 ? Integer.parseInt(args[1]) : 20;
        int utterances = args.length > 2 ? Integer.parseInt(args[2]) : 15;
        double seconds = args.length > 3 ? Double.parseDouble(args[3]) : 4.0;
        int micro = args.length > 4 ? Integer.parseInt(args[4]) : 1;
        System.out.printf("settings: jobs=%d steps=%d clips=%d x %.1f s, batch frames=%s, micro-batches=%d; torch threads=%s interop=%s "
                        + "OMP=%s MALLOC_ARENA_MAX=%s cores=%d; load %s%n", jobs, steps, utterances, seconds,
                System.getProperty("voxpipe.fineTuneBatchFrames", "2400 (default)"), micro,
                System.getProperty("ai.djl.pytorch.num_threads", "default"), System.getProperty("ai.djl.pytorch.num_interop_threads", "default"),
                System.getenv().getOrDefault("OMP_NUM_THREADS", "unset"), System.getenv().getOrDefault("MALLOC_ARENA_MAX", "unset"),
                Runtime.getRuntime().availableProcessors(), load());
        report("start (JVM only)");
        long peak = 0;
        try (VoiceModelRuntime runtime = VoiceModelRuntime.loadBase()) {
            report("base loaded");
            TrainingRounds rounds = new TrainingRounds(runtime, utterances, seconds, steps, micro);
            for (int job = 1; job <= jobs; job++) {
                long started = System.nanoTime();
                double loss = rounds.job(job).finalLoss();
                peak = Math.max(peak, report(String.format("job %d (%.0f s, loss %.3f)", job, (System.nanoTime() - started) / 1e9, loss)));
            }
        }
        System.out.printf("peak RSS after a job %d MiB; VmHWM (high-water mark) %d MiB; load %s%n", peak >> 20, highWaterMiB(), load());
        System.exit(0); // DJL's native threads are not daemons
    }

    private static long report(String when) {
        System.gc();
        Runtime rt = Runtime.getRuntime();
        long heapUsed = rt.totalMemory() - rt.freeMemory();
        long rss = ResidentMemory.bytes().orElse(0);
        System.out.printf("%-30s RSS %6d MiB  heap used %5d MiB (committed %5d)  non-heap-RSS %6d MiB  threads %d%n",
                when, rss >> 20, heapUsed >> 20, rt.totalMemory() >> 20, (rss - rt.totalMemory()) >> 20,
                ManagementFactory.getThreadMXBean().getThreadCount());
        return rss;
    }

    private static long highWaterMiB() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("VmHWM:")) return Long.parseLong(line.replaceAll("[^0-9]", "")) >> 10;
            }
        } catch (Exception e) {
            // not Linux
        }
        return -1;
    }

    static String load() {
        try {
            String[] f = Files.readString(Path.of("/proc/loadavg")).split(" ");
            return f[0] + " " + f[1] + " " + f[2];
        } catch (Exception e) {
            return "unknown";
        }
    }
}
