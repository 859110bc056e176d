package dev.voxpipe.ingest.auth;

/** A token bucket: {@code burst} tokens at most, refilled at {@code ratePerSecond}. Thread-safe. */
public final class TokenBucket {

    private final double ratePerNano;
    private final double capacity;
    private double tokens;
    private long lastNanos;

    public TokenBucket(double ratePerSecond, int burst, long nowNanos) {
        this.ratePerNano = ratePerSecond / 1e9;
        this.capacity = Math.max(1, burst);
        this.tokens = capacity;
        this.lastNanos = nowNanos;
    }

    /** Takes one token; returns 0 when granted, else the nanoseconds until one is available. */
    public synchronized long tryTake(long nowNanos) {
        long elapsed = Math.max(0, nowNanos - lastNanos);
        tokens = Math.min(capacity, tokens + elapsed * ratePerNano);
        lastNanos = nowNanos;
        if (tokens >= 1) {
            tokens -= 1;
            return 0;
        }
        if (ratePerNano <= 0) return Long.MAX_VALUE;
        return (long) Math.ceil((1 - tokens) / ratePerNano);
    }
}
