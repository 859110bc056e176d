package dev.voxpipe.core.worker;

/**
 * A consumer's poll loop: {@link #run} polls until {@link #close} is called (from another thread),
 * then closes its clients and returns.
 */
public interface PollLoop extends Runnable, AutoCloseable {

    /** True once the loop polls: the worker is ready for work. */
    boolean polling();

    /** Asks the loop to stop; returns at once (the loop's thread finishes the stop). */
    @Override
    void close();
}
