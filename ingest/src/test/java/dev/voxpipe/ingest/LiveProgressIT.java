package dev.voxpipe.ingest;

import static dev.voxpipe.ingest.TestSupport.KEY_A;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.voxpipe.core.topics.Topics;
import dev.voxpipe.localstack.LocalStack;
import dev.voxpipe.localstack.LocalStackExtension;
import dev.voxpipe.schemas.TrainingProgress;
import dev.voxpipe.schemas.TrainingState;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Issue 22, live progress on the real broker: a training job whose worker stopped reporting
 * (killed: no heartbeat) is STALLED within the heartbeat timeout, with since when, and no longer
 * blocks a new request; a book's progress rises chunk by chunk from the synth worker's progress
 * signal, before any batch is committed, and its total shows as soon as it is split.
 */
@ExtendWith(LocalStackExtension.class)
class LiveProgressIT {

    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final Duration HEARTBEAT_TIMEOUT = Duration.ofSeconds(4);

    @Test
    void aJobWhoseWorkerStoppedHeartbeatingIsStalledWithinTheBoundAndBlocksNothing(LocalStack stack) throws Exception {
        Map<String, String> config = config(stack);
        try (IngestApp app = TestSupport.start(config);
             TestSupport.Upstream trainer = new TestSupport.Upstream(stack.bootstrapServers(), stack.registryUrl())) {
            TestSupport.Api api = new TestSupport.Api(app.port());
            String voiceId = api.createVoice(KEY_A, "Stalls");
            HttpResponse<String> queued = api.postJson("/v1/voices/" + voiceId + "/training", KEY_A, new JsonObject());
            assertEquals(202, queued.statusCode(), queued.body());
            String jobId = new JsonObject(queued.body()).getString("jobId");

            // the trainer takes the job and reports; while it reports, the job is RUNNING and blocks a second request
            trainer.send(Topics.TRAINING_PROGRESS, jobId, running(voiceId, jobId, Instant.now()));
            TestSupport.await("RUNNING", WAIT, () -> "RUNNING".equals(job(api, jobId).getString("state")));
            trainer.send(Topics.TRAINING_PROGRESS, jobId, running(voiceId, jobId, Instant.now()));
            HttpResponse<String> blocked = api.postJson("/v1/voices/" + voiceId + "/training", KEY_A, new JsonObject());
            assertEquals(409, blocked.statusCode(), blocked.body());
            assertEquals("training_in_progress", new JsonObject(blocked.body()).getString("error"));

            // the trainer is killed: its last report is the last word
            Instant lastReport = Instant.now().truncatedTo(ChronoUnit.MILLIS);
            trainer.send(Topics.TRAINING_PROGRESS, jobId, running(voiceId, jobId, lastReport));
            TestSupport.await("STALLED", WAIT, () -> "STALLED".equals(job(api, jobId).getString("state")));
            long stalledAfterMs = Duration.between(lastReport, Instant.now()).toMillis();
            assertTrue(stalledAfterMs >= HEARTBEAT_TIMEOUT.toMillis(), "not before the timeout: " + stalledAfterMs + " ms");
            assertTrue(stalledAfterMs < HEARTBEAT_TIMEOUT.toMillis() + WAIT.toMillis(), "within the bound: " + stalledAfterMs + " ms");
            JsonObject stalled = job(api, jobId);
            assertEquals(lastReport.toString(), stalled.getString("stalledSince"));
            assertEquals(40, stalled.getJsonObject("progress").getInteger("step"), "the last known step is kept");
            assertNull(stalled.getJsonObject("progress").getValue("etaSeconds"), "no ETA for a job nothing runs");
            assertTrue(!stalled.containsKey("workerId") && !stalled.getJsonObject("progress").containsKey("workerId"));

            // a stalled job blocks nothing: a new request is queued
            HttpResponse<String> again = api.postJson("/v1/voices/" + voiceId + "/training", KEY_A, new JsonObject());
            assertEquals(202, again.statusCode(), again.body());

            // a worker that takes the job up again makes it RUNNING again
            trainer.send(Topics.TRAINING_PROGRESS, jobId, running(voiceId, jobId, Instant.now()));
            TestSupport.await("RUNNING again", WAIT, () -> "RUNNING".equals(job(api, jobId).getString("state")));
        }
    }

    static Map<String, String> config(LocalStack stack) throws Exception {
        Map<String, String> config = TestSupport.config(stack.bootstrapServers(), stack.registryUrl(),
                Files.createTempDirectory("ingest-live-progress-it"), "ingest-live-progress-it");
        config.put("voxpipe.ingest.min-training-seconds", "0");
        config.put("voxpipe.ingest.training-heartbeat-timeout", HEARTBEAT_TIMEOUT.toMillis() + "ms");
        return config;
    }

    private static TrainingProgress running(String voiceId, String jobId, Instant at) {
        return TrainingProgress.newBuilder().setJobId(jobId).setTenantId("tenant-a").setVoiceId(voiceId).setEpoch(0)
                .setState(TrainingState.RUNNING).setStep(40).setTotalSteps(100).setEtaSeconds(12.0).setWorkerId("trainer-killed")
                .setEventTime(at).build();
    }

    static JsonObject job(TestSupport.Api api, String jobId) {
        try {
            return new JsonObject(api.get("/v1/jobs/" + jobId, KEY_A).body());
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
