package dev.voxpipe.trainer.job;

import dev.voxpipe.schemas.TrainingProgress;
import dev.voxpipe.schemas.TrainingState;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps a running job's worker heard from (issue 22): when a job published nothing for an
 * interval (gathering features, a long checkpoint, steps slower than the progress interval), its
 * latest RUNNING progress is published again with a fresh time. Ingest shows a RUNNING job whose
 * worker stayed silent past its heartbeat timeout as STALLED, so silence must mean a dead or cut-off
 * worker, never a busy one. One timer thread for every job of the worker.
 */
public final class ProgressHeartbeat implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(ProgressHeartbeat.class);

    private record Latest(TrainingProgress progress, long sentNanos) {}

    private final Duration interval;
    private final Consumer<TrainingProgress> publish;
    private final Map<String, Latest> running = new ConcurrentHashMap<>();
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "trainer-heartbeat");
        t.setDaemon(true);
        return t;
    });

    public ProgressHeartbeat(Duration interval, Consumer<TrainingProgress> publish) {
        if (interval.isNegative() || interval.isZero()) throw new IllegalArgumentException("the heartbeat interval must be positive");
        this.interval = interval;
        this.publish = publish;
        long tick = Math.max(50, interval.toMillis() / 4);
        timer.scheduleWithFixedDelay(this::beat, tick, tick, TimeUnit.MILLISECONDS);
    }

    /** A progress report of a job was published: RUNNING ones are repeated while the job stays silent; others end the beat. */
    public void published(TrainingProgress progress) {
        if (progress.getState() == TrainingState.RUNNING) running.put(progress.getJobId(), new Latest(progress, System.nanoTime()));
        else running.remove(progress.getJobId());
    }

    /** The job's run ended (whatever the outcome): no more beats for it. */
    public void stopped(String jobId) {
        running.remove(jobId);
    }

    /** Jobs being kept heard from (for tests). */
    public int jobs() {
        return running.size();
    }

    private void beat() {
        long now = System.nanoTime();
        running.forEach((jobId, latest) -> {
            if (now - latest.sentNanos() < interval.toNanos()) return;
            TrainingProgress again = TrainingProgress.newBuilder(latest.progress()).setEventTime(Instant.now()).build();
            try {
                publish.accept(again);
                // only if the job is still running: a final report published meanwhile ended the beat
                running.computeIfPresent(jobId, (id, l) -> l == latest ? new Latest(again, System.nanoTime()) : l);
            } catch (RuntimeException e) {
                log.warn("heartbeat of job {} not published: {}", jobId, e.toString());
            }
        });
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}
