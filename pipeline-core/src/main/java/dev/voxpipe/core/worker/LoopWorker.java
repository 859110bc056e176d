package dev.voxpipe.core.worker;

import dev.voxpipe.core.metrics.MetricsServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A worker that is one poll loop on its own thread: the uncaught-exception policy, the metrics and
 * health server (live while the loop's thread runs, ready while it polls), and an ordered stop: the
 * loop first (it may wait for running work), then the resources it used, in the order given.
 */
public final class LoopWorker implements Worker {

    private static final Logger log = LoggerFactory.getLogger(LoopWorker.class);

    private final String service;
    private final PollLoop loop;
    private final Thread thread;
    private final Duration stopTimeout;
    private final List<AutoCloseable> closeAfterLoop;
    private final MetricsServer server;
    private final AtomicBoolean closed = new AtomicBoolean();

    private LoopWorker(WorkerContext context, String threadName, PollLoop loop, Duration stopTimeout,
                       List<AutoCloseable> closeAfterLoop) {
        this.service = context.service();
        this.loop = loop;
        this.thread = Workers.thread(threadName, loop);
        this.stopTimeout = stopTimeout;
        this.closeAfterLoop = closeAfterLoop;
        try {
            this.server = MetricsServer.start(context.metrics(), context.worker().metricsPort(), this::live, this::ready);
        } catch (IOException e) {
            throw new UncheckedIOException(service + ": cannot serve metrics on port " + context.worker().metricsPort(), e);
        }
    }

    /**
     * Runs {@code loop} on a thread named {@code threadName}. {@code stopTimeout} bounds how long
     * {@link #close} waits for the loop; {@code closeAfterLoop} are closed after it, in order.
     */
    public static LoopWorker start(WorkerContext context, String threadName, PollLoop loop, Duration stopTimeout,
                                   AutoCloseable... closeAfterLoop) {
        LoopWorker worker = new LoopWorker(context, threadName, loop, stopTimeout, List.of(closeAfterLoop));
        worker.thread.start();
        log.info("{} started, metrics on port {}", worker.service, worker.server.port() == 0 ? "-" : worker.server.port());
        return worker;
    }

    /** The port the metrics server listens on, or -1 when it serves none. */
    public int metricsPort() {
        return server.port() == 0 ? -1 : server.port();
    }

    @Override
    public boolean live() {
        return thread.isAlive();
    }

    @Override
    public boolean ready() {
        return thread.isAlive() && loop.polling();
    }

    @Override
    public void awaitStopped() throws InterruptedException {
        thread.join();
    }

    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) return;
        loop.close();
        try {
            thread.join(stopTimeout.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (thread.isAlive()) log.warn("{}: the poll loop did not stop within {}", service, stopTimeout);
        closeAfterLoop.forEach(resource -> Workers.closeQuietly(service, resource));
        server.close();
    }
}
