package dev.voxpipe.corpus;

import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The corpus builders' per-speaker jobs: one speaker failing is logged and does not stop the others. */
final class SpeakerJobs {
    private static final Logger LOG = LoggerFactory.getLogger(SpeakerJobs.class);

    private SpeakerJobs() {
    }

    /** Shuts the pool down and waits for every job; a failed job is logged with its cause. */
    static void awaitAll(ExecutorService pool, List<? extends Future<?>> jobs) {
        pool.shutdown();
        for (Future<?> job : jobs) {
            try {
                job.get();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (Exception e) {
                LOG.error("speaker failed", e);
            }
        }
    }
}
