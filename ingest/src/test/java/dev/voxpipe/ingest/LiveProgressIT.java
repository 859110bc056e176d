package dev.voxpipe.ingest;

import static dev.voxpipe.ingest.TestSupport.KEY_A;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.voxpipe.core.topics.Topics;
import dev.voxpipe.localstack.LocalStack;
import dev.voxpipe.localstack.LocalStackExtension;
import dev.voxpipe.schemas.SynthesisChunk;
import dev.voxpipe.schemas.SynthesisChunkResult;
import dev.voxpipe.schemas.SynthesisProgress;
import dev.voxpipe.schemas.TrainingProgress;
import dev.voxpipe.schemas.common.BlobRef;
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

    @Test
    void aBooksTotalShowsOnceSplitAndItsProgressRisesChunkByChunkBeforeAnyCommit(LocalStack stack) throws Exception {
        try (IngestApp app = TestSupport.start(config(stack));
             TestSupport.Upstream upstream = new TestSupport.Upstream(stack.bootstrapServers(), stack.registryUrl())) {
            TestSupport.Api api = new TestSupport.Api(app.port());
            String voiceId = TestSupport.trainedVoice(api, upstream, KEY_A, "tenant-a", WAIT);
            HttpResponse<String> submitted = api.postJson("/v1/synthesis", KEY_A,
                    new JsonObject().put("voiceId", voiceId).put("text", "One. Two. Three."));
            assertEquals(202, submitted.statusCode(), submitted.body());
            String requestId = new JsonObject(submitted.body()).getString("requestId");
            JsonObject queued = progress(api, requestId);
            assertNull(queued.getValue("chunksTotal"));

            // the audiobook app splits the book: its total shows at once, nothing is synthesised yet
            int chunks = 3;
            for (int i = 0; i < chunks; i++) {
                upstream.send(Topics.SYNTHESIS_CHUNKS, requestId + "/" + i, SynthesisChunk.newBuilder().setRequestId(requestId)
                        .setTenantId("tenant-a").setVoiceId(voiceId).setChunkIndex(i).setChunkCount(chunks).setText("Chunk " + i + ".")
                        .setEventTime(Instant.now()).build());
            }
            TestSupport.await("the total from the split", WAIT, () -> Integer.valueOf(chunks).equals(progress(api, requestId).getInteger("chunksTotal")));
            assertEquals("QUEUED", status(api, requestId).getString("state"));
            assertEquals(0, progress(api, requestId).getInteger("chunksSynthesized"));

            // the synth worker reports each chunk as it is done, inside one uncommitted batch: progress rises one by one
            for (int i = 0; i < chunks; i++) {
                upstream.send(Topics.SYNTHESIS_PROGRESS, requestId, SynthesisProgress.newBuilder().setRequestId(requestId)
                        .setTenantId("tenant-a").setVoiceId(voiceId).setChunkIndex(i).setChunkCount(chunks).setWorkerId("synth-1")
                        .setEventTime(Instant.now()).build());
                int expected = i + 1;
                TestSupport.await("chunk " + i + " synthesised", WAIT, () -> progress(api, requestId).getInteger("chunksSynthesized") == expected);
                JsonObject now = status(api, requestId);
                assertEquals("IN_PROGRESS", now.getString("state"));
                assertEquals(expected / (double) chunks, now.getJsonObject("progress").getDouble("fraction"), 1e-9);
                assertEquals(0, now.getJsonObject("progress").getInteger("chunksDone"), "no result is committed yet: no audio counted");
            }
            // a redone batch reports a chunk again: it counts once
            upstream.send(Topics.SYNTHESIS_PROGRESS, requestId, SynthesisProgress.newBuilder().setRequestId(requestId)
                    .setTenantId("tenant-a").setVoiceId(voiceId).setChunkIndex(0).setChunkCount(chunks).setWorkerId("synth-2")
                    .setEventTime(Instant.now()).build());
            // the batch commits: the results count as done (the audio follows them), the progress stays
            upstream.send(Topics.SYNTHESIS_CHUNK_RESULTS, requestId, SynthesisChunkResult.newBuilder().setRequestId(requestId)
                    .setTenantId("tenant-a").setVoiceId(voiceId).setChunkIndex(0).setChunkCount(chunks).setSucceeded(true)
                    .setAudio(new BlobRef("synthesis/" + requestId + "/chunks/0.wav", "00", 44L, "audio/wav")).setSampleCount(0)
                    .setEventTime(Instant.now()).build());
            TestSupport.await("the committed chunk", WAIT, () -> progress(api, requestId).getInteger("chunksDone") == 1);
            assertEquals(chunks, progress(api, requestId).getInteger("chunksSynthesized"));
        }
    }

    private static JsonObject status(TestSupport.Api api, String requestId) {
        try {
            return new JsonObject(api.get("/v1/synthesis/" + requestId, KEY_A).body());
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static JsonObject progress(TestSupport.Api api, String requestId) {
        return status(api, requestId).getJsonObject("progress");
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
