package dev.voxpipe.core.worker;

/**
 * A started worker: a Kafka Streams topology ({@link StreamsWorker}), a poll loop
 * ({@link LoopWorker}) or a server. {@code live}: the process works (an orchestrator restarts it
 * otherwise); {@code ready}: it takes work. {@link #awaitStopped} returns once the worker has
 * stopped, whether closed or failed; {@link WorkerMain} exits with status 1 when it stopped by itself.
 */
public interface Worker extends AutoCloseable {

    boolean live();

    boolean ready();

    void awaitStopped() throws InterruptedException;

    /** Stops the worker and releases what it opened; idempotent. */
    @Override
    void close();
}
