package dev.voxpipe.ingest.watchdog;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.voxpipe.schemas.SynthesisCompleted;
import dev.voxpipe.schemas.TrainingProgress;
import dev.voxpipe.schemas.TrainingState;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** Issue 17: the watchdog fails what stalls past its deadline and says why; it leaves alone what is fine or final. */
class StallWatchdogTest {

    private static final StallWatchdog.Settings S = new StallWatchdog.Settings(true, Duration.ofMinutes(1),
            Duration.ofHours(24), Duration.ofMinutes(60));
    private static final long T0 = Instant.parse("2026-01-01T00:00:00Z").toEpochMilli();
    private static final long MIN = 60_000;

    private static JsonObject job() {
        return new JsonObject().put("jobId", "job-1").put("tenantId", "t1").put("voiceId", "v1").put("epoch", 0)
                .put("requestedAt", Instant.ofEpochMilli(T0).toString());
    }

    private static JsonObject progress(String state, long at, int epoch) {
        return new JsonObject().put("state", state).put("epoch", epoch).put("step", 120).put("eventMillis", at);
    }

    @Test
    void aQueuedJobFailsOnlyAfterTheQueuedDeadline() {
        assertTrue(StallWatchdog.judgeJob(job(), null, T0 + 23 * 60 * MIN, S).isEmpty(), "a queue behind busy workers is no stall");
        TrainingProgress failed = StallWatchdog.judgeJob(job(), null, T0 + 25 * 60 * MIN, S).orElseThrow();
        assertEquals(TrainingState.FAILED, failed.getState());
        assertEquals("job-1", failed.getJobId());
        assertTrue(failed.getMessage().contains("no training worker took the job within 24 h")
                && failed.getMessage().contains(StallWatchdog.REASON_MARK), failed.getMessage());
    }

    @Test
    void aRunningJobWithoutProgressFailsAtItsEpochAfterTheStallDeadline() {
        JsonObject running = progress("RUNNING", T0 + 10 * MIN, 3);
        assertTrue(StallWatchdog.judgeJob(job(), running, T0 + 60 * MIN, S).isEmpty());
        TrainingProgress failed = StallWatchdog.judgeJob(job(), running, T0 + 71 * MIN, S).orElseThrow();
        assertEquals(3, failed.getEpoch(), "at the running worker's epoch, so the view takes it");
        assertEquals(120, failed.getStep());
        assertTrue(failed.getMessage().contains("no progress from the training worker for 60 min"), failed.getMessage());
    }

    @Test
    void heartbeatsWithoutAdvanceDoNotKeepAJobFromTheWatchdog() {
        // the worker lives (heard from a minute ago) but its step has not moved for 70 min
        JsonObject hung = progress("RUNNING", T0 + 70 * MIN, 1).put("progressedMillis", T0);
        TrainingProgress failed = StallWatchdog.judgeJob(job(), hung, T0 + 71 * MIN, S).orElseThrow();
        assertTrue(failed.getMessage().contains("no progress from the training worker"), failed.getMessage());
        JsonObject advancing = progress("RUNNING", T0 + 70 * MIN, 1).put("progressedMillis", T0 + 69 * MIN);
        assertTrue(StallWatchdog.judgeJob(job(), advancing, T0 + 71 * MIN, S).isEmpty());
    }

    @Test
    void aDeferredJobIsNoStallUntilItsWindowHasOpenedForTheStallDeadline() {
        JsonObject deferred = progress("DEFERRED", T0, 0).put("deferredUntil", Instant.ofEpochMilli(T0 + 600 * MIN).toString());
        assertTrue(StallWatchdog.judgeJob(job(), deferred, T0 + 650 * MIN, S).isEmpty(), "silent by design while it waits");
        assertTrue(StallWatchdog.judgeJob(job(), deferred, T0 + 671 * MIN, S).isPresent(), "but it must start once the window opens");
    }

    @Test
    void finalJobsAreLeftAlone() {
        assertTrue(StallWatchdog.judgeJob(job(), progress("SUCCEEDED", T0, 1), T0 + 1000 * 60 * MIN, S).isEmpty());
        assertTrue(StallWatchdog.judgeJob(job(), progress("FAILED", T0, 1), T0 + 1000 * 60 * MIN, S).isEmpty());
    }

    @Test
    void aSynthesisFailsWhenNoChunkCameOrItsChunksStopped() {
        JsonObject request = new JsonObject().put("requestId", "r1").put("tenantId", "t1").put("voiceId", "v1")
                .put("format", "FLAC").put("requestedMillis", T0);
        assertTrue(StallWatchdog.judgeSynthesis(request, null, null, T0 + 60 * MIN, S).isEmpty());
        SynthesisCompleted never = StallWatchdog.judgeSynthesis(request, null, null, T0 + 25 * 60 * MIN, S).orElseThrow();
        assertTrue(!never.getSucceeded() && never.getError().contains("no chunk was synthesised"), never.getError());
        assertEquals("FLAC", never.getFormat().name());

        JsonObject summary = new JsonObject().put("done", 7).put("total", 9).put("lastAt", T0 + 5 * MIN);
        assertTrue(StallWatchdog.judgeSynthesis(request, summary, null, T0 + 30 * MIN, S).isEmpty());
        SynthesisCompleted stalled = StallWatchdog.judgeSynthesis(request, summary, null, T0 + 66 * MIN, S).orElseThrow();
        assertTrue(stalled.getError().contains("7 of 9 done"), stalled.getError());
        assertEquals(9, stalled.getChunkCount());

        JsonObject done = new JsonObject().put("succeeded", true);
        assertTrue(StallWatchdog.judgeSynthesis(request, summary, done, T0 + 1000 * MIN, S).isEmpty(), "final: left alone");
    }
}
