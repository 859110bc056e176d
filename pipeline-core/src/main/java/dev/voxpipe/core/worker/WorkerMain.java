package dev.voxpipe.core.worker;

import dev.voxpipe.core.config.VoxConfig;
import dev.voxpipe.core.fault.Faults;
import dev.voxpipe.core.fault.Retry;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one {@code main} of every worker: configuration from the environment, the uncaught-exception
 * policy, start, a shutdown hook that closes the worker and then its context on SIGTERM, and an
 * exit status of 2 on bad configuration (the message names the setting), 1 when the worker fails to
 * start or stops by itself (so an orchestrator restarts it).
 */
public final class WorkerMain {

    private static final Logger log = LoggerFactory.getLogger(WorkerMain.class);

    /** Builds a worker from its context; may {@link WorkerContext#own own} extra resources (a model). */
    @FunctionalInterface
    public interface Starter {
        Worker start(WorkerContext context) throws Exception;
    }

    private WorkerMain() {}

    public static void run(String service, int defaultMetricsPort, Starter starter) {
        Thread.setDefaultUncaughtExceptionHandler(Workers.LOG_UNCAUGHT);
        WorkerContext opened;
        Worker worker;
        // the blob store (or another service the context opens) may be away: wait for it as the stages do, without end
        Retry.Policy startBackoff = new Retry.Policy(Duration.ofSeconds(1), Duration.ofSeconds(30), Duration.ZERO);
        for (int attempt = 1; ; attempt++) {
            try {
                opened = WorkerContext.standalone(VoxConfig.fromEnvironment(), service, defaultMetricsPort);
                break;
            } catch (RuntimeException e) {
                if (Faults.isTransient(e)) {
                    Duration pause = startBackoff.backoff(attempt);
                    log.warn("{}: cannot start yet, {}; retrying in {} ms", service, e.getMessage(), pause.toMillis());
                    try {
                        Thread.sleep(pause);
                    } catch (InterruptedException interrupted) {
                        Thread.currentThread().interrupt();
                        return;
                    }
                    continue;
                }
                log.error("{}: bad configuration: {}", service, e.getMessage()); // the message says which setting; no stack trace
                System.exit(2);
                return;
            }
        }
        WorkerContext context = opened;
        try {
            worker = starter.start(context);
        } catch (Exception e) {
            log.error("{} failed to start", service, e);
            context.close();
            System.exit(1);
            return;
        }
        AtomicBoolean shuttingDown = new AtomicBoolean();
        WorkerContext started = context; // assigned in the retry loop above, so not effectively final itself
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            shuttingDown.set(true);
            log.info("{} stopping", service);
            worker.close();
            started.close();
        }, service + "-shutdown"));
        try {
            worker.awaitStopped();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
        }
        if (!shuttingDown.get()) {
            log.error("{} stopped by itself; exiting with status 1", service);
            System.exit(1);
        }
    }
}
