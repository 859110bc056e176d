package dev.voxpipe.model.bench;

import java.util.Arrays;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import ai.djl.ndarray.NDManager;

/**
 * A thread that allocates native memory (NDArrays of 4 bytes to 1 MB), fills it with NaN and frees it, over and over,
 * until closed: code that reads memory already freed meanwhile reads NaN instead of the stale values that made such
 * reads look harmless.
 */
public final class AllocationChurn implements AutoCloseable {
    private final AtomicBoolean done = new AtomicBoolean();
    private final AtomicInteger rounds = new AtomicInteger();
    private final Thread thread;

    private AllocationChurn(int gcEveryRounds) {
        thread = new Thread(() -> {
            while (!done.get()) {
                round();
                if (gcEveryRounds > 0 && rounds.incrementAndGet() % gcEveryRounds == 0) System.gc();
                else if (gcEveryRounds <= 0) rounds.incrementAndGet();
            }
        }, "allocation-churn");
        thread.start();
    }

    /** Starts the thread; {@code gcEveryRounds} > 0 also asks for a collection that often, so direct buffers are freed. */
    public static AllocationChurn start(int gcEveryRounds) {
        return new AllocationChurn(gcEveryRounds);
    }

    /** One round of allocations, on the calling thread. */
    public static void round() {
        try (NDManager m = NDManager.newBaseManager()) {
            for (int size = 1; size <= 1 << 18; size *= 4) {
                float[] nan = new float[size];
                Arrays.fill(nan, Float.NaN);
                m.create(nan).add(1f).close();
            }
        }
    }

    /**
     * Twenty arrays of NaN of up to 80 kB, on the calling thread: under malloc's mmap threshold, so their memory goes
     * back to the free lists that the next allocations draw from (the larger ones of {@link #round} are unmapped).
     */
    public static void smallRound(java.util.Random rng) {
        try (NDManager m = NDManager.newBaseManager()) {
            for (int k = 0; k < 20; k++) {
                m.full(new ai.djl.ndarray.types.Shape(1 + rng.nextInt(20000)), Float.NaN).add(1f);
            }
        }
    }

    public int rounds() {
        return rounds.get();
    }

    @Override
    public void close() throws InterruptedException {
        done.set(true);
        thread.join();
    }
}
