package dev.voxpipe.core.fault;

import dev.voxpipe.core.config.VoxConfig;
import dev.voxpipe.core.messaging.DeadLetters;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Metrics;
import java.time.Duration;
import java.util.concurrent.Callable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Bounded retries with exponential backoff for transient faults ({@link Faults#isTransient}); a
 * content fault is rethrown at once, unchanged, for the stage to dead-letter. When the transient
 * fault outlasts {@code maxWait} the call throws {@link TransientFaultException}: the stage then
 * waits or rewinds, it never dead-letters. Counted in {@code voxpipe_transient_faults_total{stage,outcome}}
 * ({@code retried} per failed attempt, {@code exhausted} per give-up).
 *
 * <p>Settings ({@code voxpipe.retry.*}, env {@code VOXPIPE_RETRY_*}): {@code initial-backoff} (200 ms),
 * {@code max-backoff} (5 s), {@code max-wait} (60 s: the longest one call waits in place; kept well
 * below {@code max.poll.interval.ms}).
 */
public final class Retry {

    private static final Logger log = LoggerFactory.getLogger(Retry.class);

    /** How the retry waits; tests pass one that records instead of sleeping. */
    @FunctionalInterface
    public interface Sleeper {
        void sleep(Duration d) throws InterruptedException;
    }

    public record Policy(Duration initialBackoff, Duration maxBackoff, Duration maxWait) {
        public Policy {
            if (initialBackoff.isNegative() || maxBackoff.compareTo(initialBackoff) < 0 || maxWait.isNegative()) {
                throw new IllegalArgumentException("retry policy needs 0 <= initial-backoff <= max-backoff and max-wait >= 0");
            }
        }

        public static Policy defaults() {
            return new Policy(Duration.ofMillis(200), Duration.ofSeconds(5), Duration.ofSeconds(60));
        }

        public static Policy from(VoxConfig config) {
            Policy d = defaults();
            return new Policy(config.getDuration("voxpipe.retry.initial-backoff", d.initialBackoff()),
                    config.getDuration("voxpipe.retry.max-backoff", d.maxBackoff()),
                    config.getDuration("voxpipe.retry.max-wait", d.maxWait()));
        }

        /** The backoff before attempt {@code attempt + 1} (attempt counts from 1). */
        public Duration backoff(int attempt) {
            long ms = initialBackoff.toMillis() << Math.min(20, Math.max(0, attempt - 1));
            return Duration.ofMillis(Math.min(maxBackoff.toMillis(), ms));
        }
    }

    private final String stage;
    private final Policy policy;
    private final MeterRegistry metrics;
    private final Sleeper sleeper;

    public Retry(String stage, Policy policy, MeterRegistry metrics, Sleeper sleeper) {
        this.stage = stage;
        this.policy = policy;
        this.metrics = metrics == null ? Metrics.globalRegistry : metrics;
        this.sleeper = sleeper;
    }

    public Retry(String stage, Policy policy, MeterRegistry metrics) {
        this(stage, policy, metrics, d -> Thread.sleep(d.toMillis()));
    }

    public Policy policy() {
        return policy;
    }

    /**
     * Runs {@code body}; retries it while it fails transiently, for at most {@code maxWait}. A content
     * fault is rethrown as is; a transient fault that lasts becomes {@link TransientFaultException}
     * naming {@code what}.
     */
    public <T> T call(String what, Callable<T> body) throws Exception {
        long deadline = System.nanoTime() + policy.maxWait().toNanos();
        for (int attempt = 1; ; attempt++) {
            try {
                return body.call();
            } catch (TransientFaultException e) {
                throw e; // an inner retry already waited its budget
            } catch (Exception e) {
                if (!Faults.isTransient(e)) throw e;
                Duration backoff = policy.backoff(attempt);
                if (System.nanoTime() + backoff.toNanos() > deadline) {
                    metrics.counter("voxpipe_transient_faults_total", "stage", stage, "outcome", "exhausted").increment();
                    throw new TransientFaultException(stage + ": " + what + " failed transiently for "
                            + policy.maxWait().toMillis() + " ms (" + attempt + " attempts): " + DeadLetters.reason(e), e);
                }
                metrics.counter("voxpipe_transient_faults_total", "stage", stage, "outcome", "retried").increment();
                if (attempt == 1 || attempt % 10 == 0) {
                    log.warn("{}: {} failed transiently (attempt {}), retrying in {} ms: {}", stage, what, attempt,
                            backoff.toMillis(), DeadLetters.reason(e));
                }
                try {
                    sleeper.sleep(backoff);
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                    throw new TransientFaultException(stage + ": interrupted while waiting to retry " + what, e);
                }
            }
        }
    }

    /**
     * {@link #call} for a blob-store call: any I/O error but a missing blob counts as the store's
     * (transient), see {@link Faults#storeFault}.
     */
    public <T> T store(String what, Callable<T> body) throws Exception {
        return call(what, () -> {
            try {
                return body.call();
            } catch (java.io.IOException e) {
                throw Faults.storeFault(e);
            }
        });
    }

    /** {@link #call} for a body without a result. */
    public void run(String what, ThrowingRunnable body) throws Exception {
        call(what, () -> {
            body.run();
            return null;
        });
    }

    @FunctionalInterface
    public interface ThrowingRunnable {
        void run() throws Exception;
    }
}
