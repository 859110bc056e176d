package dev.voxpipe.trainer.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.voxpipe.schemas.TrainingProgress;
import dev.voxpipe.schemas.TrainingState;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/**
 * Issue 22: a RUNNING job is heard from at least every heartbeat interval while its worker lives,
 * whatever the job is doing; its final report, or the end of its run, ends the beat. A killed
 * worker's beat stops with it, which is what ingest reads as STALLED.
 */
class ProgressHeartbeatTest {

    private static final Duration INTERVAL = Duration.ofMillis(200);

    @Test
    void aSilentRunningJobIsRepublishedWithAFreshTimeUntilItsFinalReport() throws Exception {
        List<TrainingProgress> beats = new CopyOnWriteArrayList<>();
        try (ProgressHeartbeat heartbeat = new ProgressHeartbeat(INTERVAL, beats::add)) {
            TrainingProgress running = progress("job_1", TrainingState.RUNNING, 40, Instant.now().minusSeconds(30));
            heartbeat.published(running);
            await(() -> beats.size() >= 3);
            for (TrainingProgress beat : beats) {
                assertEquals("job_1", beat.getJobId());
                assertEquals(TrainingState.RUNNING, beat.getState());
                assertEquals(40, beat.getStep(), "the beat repeats the latest step and total");
                assertEquals(100, beat.getTotalSteps());
                assertTrue(beat.getEventTime().isAfter(running.getEventTime()), "with a fresh time");
            }

            heartbeat.published(progress("job_1", TrainingState.SUCCEEDED, 100, Instant.now()));
            assertEquals(0, heartbeat.jobs(), "a final report ends the beat");
            int afterFinal = beats.size();
            Thread.sleep(INTERVAL.toMillis() * 3);
            assertTrue(beats.size() <= afterFinal + 1, "at most a beat already under way, then none: " + beats.size());
        }
    }

    @Test
    void aBusyJobIsNotRepublishedAndAStoppedRunEndsTheBeat() throws Exception {
        List<TrainingProgress> beats = new CopyOnWriteArrayList<>();
        try (ProgressHeartbeat heartbeat = new ProgressHeartbeat(Duration.ofSeconds(30), beats::add)) {
            heartbeat.published(progress("job_2", TrainingState.RUNNING, 5, Instant.now()));
            Thread.sleep(300);
            assertEquals(0, beats.size(), "reported within the interval: nothing to repeat");
            heartbeat.stopped("job_2");
            assertEquals(0, heartbeat.jobs());
        }
    }

    private static TrainingProgress progress(String jobId, TrainingState state, int step, Instant at) {
        return TrainingProgress.newBuilder().setJobId(jobId).setTenantId("t").setVoiceId("voice_1").setEpoch(0).setState(state)
                .setStep(step).setTotalSteps(100).setWorkerId("trainer-1").setEventTime(at).build();
    }

    private static void await(java.util.function.BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) throw new AssertionError("timed out");
            Thread.sleep(20);
        }
    }
}
