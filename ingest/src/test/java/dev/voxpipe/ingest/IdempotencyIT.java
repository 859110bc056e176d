package dev.voxpipe.ingest;

import static dev.voxpipe.ingest.TestSupport.KEY_A;
import static dev.voxpipe.ingest.TestSupport.KEY_B;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.voxpipe.core.topics.Topics;
import dev.voxpipe.localstack.LocalStack;
import dev.voxpipe.localstack.LocalStackExtension;
import dev.voxpipe.schemas.IdempotencyRecord;
import dev.voxpipe.schemas.IdempotencyState;
import dev.voxpipe.schemas.VoiceCreated;
import dev.voxpipe.schemas.common.ConsentAttestation;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HexFormat;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Issue 22: a POST retried with the same {@code Idempotency-Key} creates nothing twice, on the
 * same instance, on a restarted one and on another one; another body with the key is 422; keys are
 * per tenant; a retry after an unknown outcome reuses the resource the first attempt reserved.
 */
@ExtendWith(LocalStackExtension.class)
class IdempotencyIT {

    private static final Duration WAIT = Duration.ofSeconds(30);

    @Test
    void aRetriedPostWithTheSameKeyDoesNotDuplicateAcrossARestart(LocalStack stack) throws Exception {
        Path dir = Files.createTempDirectory("ingest-idempotency-it");
        Map<String, String> config = config(stack, dir);
        String voiceKey = UUID.randomUUID().toString();
        String uploadKey = UUID.randomUUID().toString();
        String trainKey = UUID.randomUUID().toString();
        String synthKey = UUID.randomUUID().toString();
        String name = "Once " + UUID.randomUUID();
        JsonObject voiceBody = new JsonObject().put("name", name).put("language", "en")
                .put("consent", new JsonObject().put("attestedBy", "Owner").put("statement", "I consent to cloning my voice."));
        byte[] sample = TestSupport.wav(16000, 1600, 220);
        HttpResponse<String> voice;
        HttpResponse<String> upload;
        HttpResponse<String> job;
        HttpResponse<String> synthesis;
        String voiceId;
        try (IngestApp first = TestSupport.start(config);
             TestSupport.Upstream upstream = new TestSupport.Upstream(stack.bootstrapServers(), stack.registryUrl())) {
            TestSupport.Api api = new TestSupport.Api(first.port());
            voice = postJson(api, "/v1/voices", KEY_A, voiceKey, voiceBody);
            assertEquals(201, voice.statusCode(), voice.body());
            voiceId = new JsonObject(voice.body()).getString("voiceId");
            HttpResponse<String> again = postJson(api, "/v1/voices", KEY_A, voiceKey, voiceBody);
            assertReplayed(voice, again);

            upload = postRaw(api, "/v1/voices/" + voiceId + "/samples?transcript=hello", KEY_A, uploadKey, sample);
            assertEquals(202, upload.statusCode(), upload.body());
            assertReplayed(upload, postRaw(api, "/v1/voices/" + voiceId + "/samples?transcript=hello", KEY_A, uploadKey, sample));
            // the same key with other bytes: refused, with a reason
            HttpResponse<String> otherBytes = postRaw(api, "/v1/voices/" + voiceId + "/samples?transcript=hello", KEY_A, uploadKey,
                    TestSupport.wav(16000, 1600, 440));
            assertEquals(422, otherBytes.statusCode(), otherBytes.body());
            assertEquals("idempotency_key_reused", new JsonObject(otherBytes.body()).getString("error"));

            job = postJson(api, "/v1/voices/" + voiceId + "/training", KEY_A, trainKey, new JsonObject().put("maxSteps", 10));
            assertEquals(202, job.statusCode(), job.body());
            // without the key this would be 409 training_in_progress: the retry gets the first answer
            assertReplayed(job, postJson(api, "/v1/voices/" + voiceId + "/training", KEY_A, trainKey, new JsonObject().put("maxSteps", 10)));

            upstream.send(Topics.MODELS_READY, voiceId, dev.voxpipe.schemas.VoiceModelReady.newBuilder()
                    .setTenantId("tenant-a").setVoiceId(voiceId).setJobId("job_x").setVersion(1).setBaseModel("base")
                    .setCheckpoint(new dev.voxpipe.schemas.common.BlobRef("sha256/aa/bb/x", "00", 1L, null))
                    .setEventTime(Instant.now()).build());
            TestSupport.await("model ready", WAIT, () -> modelReady(api, voiceId));
            JsonObject synthBody = new JsonObject().put("voiceId", voiceId).put("text", "Said once.");
            synthesis = postJson(api, "/v1/synthesis", KEY_A, synthKey, synthBody);
            assertEquals(202, synthesis.statusCode(), synthesis.body());
            assertReplayed(synthesis, postJson(api, "/v1/synthesis", KEY_A, synthKey, synthBody));
            HttpResponse<String> otherText = postJson(api, "/v1/synthesis", KEY_A, synthKey, synthBody.copy().put("text", "Said twice."));
            assertEquals(422, otherText.statusCode(), otherText.body());

            // keys are per tenant: tenant B using the same key gets its own voice, not tenant A's answer
            HttpResponse<String> otherTenant = postJson(api, "/v1/voices", KEY_B, voiceKey, voiceBody);
            assertEquals(201, otherTenant.statusCode(), otherTenant.body());
            assertNotEquals(voiceId, new JsonObject(otherTenant.body()).getString("voiceId"));
        }

        // A restarted instance (same state directory) and a new one (empty state, reads the topic): same answers, nothing new.
        Map<String, String> fresh = config(stack, Files.createTempDirectory("ingest-idempotency-it-fresh"));
        for (Map<String, String> c : java.util.List.of(config, fresh)) {
            try (IngestApp restarted = TestSupport.start(c)) {
                TestSupport.Api api = new TestSupport.Api(restarted.port());
                assertReplayed(voice, postJson(api, "/v1/voices", KEY_A, voiceKey, voiceBody));
                assertReplayed(upload, postRaw(api, "/v1/voices/" + voiceId + "/samples?transcript=hello", KEY_A, uploadKey, sample));
                assertReplayed(job, postJson(api, "/v1/voices/" + voiceId + "/training", KEY_A, trainKey, new JsonObject().put("maxSteps", 10)));
                assertReplayed(synthesis, postJson(api, "/v1/synthesis", KEY_A, synthKey,
                        new JsonObject().put("voiceId", voiceId).put("text", "Said once.")));
                JsonObject samples = new JsonObject(api.get("/v1/voices/" + voiceId + "/samples", KEY_A).body());
                assertEquals(1, samples.getJsonArray("items").size(), "one upload, however often it was retried");
                JsonObject described = new JsonObject(api.get("/v1/voices/" + voiceId, KEY_A).body());
                assertEquals(1, described.getJsonArray("trainingJobs").size(), "one training job");
                long onceVoices = new JsonObject(api.get("/v1/voices?limit=500", KEY_A).body()).getJsonArray("items").stream()
                        .filter(v -> ((JsonObject) v).getString("name").equals(name)).count();
                assertEquals(1, onceVoices, "one voice");
            }
        }
    }

    /**
     * The first attempt wrote PENDING (its reserved id), and its answer was lost: once the event
     * landed, once not. The retry answers with the resource that exists, or creates it under the
     * reserved id; never a second one.
     */
    @Test
    void aRetryAfterAnUnknownOutcomeReusesTheReservedResource(LocalStack stack) throws Exception {
        Map<String, String> config = config(stack, Files.createTempDirectory("ingest-idempotency-it-unknown"));
        JsonObject body = new JsonObject().put("name", "Maybe").put("language", "en")
                .put("consent", new JsonObject().put("attestedBy", "Owner").put("statement", "I consent to cloning my voice."));
        String landedKey = UUID.randomUUID().toString();
        String lostKey = UUID.randomUUID().toString();
        String landedId = dev.voxpipe.ingest.api.Ids.next("voice");
        String lostId = dev.voxpipe.ingest.api.Ids.next("voice");
        try (TestSupport.Upstream upstream = new TestSupport.Upstream(stack.bootstrapServers(), stack.registryUrl())) {
            String hash = requestHash("POST", "/v1/voices", body.encode().getBytes(java.nio.charset.StandardCharsets.UTF_8));
            Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS);
            upstream.send(Topics.INGEST_IDEMPOTENCY, "tenant-a/" + sha256(landedKey), pending(hash, landedId, now));
            upstream.send(Topics.INGEST_IDEMPOTENCY, "tenant-a/" + sha256(lostKey), pending(hash, lostId, now));
            upstream.send(Topics.VOICES, landedId, VoiceCreated.newBuilder().setTenantId("tenant-a").setVoiceId(landedId).setName("Maybe")
                    .setLanguage("en").setConsent(ConsentAttestation.newBuilder().setAttestedBy("Owner")
                            .setStatement("I consent to cloning my voice.").setAttestedAt(now).build())
                    .setCreatedAt(now).build());
        }
        try (IngestApp app = TestSupport.start(config)) {
            TestSupport.Api api = new TestSupport.Api(app.port());
            TestSupport.await("the landed voice is visible", WAIT, () -> status(api, "/v1/voices/" + landedId) == 200);
            HttpResponse<String> landed = postJson(api, "/v1/voices", KEY_A, landedKey, body);
            assertEquals(201, landed.statusCode(), landed.body());
            assertEquals(landedId, new JsonObject(landed.body()).getString("voiceId"), "the voice that landed, not a new one");
            HttpResponse<String> lost = postJson(api, "/v1/voices", KEY_A, lostKey, body);
            assertEquals(201, lost.statusCode(), lost.body());
            assertEquals(lostId, new JsonObject(lost.body()).getString("voiceId"), "created under the id the first attempt reserved");
            assertReplayed(lost, postJson(api, "/v1/voices", KEY_A, lostKey, body));
            assertEquals(200, status(api, "/v1/voices/" + lostId));
        }
    }

    @Test
    void aMalformedKeyIsAClearError(LocalStack stack) throws Exception {
        Map<String, String> config = config(stack, Files.createTempDirectory("ingest-idempotency-it-bad"));
        try (IngestApp app = TestSupport.start(config)) {
            TestSupport.Api api = new TestSupport.Api(app.port());
            HttpResponse<String> r = postJson(api, "/v1/voices", KEY_A, "x".repeat(300), new JsonObject().put("name", "N"));
            assertEquals(400, r.statusCode(), r.body());
            assertEquals("idempotency_key_invalid", new JsonObject(r.body()).getString("error"));
            String voiceId = api.createVoice(KEY_A, "Keyed");
            HttpResponse<String> upload = postRaw(api, "/v1/voices/" + voiceId + "/samples", KEY_A, "a key with spaces",
                    TestSupport.wav(16000, 1600, 220));
            assertEquals(400, upload.statusCode(), upload.body());
            assertEquals("idempotency_key_invalid", new JsonObject(upload.body()).getString("error"));
        }
    }

    private static Map<String, String> config(LocalStack stack, Path dir) {
        Map<String, String> config = TestSupport.config(stack.bootstrapServers(), stack.registryUrl(), dir, "ingest-idempotency-it");
        config.put("voxpipe.ingest.min-training-seconds", "0");
        return config;
    }

    private static IdempotencyRecord pending(String hash, String resourceId, Instant at) {
        return IdempotencyRecord.newBuilder().setTenantId("tenant-a").setRequestHash(hash).setState(IdempotencyState.PENDING)
                .setResourceId(resourceId).setCreatedAt(at).build();
    }

    /** As ingest computes it: method, path, query, body. */
    private static String requestHash(String method, String path, byte[] body) throws Exception {
        MessageDigest sha = MessageDigest.getInstance("SHA-256");
        sha.update((method + "\n" + path + "\n\n").getBytes(java.nio.charset.StandardCharsets.UTF_8));
        sha.update(body);
        return HexFormat.of().formatHex(sha.digest());
    }

    private static String sha256(String s) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(s.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
    }

    private static void assertReplayed(HttpResponse<String> first, HttpResponse<String> again) {
        assertEquals(first.statusCode(), again.statusCode(), again.body());
        assertEquals(new JsonObject(first.body()), new JsonObject(again.body()), "the first answer, replayed");
        assertEquals(first.headers().firstValue("Location"), again.headers().firstValue("Location"));
        assertNull(first.headers().firstValue("Idempotent-Replayed").orElse(null));
        assertEquals("true", again.headers().firstValue("Idempotent-Replayed").orElse(null));
    }

    private static HttpResponse<String> postJson(TestSupport.Api api, String path, String apiKey, String idempotencyKey, JsonObject body)
            throws Exception {
        return api.send(api.builder(path, apiKey).header("Content-Type", "application/json").header("Idempotency-Key", idempotencyKey)
                .POST(HttpRequest.BodyPublishers.ofString(body.encode())).build());
    }

    private static HttpResponse<String> postRaw(TestSupport.Api api, String path, String apiKey, String idempotencyKey, byte[] body)
            throws Exception {
        return api.send(api.builder(path, apiKey).header("Content-Type", "audio/wav").header("Idempotency-Key", idempotencyKey)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build());
    }

    private static boolean modelReady(TestSupport.Api api, String voiceId) {
        try {
            return new JsonObject(api.get("/v1/voices/" + voiceId, KEY_A).body()).getJsonObject("model").getString("state").equals("READY");
        } catch (Exception e) {
            return false;
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
