package dev.voxpipe.ingest;

import static dev.voxpipe.ingest.TestSupport.KEY_A;
import static dev.voxpipe.ingest.TestSupport.KEY_B;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.voxpipe.core.serde.AvroWireDeserializer;
import dev.voxpipe.core.serde.HttpSchemaRegistryClient;
import dev.voxpipe.core.serde.SchemaRegistryConfig;
import dev.voxpipe.core.topics.Topics;
import dev.voxpipe.ingest.auth.ApiKeys;
import dev.voxpipe.localstack.LocalStack;
import dev.voxpipe.localstack.LocalStackExtension;
import dev.voxpipe.localstack.TopicRecords;
import dev.voxpipe.schemas.SynthesisCompleted;
import dev.voxpipe.schemas.TrainingJob;
import dev.voxpipe.schemas.TrainingProgress;
import dev.voxpipe.schemas.TrainingState;
import dev.voxpipe.schemas.VoiceDatasetSummary;
import dev.voxpipe.schemas.common.AudioFormat;
import io.vertx.core.json.JsonObject;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;
import org.slf4j.LoggerFactory;

/**
 * The attack of issue 18 replayed against a real instance (real broker and registry, real HTTP),
 * each finding with the answer it gets now: concurrent training requests, stalled and trickling
 * uploads, /metrics hygiene, oversized multipart bodies, non-JSON HTTP-layer errors, internals in
 * status documents, an unsupported language, and consent that can be revoked.
 */
@ExtendWith(LocalStackExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class IngestAbuseIT {

    private static final Duration WAIT = Duration.ofSeconds(30);
    /** Keys of the saturation test: one tenant each, so only the overall limit can stop them. */
    private static final List<String> STALL_KEYS = List.of("abuse-stall-0", "abuse-stall-1", "abuse-stall-2", "abuse-stall-3");
    private static final int PER_KEY = 2;
    private static final int SLOTS = 6;
    private static final int MAX_FORM_FIELD = 64 * 1024;

    private IngestApp app;
    private LocalStack stack;
    private TestSupport.Api api;
    private TestSupport.Upstream upstream;

    @BeforeAll
    void start(LocalStack stack) throws Exception {
        this.stack = stack;
        Path dir = Files.createTempDirectory("ingest-abuse-it");
        Map<String, String> config = TestSupport.config(stack.bootstrapServers(), stack.registryUrl(), dir, "ingest-abuse-it");
        StringBuilder keys = new StringBuilder(TestSupport.apiKeys());
        for (int i = 0; i < STALL_KEYS.size(); i++) {
            keys.append(';').append(ApiKeys.sha256Hex(STALL_KEYS.get(i))).append(" tenant-stall-").append(i).append(" rate=1000 burst=1000");
        }
        config.put("voxpipe.ingest.api-keys", keys.toString());
        config.put("voxpipe.ingest.blob-workers", "8");
        config.put("voxpipe.ingest.uploads.max-concurrent", Integer.toString(SLOTS));
        config.put("voxpipe.ingest.uploads.max-concurrent-per-key", Integer.toString(PER_KEY));
        config.put("voxpipe.ingest.uploads.idle-timeout", "3s");
        config.put("voxpipe.ingest.uploads.min-bytes-per-second", "4096");
        config.put("voxpipe.ingest.uploads.rate-grace", "2s");
        config.put("voxpipe.ingest.max-form-field-bytes", Integer.toString(MAX_FORM_FIELD));
        app = TestSupport.start(config);
        api = new TestSupport.Api(app.port());
        upstream = new TestSupport.Upstream(stack.bootstrapServers(), stack.registryUrl());
    }

    @AfterAll
    void stop() {
        if (upstream != null) upstream.close();
        if (app != null) app.close();
    }

    // ------------------------------------------------------------------ finding 1: double training

    @Test
    void concurrentTrainingRequestsGetOne202AndTheRest409() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            for (int trial = 0; trial < 5; trial++) {
                String voiceId = voiceReadyForTraining(KEY_A, "tenant-a", "Race " + trial);
                CountDownLatch go = new CountDownLatch(1);
                List<Future<HttpResponse<String>>> answers = new ArrayList<>();
                for (int i = 0; i < 8; i++) {
                    answers.add(pool.submit(() -> {
                        go.await();
                        return api.postJson("/v1/voices/" + voiceId + "/training", KEY_A, new JsonObject());
                    }));
                }
                go.countDown();
                int accepted = 0;
                for (Future<HttpResponse<String>> f : answers) {
                    HttpResponse<String> r = f.get();
                    if (r.statusCode() == 202) {
                        accepted++;
                    } else {
                        assertEquals(409, r.statusCode(), r.body());
                        assertEquals("training_in_progress", new JsonObject(r.body()).getString("error"));
                    }
                }
                assertEquals(1, accepted, "trial " + trial + ": exactly one of 8 concurrent requests is queued");
                JsonObject voice = new JsonObject(api.get("/v1/voices/" + voiceId, KEY_A).body());
                assertEquals(1, voice.getJsonArray("trainingJobs").size(), "one job for the voice");
            }
        } finally {
            pool.shutdownNow();
        }
    }

    // ------------------------------------------------------------------ finding 2: starved uploads

    @Test
    void oneKeysStalledUploadsDoNotStarveAnotherTenant() throws Exception {
        String victimVoice = api.createVoice(KEY_B, "Victim");
        String attackerVoice = api.createVoice(KEY_A, "Attacker");
        List<RawHttp> stalled = new ArrayList<>();
        try {
            // The attack: 20 uploads that stall after 300 KB, from one key.
            for (int i = 0; i < 20; i++) stalled.add(stallUpload(KEY_A, attackerVoice));
            ExecutorService readers = Executors.newFixedThreadPool(stalled.size());
            List<Future<RawHttp.Answer>> answers = new ArrayList<>();
            for (RawHttp s : stalled) answers.add(readers.submit(() -> s.read(20_000)));
            readers.shutdown();
            // The key's share is held; every other upload of the key is refused at once.
            TestSupport.await("18 refusals", Duration.ofSeconds(5), () -> answers.stream().filter(Future::isDone).count() == 20 - PER_KEY);
            assertEquals(PER_KEY, uploadsInFlight());
            // Another tenant's upload completes at once, and the instance stays ready.
            long t0 = System.nanoTime();
            HttpResponse<String> normal = api.postRaw("/v1/voices/" + victimVoice + "/samples", KEY_B, "audio/wav",
                    TestSupport.wav(16000, 16000 * 5, 220));
            double seconds = (System.nanoTime() - t0) / 1e9;
            assertEquals(202, normal.statusCode(), normal.body());
            assertTrue(seconds < 5, "a normal upload under stall load took " + seconds + " s");
            assertEquals(200, api.get("/health/ready", null).statusCode());
            // The held uploads are cut off after the idle timeout (3 s here), freeing their threads.
            int refused = 0;
            int cutOff = 0;
            for (Future<RawHttp.Answer> f : answers) {
                RawHttp.Answer a = f.get();
                assertTrue(a.isJson(), a.head());
                if (a.status() == 429) {
                    assertEquals("too_many_uploads", a.json().getString("error"));
                    assertTrue(a.head().contains("Retry-After"), a.head());
                    refused++;
                } else {
                    assertEquals(408, a.status(), a.body());
                    assertEquals("upload_too_slow", a.json().getString("error"));
                    cutOff++;
                }
            }
            assertEquals(20 - PER_KEY, refused);
            assertEquals(PER_KEY, cutOff);
            System.out.printf("[issue 18] one key stalls 20 uploads: %d x 429, %d x 408 after the idle timeout; "
                    + "another tenant's upload: 202 in %.3f s%n", refused, cutOff, seconds);
        } finally {
            for (RawHttp s : stalled) s.close();
        }
        TestSupport.await("upload slots free", WAIT, () -> uploadsInFlight() == 0);
    }

    @Test
    void saturationShowsInReadinessAndMetricsAndEndsWithTheIdleTimeout() throws Exception {
        List<String> voices = new ArrayList<>();
        for (String key : STALL_KEYS) voices.add(api.createVoice(key, "Stall"));
        List<RawHttp> stalled = new ArrayList<>();
        try {
            for (int k = 0; k < SLOTS / PER_KEY; k++) {
                for (int i = 0; i < PER_KEY; i++) stalled.add(stallUpload(STALL_KEYS.get(k), voices.get(k)));
            }
            TestSupport.await("every slot taken", WAIT, () -> uploadsInFlight() == SLOTS);
            HttpResponse<String> ready = api.get("/health/ready", null);
            assertEquals(503, ready.statusCode(), ready.body());
            assertEquals("SATURATED", new JsonObject(ready.body()).getJsonObject("details").getString("uploads"));
            String metrics = new TestSupport.Api(app.managementPort()).get("/metrics", null).body();
            assertTrue(metrics.contains("voxpipe_ingest_uploads_saturated 1.0"), metrics);
            // One more upload from a fresh key: refused at once with 503, not left waiting.
            String lastKey = STALL_KEYS.get(STALL_KEYS.size() - 1);
            long t0 = System.nanoTime();
            HttpResponse<String> refused = api.postRaw("/v1/voices/" + voices.get(voices.size() - 1) + "/samples", lastKey,
                    "audio/wav", TestSupport.wav(16000, 1600, 220));
            assertEquals(503, refused.statusCode(), refused.body());
            assertEquals("uploads_saturated", new JsonObject(refused.body()).getString("error"));
            assertTrue(refused.headers().firstValue("Retry-After").isPresent());
            assertTrue((System.nanoTime() - t0) / 1e9 < 5);
            // Reads still answer: the slots are fewer than the blob threads.
            assertEquals(200, api.get("/v1/voices/" + voices.get(0), STALL_KEYS.get(0)).statusCode());
            for (RawHttp s : stalled) assertEquals(408, s.read(10_000).status());
        } finally {
            for (RawHttp s : stalled) s.close();
        }
        TestSupport.await("slots free again", WAIT, () -> uploadsInFlight() == 0);
        TestSupport.await("ready again", WAIT, () -> {
            try {
                return api.get("/health/ready", null).statusCode() == 200;
            } catch (Exception e) {
                return false;
            }
        });
        long t0 = System.nanoTime();
        HttpResponse<String> after = api.postRaw("/v1/voices/" + voices.get(0) + "/samples", STALL_KEYS.get(0), "audio/wav",
                TestSupport.wav(16000, 16000, 220));
        assertEquals(202, after.statusCode(), after.body());
        assertTrue((System.nanoTime() - t0) / 1e9 < 5);
    }

    @Test
    void aTricklingUploadIsCutOffByTheMinimumRate() throws Exception {
        String voiceId = api.createVoice(KEY_B, "Trickle");
        try (RawHttp trickle = new RawHttp(app.port())) {
            byte[] wav = TestSupport.wav(16000, 16000, 220);
            trickle.send(uploadHead(KEY_B, voiceId, wav.length)).send(java.util.Arrays.copyOf(wav, 1024));
            // 100 bytes every 200 ms: never idle for the 3 s idle timeout, but 500 bytes/s, under the 4096 minimum
            long t0 = System.nanoTime();
            RawHttp.Answer answer = null;
            for (int sent = 1024; sent < wav.length && answer == null; sent += 100) {
                try {
                    trickle.send(java.util.Arrays.copyOfRange(wav, sent, sent + 100));
                } catch (IOException closed) {
                    break; // the server answered and closed
                }
                Thread.sleep(200);
                if ((System.nanoTime() - t0) / 1e9 > 20) break;
                if (trickle.available()) answer = trickle.read(5_000);
            }
            if (answer == null) answer = trickle.read(10_000);
            assertEquals(408, answer.status(), answer.body());
            assertTrue(answer.json().getString("message").contains("bytes/s"), answer.body());
            assertTrue((System.nanoTime() - t0) / 1e9 < 15, "cut off after the grace period, not after the body");
        }
    }

    // ------------------------------------------------------------------ finding 4: /metrics

    @Test
    void metricsCarryNoTenantAndInventedMethodsCollapseIntoOneLabel() throws Exception {
        for (int i = 0; i < 30; i++) {
            RawHttp.Answer a = RawHttp.exchange(app.port(), "INVENTED" + i + " /v1/voices HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer "
                    + KEY_A + "\r\nConnection: close\r\n\r\n");
            assertTrue(a.status() >= 400 && a.isJson(), a.head() + a.body());
        }
        for (int i = 0; i < 6; i++) api.get("/v1/voices", TestSupport.KEY_SLOW); // some 429s
        String metrics = new TestSupport.Api(app.managementPort()).get("/metrics", null).body();
        assertFalse(metrics.contains("INVENTED"), "an invented method became a label value");
        assertTrue(metrics.contains("method=\"OTHER\""), metrics);
        assertTrue(metrics.contains("voxpipe_ingest_rate_limited_total"), metrics);
        for (String tenant : List.of("tenant-a", "tenant-b", "tenant-slow", "tenant-stall")) {
            assertFalse(metrics.contains(tenant), "/metrics shows tenant " + tenant);
        }
        assertFalse(metrics.contains("tenant="), "a meter has a tenant label");
        long httpSeries = metrics.lines().filter(l -> l.startsWith("voxpipe_ingest_http_requests_seconds_count")).count();
        for (int i = 30; i < 60; i++) {
            RawHttp.exchange(app.port(), "INVENTED" + i + " /v1/voices HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer "
                    + KEY_A + "\r\nConnection: close\r\n\r\n");
        }
        String again = new TestSupport.Api(app.managementPort()).get("/metrics", null).body();
        assertEquals(httpSeries, again.lines().filter(l -> l.startsWith("voxpipe_ingest_http_requests_seconds_count")).count(),
                "30 more invented methods added series");
    }

    // ------------------------------------------------------------------ finding 5: multipart

    @Test
    void aHugeSecondPartIs413AndNotReadWhole() throws Exception {
        String voiceId = api.createVoice(KEY_A, "Multipart");
        String boundary = "vxp" + UUID.randomUUID();
        ByteArrayOutputStream first = new ByteArrayOutputStream();
        first.write(("--" + boundary + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.wav\"\r\n"
                + "Content-Type: audio/wav\r\n\r\n").getBytes(StandardCharsets.UTF_8));
        first.write(TestSupport.wav(16000, 16000, 220));
        first.write(("\r\n--" + boundary + "\r\nContent-Disposition: form-data; name=\"more\"; filename=\"b.bin\"\r\n"
                + "Content-Type: application/octet-stream\r\n\r\n").getBytes(StandardCharsets.UTF_8));
        long secondPart = 262L * 1024 * 1024; // the attack's 262 MB, against this instance's 2 MiB upload limit
        long sent = 0;
        RawHttp.Answer answer;
        try (RawHttp http = new RawHttp(app.port())) {
            // chunked: no Content-Length to refuse it by
            http.send("POST /v1/voices/" + voiceId + "/samples HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + KEY_A
                    + "\r\nContent-Type: multipart/form-data; boundary=" + boundary + "\r\nTransfer-Encoding: chunked\r\n\r\n");
            http.send(chunk(first.toByteArray()));
            byte[] filler = new byte[64 * 1024];
            java.util.Arrays.fill(filler, (byte) 'x');
            byte[] fillerChunk = chunk(filler);
            try {
                while (sent < secondPart && !http.available()) {
                    http.send(fillerChunk);
                    sent += filler.length;
                }
            } catch (IOException closed) {
                // the server answered and closed the connection
            }
            answer = http.read(15_000);
        }
        assertEquals(413, answer.status(), answer.body());
        assertEquals("payload_too_large", answer.json().getString("error"));
        assertTrue(sent < 32L * 1024 * 1024, "the server kept reading: " + sent + " bytes sent");
        System.out.printf("[issue 18] multipart with a 262 MB second part: %d after %.1f MB%n", answer.status(), sent / 1048576.0);
    }

    private static byte[] chunk(byte[] data) {
        byte[] head = (Integer.toHexString(data.length) + "\r\n").getBytes(StandardCharsets.US_ASCII);
        byte[] out = new byte[head.length + data.length + 2];
        System.arraycopy(head, 0, out, 0, head.length);
        System.arraycopy(data, 0, out, head.length, data.length);
        out[out.length - 2] = '\r';
        out[out.length - 1] = '\n';
        return out;
    }

    @Test
    void aLargeFormFieldAfterTheFileIs413WithoutAnUnhandledException() throws Exception {
        Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        ListAppender<ILoggingEvent> log = new ListAppender<>();
        log.start();
        root.addAppender(log);
        try {
            String voiceId = api.createVoice(KEY_A, "Form field");
            String boundary = "vxp" + UUID.randomUUID();
            ByteArrayOutputStream form = new ByteArrayOutputStream();
            form.write(("--" + boundary + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.wav\"\r\n"
                    + "Content-Type: audio/wav\r\n\r\n").getBytes(StandardCharsets.UTF_8));
            form.write(TestSupport.wav(16000, 16000, 220));
            form.write(("\r\n--" + boundary + "\r\nContent-Disposition: form-data; name=\"transcript\"\r\n\r\n").getBytes(StandardCharsets.UTF_8));
            form.write("word ".repeat(4 * MAX_FORM_FIELD / 5).getBytes(StandardCharsets.UTF_8)); // 4x the field limit
            form.write(("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8));
            HttpResponse<String> r = api.postRaw("/v1/voices/" + voiceId + "/samples", KEY_A, "multipart/form-data; boundary=" + boundary,
                    form.toByteArray());
            assertEquals(413, r.statusCode(), r.body());
            JsonObject error = new JsonObject(r.body());
            assertEquals("form_field_too_large", error.getString("error"));
            assertEquals(MAX_FORM_FIELD, error.getJsonObject("details").getInteger("maxFieldBytes"));
            Thread.sleep(500); // anything the failed request left behind is logged by now
            List<String> unhandled = log.list.stream()
                    .filter(e -> e.getThrowableProxy() != null)
                    .map(e -> e.getLoggerName() + ": " + e.getThrowableProxy().getClassName() + " " + e.getThrowableProxy().getMessage())
                    .filter(s -> s.contains("Promise already completed") || s.contains("Unhandled"))
                    .toList();
            assertEquals(List.of(), unhandled);
        } finally {
            root.detachAppender(log);
        }
    }

    // ------------------------------------------------------------------ also: every error is JSON

    @Test
    void httpLayerErrorsAreJson() throws Exception {
        RawHttp.Answer longUri = RawHttp.exchange(app.port(), "GET /v1/voices?x=" + "a".repeat(10_000) + " HTTP/1.1\r\nHost: x\r\n\r\n");
        assertEquals(414, longUri.status());
        assertTrue(longUri.isJson(), longUri.head());
        assertEquals("uri_too_long", longUri.json().getString("error"));

        RawHttp.Answer bigHeaders = RawHttp.exchange(app.port(), "GET /v1/voices HTTP/1.1\r\nHost: x\r\nX-Big: " + "b".repeat(20_000) + "\r\n\r\n");
        assertEquals(431, bigHeaders.status());
        assertTrue(bigHeaders.isJson(), bigHeaders.head());
        assertEquals("headers_too_large", bigHeaders.json().getString("error"));

        for (String path : List.of("/v1/voices/%zz", "/%", "/v1/voices/%00", "/v1/../../etc/passwd", "/v1/voices/%E0%A4%A")) {
            RawHttp.Answer a = RawHttp.exchange(app.port(), "GET " + path + " HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + KEY_A
                    + "\r\nConnection: close\r\n\r\n");
            assertTrue(a.status() == 400 || a.status() == 404, path + " -> " + a.status());
            assertTrue(a.isJson(), path + ": " + a.head() + a.body());
            assertNotNull(a.json().getString("error"), path);
        }
        RawHttp.Answer garbage = RawHttp.exchange(app.port(), "\u0001\u0002 not http at all\r\n\r\n");
        assertEquals(400, garbage.status());
        assertTrue(garbage.isJson(), garbage.head());
    }

    // ------------------------------------------------------------------ also: no internals in responses

    @Test
    void statusDocumentsCarryReasonCodesNotWorkerIdsOrExceptionText() throws Exception {
        String voiceId = voiceReadyForTraining(KEY_A, "tenant-a", "Failing");
        String jobId = queueTraining(voiceId);
        upstream.send(Topics.TRAINING_PROGRESS, jobId, TrainingProgress.newBuilder().setJobId(jobId).setTenantId("tenant-a")
                .setVoiceId(voiceId).setState(TrainingState.FAILED).setStep(3).setTotalSteps(150)
                .setWorkerId("trainer-7.gpu-pool.internal")
                .setMessage("java.io.IOException: /var/lib/voxpipe/blobs/jobs/" + jobId + "/state (Permission denied)")
                .setEventTime(Instant.now()).build());
        awaitJobState(jobId, "FAILED");
        String job = api.get("/v1/jobs/" + jobId, KEY_A).body();
        for (String internal : List.of("trainer-7", "workerId", "IOException", "/var/lib", "Permission denied")) {
            assertFalse(job.contains(internal), "the job document shows '" + internal + "': " + job);
        }
        assertEquals("training_failed", new JsonObject(job).getJsonObject("reason").getString("code"));
        String voice = api.get("/v1/voices/" + voiceId, KEY_A).body();
        assertFalse(voice.contains("trainer-7") || voice.contains("IOException"), voice);
        String events = api.get("/v1/jobs/" + jobId + "/events", KEY_A).body();
        assertFalse(events.contains("trainer-7") || events.contains("IOException"), events);

        String trained = trainedVoice(KEY_A, "tenant-a");
        HttpResponse<String> submitted = api.postJson("/v1/synthesis", KEY_A, new JsonObject().put("voiceId", trained).put("text", "Hello."));
        assertEquals(202, submitted.statusCode(), submitted.body());
        String requestId = new JsonObject(submitted.body()).getString("requestId");
        upstream.send(Topics.SYNTHESIS_COMPLETED, requestId, SynthesisCompleted.newBuilder().setRequestId(requestId)
                .setTenantId("tenant-a").setVoiceId(trained).setSucceeded(false).setFormat(AudioFormat.WAV).setDurationSeconds(0)
                .setChunkCount(1).setRealTimeFactor(0.0)
                .setError("java.lang.IllegalStateException: ffmpeg exited 1 on synth-3.internal: /tmp/voxpipe-123/out.flac")
                .setEventTime(Instant.now()).build());
        TestSupport.await("synthesis failed", WAIT, () -> {
            try {
                return new JsonObject(api.get("/v1/synthesis/" + requestId, KEY_A).body()).getString("state").equals("FAILED");
            } catch (Exception e) {
                return false;
            }
        });
        String status = api.get("/v1/synthesis/" + requestId, KEY_A).body();
        String audio = api.get("/v1/synthesis/" + requestId + "/audio", KEY_A).body();
        for (String doc : List.of(status, audio)) {
            for (String internal : List.of("IllegalStateException", "synth-3", "/tmp/", "ffmpeg")) {
                assertFalse(doc.contains(internal), "a synthesis answer shows '" + internal + "': " + doc);
            }
        }
        assertEquals("synthesis_failed", new JsonObject(status).getJsonObject("result").getJsonObject("reason").getString("code"));
    }

    // ------------------------------------------------------------------ also: validated before 202

    @Test
    void anUnsupportedLanguageIs422BeforeAnythingIsAccepted() throws Exception {
        String voiceId = trainedVoice(KEY_A, "tenant-a");
        HttpResponse<String> xx = api.postJson("/v1/synthesis", KEY_A, new JsonObject().put("voiceId", voiceId).put("text", "Hi.").put("language", "xx"));
        assertEquals(422, xx.statusCode(), xx.body());
        assertEquals("language", new JsonObject(xx.body()).getJsonObject("details").getString("field"));
        assertEquals(422, api.postJson("/v1/synthesis", KEY_A, new JsonObject().put("voiceId", voiceId).put("text", "Hi.")
                .put("modelVersion", -3)).statusCode());
        assertEquals(202, api.postJson("/v1/synthesis", KEY_A, new JsonObject().put("voiceId", voiceId).put("text", "Hi.")
                .put("language", "en")).statusCode());
        HttpResponse<String> voice = api.postJson("/v1/voices", KEY_A, new JsonObject().put("name", "X").put("language", "xx")
                .put("consent", new JsonObject().put("attestedBy", "X").put("statement", "mine")));
        assertEquals(422, voice.statusCode(), voice.body());
    }

    // ------------------------------------------------------------------ also: consent is a revocable record

    @Test
    void consentIsARecordThatCanBeRetrievedAndRevoked() throws Exception {
        String voiceId = trainedVoice(KEY_A, "tenant-a");
        JsonObject consent = new JsonObject(api.get("/v1/voices/" + voiceId + "/consent", KEY_A).body());
        assertEquals("ACTIVE", consent.getString("state"));
        assertEquals("Owner of Narrator", consent.getString("attestedBy"));
        assertEquals("I consent to cloning my voice.", consent.getString("statement"));
        assertNotNull(Instant.parse(consent.getString("attestedAt")));
        assertEquals(ApiKeys.sha256Hex(KEY_A).substring(0, 12), consent.getString("attestedWithKey"));
        assertNull(consent.getString("revokedAt"));
        assertEquals(404, api.get("/v1/voices/" + voiceId + "/consent", KEY_B).statusCode(), "another tenant's consent");
        assertEquals(404, api.send(api.builder("/v1/voices/" + voiceId + "/consent", KEY_B).DELETE().build()).statusCode());

        HttpResponse<String> revoked = api.send(api.builder("/v1/voices/" + voiceId + "/consent", KEY_A).DELETE().build());
        assertEquals(200, revoked.statusCode(), revoked.body());
        JsonObject record = new JsonObject(revoked.body());
        assertEquals("REVOKED", record.getString("state"));
        assertNotNull(Instant.parse(record.getString("revokedAt")));
        assertEquals(ApiKeys.sha256Hex(KEY_A).substring(0, 12), record.getString("revokedWithKey"));
        TestSupport.await("revocation in the view", WAIT, () -> {
            try {
                return new JsonObject(api.get("/v1/voices/" + voiceId, KEY_A).body()).getJsonObject("consent").getString("state").equals("REVOKED");
            } catch (Exception e) {
                return false;
            }
        });
        HttpResponse<String> upload = api.postRaw("/v1/voices/" + voiceId + "/samples", KEY_A, "audio/wav", TestSupport.wav(16000, 1600, 220));
        HttpResponse<String> train = api.postJson("/v1/voices/" + voiceId + "/training", KEY_A, new JsonObject());
        HttpResponse<String> synth = api.postJson("/v1/synthesis", KEY_A, new JsonObject().put("voiceId", voiceId).put("text", "Hi."));
        for (HttpResponse<String> r : List.of(upload, train, synth)) {
            assertEquals(409, r.statusCode(), r.body());
            assertEquals("consent_revoked", new JsonObject(r.body()).getString("error"));
        }
        HttpResponse<String> again = api.send(api.builder("/v1/voices/" + voiceId + "/consent", KEY_A).DELETE().build());
        assertEquals(record.getString("revokedAt"), new JsonObject(again.body()).getString("revokedAt"), "revoking twice changes nothing");
    }

    // ------------------------------------------------------------------ finding 3 (fixed by the feature worker's sha256 dedupe)

    @Test
    void theSameBytesTwiceAreReportedAsADuplicate() throws Exception {
        String voiceId = api.createVoice(KEY_A, "Twice");
        byte[] wav = TestSupport.wav(16000, 16000, 330);
        HttpResponse<String> first = api.postRaw("/v1/voices/" + voiceId + "/samples", KEY_A, "audio/wav", wav);
        assertEquals(202, first.statusCode(), first.body());
        assertNull(new JsonObject(first.body()).getString("duplicateOf"));
        HttpResponse<String> second = api.postRaw("/v1/voices/" + voiceId + "/samples", KEY_A, "audio/wav", wav);
        assertEquals(202, second.statusCode(), second.body());
        assertEquals(new JsonObject(first.body()).getString("uploadId"), new JsonObject(second.body()).getString("duplicateOf"));
    }

    @Test
    void aVoiceTrainedOnUnconfirmedTextGetsANoticeAndItsJobCarriesTheVoicesLanguage() throws Exception {
        String voiceId = voiceReadyForTraining(KEY_A, "tenant-a", "Untranscribed");
        String jobId = queueTraining(voiceId);
        // the trainer reads the voice's language off the job: only an English voice trusts the English recogniser
        var registry = new HttpSchemaRegistryClient(SchemaRegistryConfig.of(stack.registryUrl()));
        TrainingJob published = TopicRecords.readUntil(stack, Topics.TRAINING_JOBS,
                        new AvroWireDeserializer<>(registry, TrainingJob.class), seen -> seen.stream().anyMatch(j -> j.getJobId().equals(jobId)), WAIT)
                .stream().filter(j -> j.getJobId().equals(jobId)).findFirst().orElseThrow();
        assertEquals("en", published.getLanguage());
        upstream.send(Topics.TRAINING_PROGRESS, jobId, TrainingProgress.newBuilder().setJobId(jobId).setTenantId("tenant-a")
                .setVoiceId(voiceId).setState(TrainingState.SUCCEEDED).setStep(60).setTotalSteps(60)
                .setWorkerId("trainer-7.gpu-pool.internal")
                .setMessage("model version 1 ready; trained on 61.7 s of text no one has confirmed (15 clips, recognised or"
                        + " aligned with low confidence) besides 0.0 s of confirmed text; confirm or fix it at /v1/voices/"
                        + voiceId + "/clips and train again for a clearer voice")
                .setEventTime(Instant.now()).build());
        awaitJobState(jobId, "SUCCEEDED");
        JsonObject job = new JsonObject(api.get("/v1/jobs/" + jobId, KEY_A).body());
        assertEquals("provisional_text", job.getJsonObject("notice").getString("code"), job.encode());
        assertFalse(job.encode().contains("61.7") || job.encode().contains("trainer-7"), "no worker words: " + job.encode());
    }

    // ------------------------------------------------------------------ helpers

    /** Requests training of a voice of tenant-a; its job id. */
    private String queueTraining(String voiceId) throws Exception {
        HttpResponse<String> queued = api.postJson("/v1/voices/" + voiceId + "/training", KEY_A, new JsonObject());
        assertEquals(202, queued.statusCode(), queued.body());
        return new JsonObject(queued.body()).getString("jobId");
    }

    private void awaitJobState(String jobId, String state) throws InterruptedException {
        TestSupport.await("job " + state, WAIT, () -> {
            try {
                return new JsonObject(api.get("/v1/jobs/" + jobId, KEY_A).body()).getString("state").equals(state);
            } catch (Exception e) {
                return false;
            }
        });
    }

    private String voiceReadyForTraining(String key, String tenant, String name) throws Exception {
        String voiceId = api.createVoice(key, name);
        upstream.send(Topics.VOICE_DATASETS, voiceId, VoiceDatasetSummary.newBuilder().setTenantId(tenant).setVoiceId(voiceId)
                .setUsableSeconds(45).setClipsAccepted(9).setClipsRejected(0).setUpdatedAt(Instant.now()).build());
        TestSupport.await("dataset of " + voiceId, WAIT, () -> {
            try {
                return new JsonObject(api.get("/v1/voices/" + voiceId, key).body()).getJsonObject("dataset").getDouble("usableSeconds") == 45.0;
            } catch (Exception e) {
                return false;
            }
        });
        return voiceId;
    }

    private String trainedVoice(String key, String tenant) throws Exception {
        return TestSupport.trainedVoice(api, upstream, key, tenant, WAIT);
    }

    private String uploadHead(String key, String voiceId, long contentLength) {
        return "POST /v1/voices/" + voiceId + "/samples HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + key
                + "\r\nContent-Type: audio/wav\r\nContent-Length: " + contentLength + "\r\n\r\n";
    }

    /** An upload that declares 1.9 MB (under the limit), sends the first 300 KB and stops. */
    private RawHttp stallUpload(String key, String voiceId) throws IOException {
        byte[] wav = TestSupport.wav(16000, 150_000, 220); // 300 KB
        return new RawHttp(app.port()).send(uploadHead(key, voiceId, 1_900_000)).send(wav);
    }

    private int uploadsInFlight() {
        try {
            return new JsonObject(api.get("/health/ready", null).body()).getJsonObject("details").getInteger("uploadsInFlight");
        } catch (Exception e) {
            return -1;
        }
    }

}
