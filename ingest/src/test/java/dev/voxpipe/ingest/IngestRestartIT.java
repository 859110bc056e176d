package dev.voxpipe.ingest;

import static dev.voxpipe.ingest.TestSupport.KEY_A;
import static dev.voxpipe.ingest.TestSupport.KEY_B;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.voxpipe.core.topics.Topics;
import dev.voxpipe.localstack.LocalStack;
import dev.voxpipe.localstack.LocalStackExtension;
import dev.voxpipe.schemas.VoiceModelReady;
import dev.voxpipe.schemas.common.BlobRef;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Status lives in Kafka and the instance's state directory, not in the process: a restarted
 * instance answers at once, and a second instance behind a load balancer answers for any key.
 */
@ExtendWith(LocalStackExtension.class)
class IngestRestartIT {

    private static final Duration WAIT = Duration.ofSeconds(30);

    @Test
    void stateSurvivesARestartAndEveryInstanceAnswersForEveryKey(LocalStack stack) throws Exception {
        Path dir = Files.createTempDirectory("ingest-restart-it");
        Map<String, String> config = TestSupport.config(stack.bootstrapServers(), stack.registryUrl(), dir, "ingest-restart-it");
        String voiceId;
        String uploadId;
        String requestId;
        try (IngestApp first = TestSupport.start(config);
             TestSupport.Upstream upstream = new TestSupport.Upstream(stack.bootstrapServers(), stack.registryUrl())) {
            TestSupport.Api api = new TestSupport.Api(first.port());
            voiceId = api.createVoice(KEY_A, "Survivor");
            uploadId = new JsonObject(api.postRaw("/v1/voices/" + voiceId + "/samples", KEY_A, "audio/wav",
                    TestSupport.wav(16000, 1600, 200)).body()).getString("uploadId");
            upstream.send(Topics.MODELS_READY, voiceId, VoiceModelReady.newBuilder().setTenantId("tenant-a").setVoiceId(voiceId)
                    .setJobId("job_x").setVersion(3).setBaseModel("base").setCheckpoint(new BlobRef("sha256/aa/bb/x", "00", 1L, null))
                    .setEventTime(Instant.now()).build());
            TestSupport.await("model visible", WAIT, () -> {
                try {
                    return api.postJson("/v1/synthesis", KEY_A, new JsonObject().put("voiceId", voiceId).put("text", "probe")).statusCode() == 202;
                } catch (Exception e) {
                    return false;
                }
            });
            requestId = new JsonObject(api.postJson("/v1/synthesis", KEY_A,
                    new JsonObject().put("voiceId", voiceId).put("text", "Kept across restarts.")).body()).getString("requestId");

            // A second instance with its own state directory: it has never seen these writes itself.
            Map<String, String> otherConfig = TestSupport.config(stack.bootstrapServers(), stack.registryUrl(),
                    Files.createTempDirectory("ingest-restart-it-other"), "ingest-restart-it");
            try (IngestApp other = TestSupport.start(otherConfig)) {
                TestSupport.Api otherApi = new TestSupport.Api(other.port());
                String rid = requestId;
                TestSupport.await("second instance sees the synthesis", WAIT, () -> status(otherApi, "/v1/synthesis/" + rid) == 200);
                assertEquals(200, status(otherApi, "/v1/voices/" + voiceId));
                assertEquals(200, status(otherApi, "/v1/voices/" + voiceId + "/samples/" + uploadId));
                assertEquals(404, new TestSupport.Api(other.port()).get("/v1/voices/" + voiceId, KEY_B).statusCode());
            }
        }

        // Same state directory, new process-level instance: ready means restored, so no waiting.
        try (IngestApp second = TestSupport.start(config)) {
            TestSupport.Api api = new TestSupport.Api(second.port());
            JsonObject voice = new JsonObject(api.get("/v1/voices/" + voiceId, KEY_A).body());
            assertEquals("Survivor", voice.getString("name"));
            assertEquals(3, voice.getJsonObject("model").getInteger("latestVersion"));
            assertEquals(200, status(api, "/v1/voices/" + voiceId + "/samples/" + uploadId));
            assertEquals("QUEUED", new JsonObject(api.get("/v1/synthesis/" + requestId, KEY_A).body()).getString("state"));
            assertEquals(404, api.get("/v1/synthesis/" + requestId, KEY_B).statusCode());
        }
    }

    private static int status(TestSupport.Api api, String path) {
        try {
            return api.get(path, KEY_A).statusCode();
        } catch (Exception e) {
            return -1;
        }
    }
}
