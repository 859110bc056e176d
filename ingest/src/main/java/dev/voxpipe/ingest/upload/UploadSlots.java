package dev.voxpipe.ingest.upload;

import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Concurrent uploads, counted per API key and overall. Every upload holds a blob worker thread
 * for as long as its body streams, so without these limits one key's stalled uploads could take
 * every thread, and every tenant's uploads and downloads would wait (the attack of issue 18).
 * The overall limit is below the number of blob threads, so downloads always have some.
 */
public final class UploadSlots {

    /** Why an upload was not given a slot. */
    public enum Refusal {
        /** This key already has its share of uploads in flight. */
        PER_KEY,
        /** The instance has every upload slot in use. */
        SATURATED
    }

    /** A held slot; {@link #release} is idempotent, so every path that ends an upload may call it. */
    public final class Slot {
        private final String key;
        private final AtomicBoolean released = new AtomicBoolean();

        private Slot(String key) {
            this.key = key;
        }

        public void release() {
            if (!released.compareAndSet(false, true)) return;
            total.decrementAndGet();
            decrement(key);
        }
    }

    private final int maxPerKey;
    private final int maxTotal;
    private final AtomicInteger total = new AtomicInteger();
    /** Per-key counts, changed only inside {@code compute} so that a count and its removal are atomic. */
    private final ConcurrentMap<String, Integer> perKey = new ConcurrentHashMap<>();

    public UploadSlots(int maxPerKey, int maxTotal) {
        this.maxPerKey = maxPerKey;
        this.maxTotal = maxTotal;
    }

    /** A slot for {@code key}, or empty with the reason in {@code refusal[0]}. */
    public Optional<Slot> tryAcquire(String key, Refusal[] refusal) {
        boolean[] granted = {false};
        perKey.compute(key, (k, n) -> {
            int held = n == null ? 0 : n;
            if (held >= maxPerKey) return n;
            granted[0] = true;
            return held + 1;
        });
        if (!granted[0]) {
            refusal[0] = Refusal.PER_KEY;
            return Optional.empty();
        }
        if (total.incrementAndGet() > maxTotal) {
            total.decrementAndGet();
            decrement(key);
            refusal[0] = Refusal.SATURATED;
            return Optional.empty();
        }
        return Optional.of(new Slot(key));
    }

    private void decrement(String key) {
        perKey.compute(key, (k, n) -> n == null || n <= 1 ? null : n - 1);
    }

    public int inFlight() {
        return total.get();
    }

    public int capacity() {
        return maxTotal;
    }

    public int perKeyLimit() {
        return maxPerKey;
    }

    /** Every slot is taken: new uploads are refused until one ends. Readiness reports it. */
    public boolean saturated() {
        return total.get() >= maxTotal;
    }

    /** Keys with uploads in flight; bounded by the number of slots. */
    public int keysInFlight() {
        return perKey.size();
    }
}
