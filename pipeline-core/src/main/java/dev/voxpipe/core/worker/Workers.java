package dev.voxpipe.core.worker;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The one uncaught-exception policy of VoxPipe's threads, and quiet closing. */
public final class Workers {

    private static final Logger log = LoggerFactory.getLogger(Workers.class);

    private Workers() {}

    /**
     * Threads that die of an unexpected exception are logged through SLF4J with their stack trace
     * (not printed to stderr); the worker owning the thread then reports itself not live, and a
     * worker process exits with status 1 so its orchestrator restarts it. Bad records never get
     * here: every stage turns them into dead letters.
     */
    public static final Thread.UncaughtExceptionHandler LOG_UNCAUGHT =
            (thread, error) -> log.error("thread {} died of an unexpected error", thread.getName(), error);

    /** A thread of the worker, with the uncaught-exception policy. */
    public static Thread thread(String name, Runnable body) {
        Thread thread = new Thread(body, name);
        thread.setUncaughtExceptionHandler(LOG_UNCAUGHT);
        return thread;
    }

    static void closeQuietly(String service, AutoCloseable resource) {
        try {
            resource.close();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            log.warn("{}: closing {} failed: {}", service, resource, e.toString());
        }
    }
}
