package dev.voxpipe.ingest;

import dev.voxpipe.core.serde.HttpSchemaRegistryClient;
import static dev.voxpipe.ingest.TestSupport.KEY_A;
import static dev.voxpipe.ingest.TestSupport.KEY_B;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.voxpipe.core.blob.BlobStore;
import dev.voxpipe.core.blob.FileSystemBlobStore;
import dev.voxpipe.core.serde.AvroWireDeserializer;
import dev.voxpipe.core.serde.SchemaRegistryClient;
import dev.voxpipe.core.serde.SchemaRegistryConfig;
import dev.voxpipe.core.topics.Topics;
import dev.voxpipe.localstack.LocalStack;
import dev.voxpipe.localstack.LocalStackExtension;
import dev.voxpipe.schemas.RawAudioUploaded;
import dev.voxpipe.schemas.SynthesisChunkResult;
import dev.voxpipe.schemas.SynthesisCompleted;
import dev.voxpipe.schemas.SynthesisRequest;
import dev.voxpipe.schemas.TrainingProgress;
import dev.voxpipe.schemas.TrainingState;
import dev.voxpipe.schemas.VoiceDatasetSummary;
import dev.voxpipe.schemas.VoiceModelReady;
import dev.voxpipe.schemas.common.AudioFormat;
import dev.voxpipe.schemas.common.BlobRef;
import dev.voxpipe.schemas.common.Chapter;
import dev.voxpipe.schemas.common.ClipRejection;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Route;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

/** Every route over real HTTP against the real broker and registry. */
@ExtendWith(LocalStackExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class IngestApiIT {

    private static final Duration WAIT = Duration.ofSeconds(30);

    private LocalStack stack;
    private Path dir;
    private IngestApp app;
    private TestSupport.Api api;
    private TestSupport.Upstream upstream;
    private BlobStore blobs;

    @BeforeAll
    void start(LocalStack stack) throws Exception {
        this.stack = stack;
        dir = Files.createTempDirectory("ingest-api-it");
        app = TestSupport.start(TestSupport.config(stack.bootstrapServers(), stack.registryUrl(), dir, "ingest-api-it"));
        api = new TestSupport.Api(app.port());
        upstream = new TestSupport.Upstream(stack.bootstrapServers(), stack.registryUrl());
        blobs = new FileSystemBlobStore(dir.resolve("blobs"));
    }

    @AfterAll
    void stop() {
        if (upstream != null) upstream.close();
        if (app != null) app.close();
    }

    @Test
    void healthMetricsAndOpenApi() throws Exception {
        assertEquals(200, api.get("/health/live", null).statusCode());
        TestSupport.await("ready", WAIT, () -> {
            try {
                return api.get("/health/ready", null).statusCode() == 200;
            } catch (Exception e) {
                return false;
            }
        });
        api.get("/v1/voices", KEY_A);
        // /metrics is on the management port only; the public port answers it as any unknown route
        HttpResponse<String> publicMetrics = api.get("/metrics", null);
        assertEquals(404, publicMetrics.statusCode());
        assertEquals("not_found", new JsonObject(publicMetrics.body()).getString("error"));
        TestSupport.Api management = new TestSupport.Api(app.managementPort());
        HttpResponse<String> metrics = management.get("/metrics", null);
        assertEquals(200, metrics.statusCode());
        assertTrue(metrics.body().contains("voxpipe_ingest_http_requests_seconds_count"), metrics.body());
        assertTrue(metrics.body().contains("jvm_memory_used_bytes"));
        assertEquals(200, management.get("/health/ready", null).statusCode());
    }

    @Test
    void openApiDocumentsEveryRouteAndEveryDocumentedRouteExists() throws Exception {
        HttpResponse<String> r = api.get("/openapi.json", null);
        assertEquals(200, r.statusCode());
        JsonObject doc = new JsonObject(r.body());
        assertEquals("3.0.3", doc.getString("openapi"));
        JsonObject paths = doc.getJsonObject("paths");
        int routes = 0;
        for (Route route : app.router().getRoutes()) {
            if (route.getPath() == null || route.methods() == null || route.methods().isEmpty()) continue;
            for (HttpMethod m : route.methods()) {
                routes++;
                JsonObject op = paths.getJsonObject(dev.voxpipe.ingest.api.ApiDocs.openApiPath(route.getPath()), new JsonObject())
                        .getJsonObject(m.name().toLowerCase());
                assertNotNull(op, "route " + m + " " + route.getPath() + " is not in the document");
                assertFalse(op.getBoolean("x-undocumented", false), "route " + m + " " + route.getPath() + " has no description");
                assertFalse(op.getJsonObject("responses").isEmpty());
            }
        }
        assertTrue(routes >= 17, "expected all API routes, found " + routes);
        JsonObject synthesisBody = paths.getJsonObject("/v1/synthesis").getJsonObject("post").getJsonObject("requestBody")
                .getJsonObject("content").getJsonObject("application/json").getJsonObject("schema");
        assertEquals(new JsonArray().add("voiceId").add("text"), synthesisBody.getJsonArray("required"));
        assertNotNull(paths.getJsonObject("/v1/voices/{voiceId}").getJsonObject("get").getJsonArray("parameters"));
        // Every documented operation is answered by a route (not the router's "no route" 404 or 405).
        int documented = 0;
        for (String path : paths.fieldNames()) {
            String concrete = path.replaceAll("\\{[^}]+}", "voice_00000000000000000000000000");
            for (String method : paths.getJsonObject(path).fieldNames()) {
                documented++;
                HttpRequest.Builder b = api.builder(concrete, KEY_A).timeout(Duration.ofSeconds(10));
                HttpRequest req = method.equals("get") ? b.GET().build()
                        : b.header("Content-Type", "application/json").method(method.toUpperCase(), HttpRequest.BodyPublishers.ofString("{}")).build();
                HttpResponse<String> resp = api.send(req);
                assertTrue(resp.statusCode() != 405, method + " " + path + " -> 405");
                if (resp.statusCode() == 404) {
                    assertFalse(resp.body().contains("no route"), method + " " + path + " is documented but not routed: " + resp.body());
                }
            }
        }
        assertEquals(routes, documented);
    }

    @Test
    void authenticationScopesAndErrorsAreJson() throws Exception {
        HttpResponse<String> none = api.get("/v1/voices", null);
        assertEquals(401, none.statusCode());
        JsonObject body = new JsonObject(none.body());
        assertEquals("unauthenticated", body.getString("error"));
        assertNotNull(body.getString("message"));
        assertNotNull(body.getJsonObject("details"));
        assertEquals(401, api.get("/v1/voices", "not-a-key").statusCode());
        HttpResponse<String> readOnly = api.postJson("/v1/voices", TestSupport.KEY_READ, new JsonObject().put("name", "x"));
        assertEquals(403, readOnly.statusCode());
        assertEquals(200, api.get("/v1/voices", TestSupport.KEY_READ).statusCode());
        // malformed JSON, wrong media type, missing consent, unknown route
        HttpResponse<String> bad = api.send(api.builder("/v1/voices", KEY_A).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{not json")).build());
        assertEquals(400, bad.statusCode());
        assertFalse(bad.body().contains("Exception"), bad.body());
        assertEquals(415, api.postRaw("/v1/voices", KEY_A, "text/plain", "name=x".getBytes()).statusCode());
        HttpResponse<String> noConsent = api.postJson("/v1/voices", KEY_A, new JsonObject().put("name", "No consent"));
        assertEquals(422, noConsent.statusCode());
        assertEquals("consent", new JsonObject(noConsent.body()).getJsonObject("details").getString("field"));
        HttpResponse<String> unknown = api.get("/v1/nothing-here", KEY_A);
        assertEquals(404, unknown.statusCode());
        assertEquals("not_found", new JsonObject(unknown.body()).getString("error"));
        HttpResponse<String> tooBig = api.postJson("/v1/voices", KEY_A, new JsonObject().put("name", "x".repeat(70_000)));
        assertEquals(413, tooBig.statusCode());
    }

    @Test
    void rateLimitAnswers429WithRetryAfter() throws Exception {
        List<Integer> statuses = new ArrayList<>();
        HttpResponse<String> limited = null;
        for (int i = 0; i < 6; i++) {
            HttpResponse<String> r = api.get("/v1/voices", TestSupport.KEY_SLOW);
            statuses.add(r.statusCode());
            if (r.statusCode() == 429) limited = r;
        }
        assertEquals(200, statuses.get(0));
        assertNotNull(limited, "no 429 in " + statuses);
        assertTrue(Integer.parseInt(limited.headers().firstValue("Retry-After").orElseThrow()) >= 1);
        assertEquals("rate_limited", new JsonObject(limited.body()).getString("error"));
    }

    @Test
    void voicesAreCreatedListedAndPaged() throws Exception {
        String key = TestSupport.KEY_PAGING;
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 3; i++) ids.add(api.createVoice(key, "Paged " + i));
        HttpResponse<String> one = api.get("/v1/voices/" + ids.get(0), key);
        assertEquals(200, one.statusCode(), one.body());
        JsonObject voice = new JsonObject(one.body());
        assertEquals("Paged 0", voice.getString("name"));
        assertEquals("NONE", voice.getJsonObject("model").getString("state"));
        assertEquals(0.0, voice.getJsonObject("dataset").getDouble("usableSeconds"));
        assertNull(voice.getString("tenantId"));
        TestSupport.await("voices in the view", WAIT, () -> {
            try {
                return new JsonObject(api.get("/v1/voices?limit=10", key).body()).getJsonArray("items").size() == 3;
            } catch (Exception e) {
                return false;
            }
        });
        JsonObject page1 = new JsonObject(api.get("/v1/voices?limit=2", key).body());
        assertEquals(2, page1.getJsonArray("items").size());
        assertEquals(ids.get(1), page1.getString("next"));
        JsonObject page2 = new JsonObject(api.get("/v1/voices?limit=2&after=" + page1.getString("next"), key).body());
        assertEquals(1, page2.getJsonArray("items").size());
        assertEquals(ids.get(2), page2.getJsonArray("items").getJsonObject(0).getString("voiceId"));
        assertNull(page2.getString("next"));
        assertEquals(422, api.get("/v1/voices?limit=0", key).statusCode());
    }

    /** An unmounted blob volume is an outage: 503 with Retry-After (not a 400 blaming the upload), then 202 once back. */
    @Test
    void aBlobStoreOutageIsAnswered503AndTheRetrySucceeds() throws Exception {
        String voiceId = api.createVoice(KEY_A, "Blob outage");
        byte[] wav = TestSupport.wav(16000, 8000, 260);
        Path root = dir.resolve("blobs");
        Path away = dir.resolve("blobs-unmounted");
        Files.move(root, away);
        Files.writeString(root, "the volume is not mounted");
        HttpResponse<String> refused;
        try {
            refused = api.postRaw("/v1/voices/" + voiceId + "/samples", KEY_A, "audio/wav", wav);
        } finally {
            Files.delete(root);
            Files.move(away, root);
        }
        assertEquals(503, refused.statusCode(), refused.body());
        assertEquals("storage_unavailable", new JsonObject(refused.body()).getString("error"));
        assertEquals("5", refused.headers().firstValue("Retry-After").orElse(""));
        HttpResponse<String> retried = api.postRaw("/v1/voices/" + voiceId + "/samples", KEY_A, "audio/wav", wav);
        assertEquals(202, retried.statusCode(), retried.body());
    }

    @Test
    void uploadsStreamToTheBlobStoreAndAreAnnouncedOnKafka() throws Exception {
        String voiceId = api.createVoice(KEY_A, "Uploader");
        byte[] wav = TestSupport.wav(16000, 16000, 220);
        HttpResponse<String> raw = api.send(api.builder("/v1/voices/" + voiceId + "/samples?transcript=hello%20there", KEY_A)
                .header("Content-Type", "audio/x-whatever").expectContinue(true)
                .POST(HttpRequest.BodyPublishers.ofByteArray(wav)).build());
        assertEquals(202, raw.statusCode(), raw.body());
        JsonObject upload = new JsonObject(raw.body());
        String uploadId = upload.getString("uploadId");
        assertEquals("WAV", upload.getString("sniffedFormat"));
        assertEquals(wav.length, upload.getLong("sizeBytes"));

        // multipart with a transcript field; the declared type is wrong on purpose: the bytes decide
        String boundary = "vxp" + UUID.randomUUID();
        ByteArrayOutputStream form = new ByteArrayOutputStream();
        form.write(("--" + boundary + "\r\nContent-Disposition: form-data; name=\"transcript\"\r\n\r\nsome words\r\n"
                + "--" + boundary + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.mp3\"\r\n"
                + "Content-Type: audio/mpeg\r\n\r\n").getBytes(StandardCharsets.UTF_8));
        form.write(wav);
        form.write(("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8));
        HttpResponse<String> multi = api.postRaw("/v1/voices/" + voiceId + "/samples", KEY_A,
                "multipart/form-data; boundary=" + boundary, form.toByteArray());
        assertEquals(202, multi.statusCode(), multi.body());
        JsonObject multiUpload = new JsonObject(multi.body());
        assertEquals("WAV", multiUpload.getString("sniffedFormat"));
        assertTrue(multiUpload.getBoolean("hasTranscript"));

        // The events are on the topic, keyed by voice, and the blob holds exactly the bytes sent.
        Map<String, RawAudioUploaded> events = readUploads(Set.of(uploadId, multiUpload.getString("uploadId")));
        RawAudioUploaded event = events.get(uploadId);
        assertEquals("tenant-a", event.getTenantId());
        assertEquals(AudioFormat.WAV, event.getSniffedFormat());
        assertEquals("hello there", event.getTranscript());
        assertEquals("some words", events.get(multiUpload.getString("uploadId")).getTranscript());
        try (InputStream in = blobs.open(event.getBlob().getKey())) {
            assertArrayEquals(wav, in.readAllBytes());
        }
        JsonObject received = new JsonObject(api.get("/v1/voices/" + voiceId + "/samples/" + uploadId, KEY_A).body());
        assertEquals("RECEIVED", received.getString("state"));
        // The feature worker's verdict shows on the upload.
        upstream.send(Topics.VOICE_DATASETS, voiceId, VoiceDatasetSummary.newBuilder().setTenantId("tenant-a").setVoiceId(voiceId)
                .setUsableSeconds(0).setClipsAccepted(0).setClipsRejected(0).setUploadsRejected(List.of(uploadId + ": no speech found"))
                .setUpdatedAt(Instant.now()).build());
        TestSupport.await("upload rejected", WAIT, () -> {
            try {
                return new JsonObject(api.get("/v1/voices/" + voiceId + "/samples/" + uploadId, KEY_A).body()).getString("state").equals("REJECTED");
            } catch (Exception e) {
                return false;
            }
        });
        assertEquals("no speech found", new JsonObject(api.get("/v1/voices/" + voiceId + "/samples/" + uploadId, KEY_A).body())
                .getString("rejectionReason"));
        // Issue 17: an upload ends in its own final state, PROCESSED with its clips and seconds (or REJECTED with a reason).
        String processedId = multiUpload.getString("uploadId");
        upstream.send(Topics.VOICE_DATASETS, voiceId, VoiceDatasetSummary.newBuilder().setTenantId("tenant-a").setVoiceId(voiceId)
                .setUsableSeconds(12.5).setClipsAccepted(3).setClipsRejected(1).setUploadsRejected(List.of(uploadId + ": no speech found"))
                .setUploads(List.of(
                        dev.voxpipe.schemas.UploadOutcome.newBuilder().setUploadId(uploadId).setState("REJECTED").setClipsAccepted(0)
                                .setClipsRejected(0).setUsableSeconds(0).setReason("no speech found").setProcessedAt(Instant.now()).build(),
                        dev.voxpipe.schemas.UploadOutcome.newBuilder().setUploadId(processedId).setState("PROCESSED").setClipsAccepted(3)
                                .setClipsRejected(1).setUsableSeconds(12.5).setProcessedAt(Instant.now()).build()))
                .setUpdatedAt(Instant.now()).build());
        TestSupport.await("upload processed", WAIT, () -> {
            try {
                return new JsonObject(api.get("/v1/voices/" + voiceId + "/samples/" + processedId, KEY_A).body()).getString("state").equals("PROCESSED");
            } catch (Exception e) {
                return false;
            }
        });
        JsonObject processed = new JsonObject(api.get("/v1/voices/" + voiceId + "/samples/" + processedId, KEY_A).body());
        assertEquals(3, processed.getInteger("clipsAccepted"));
        assertEquals(12.5, processed.getDouble("usableSeconds"));
        assertEquals("REJECTED", new JsonObject(api.get("/v1/voices/" + voiceId + "/samples/" + uploadId, KEY_A).body()).getString("state"));
        // Issue 17: the tenant sees its dead letters (and only its own), with the stage, the record and the reason.
        upstream.send(Topics.DEAD_LETTERS, voiceId, dev.voxpipe.schemas.DeadLetter.newBuilder().setSourceTopic(Topics.AUDIO_UPLOADED)
                .setPartition(0).setOffset(7).setStage("feature-worker").setErrorClass("x").setReason("upload " + uploadId + ": no speech found")
                .setTenantId("tenant-a").setVoiceId(voiceId).setFailedAt(Instant.now()).build());
        TestSupport.await("dead letter listed", WAIT, () -> {
            try {
                return new JsonObject(api.get("/v1/dead-letters?voiceId=" + voiceId, KEY_A).body()).getJsonArray("items").size() == 1;
            } catch (Exception e) {
                return false;
            }
        });
        JsonObject letter = new JsonObject(api.get("/v1/dead-letters?voiceId=" + voiceId, KEY_A).body()).getJsonArray("items").getJsonObject(0);
        assertEquals("feature-worker", letter.getString("stage"));
        assertTrue(letter.getString("reason").contains("no speech found"), letter.encode());
        assertEquals(0, new JsonObject(api.get("/v1/dead-letters", KEY_B).body()).getJsonArray("items").size(), "another tenant sees none");
        TestSupport.await("uploads listed", WAIT, () -> {
            try {
                return new JsonObject(api.get("/v1/voices/" + voiceId + "/samples", KEY_A).body()).getJsonArray("items").size() == 2;
            } catch (Exception e) {
                return false;
            }
        });
        // 415: not audio, whatever the header says; 413: over the limit, declared or streamed
        HttpResponse<String> text = api.postRaw("/v1/voices/" + voiceId + "/samples", KEY_A, "audio/wav",
                "this is not audio at all, just text".repeat(10).getBytes());
        assertEquals(415, text.statusCode(), text.body());
        byte[] big = new byte[3 * 1024 * 1024];
        System.arraycopy(wav, 0, big, 0, 44);
        assertEquals(413, api.postRaw("/v1/voices/" + voiceId + "/samples", KEY_A, "audio/wav", big).statusCode());
        HttpResponse<String> streamed = api.send(api.builder("/v1/voices/" + voiceId + "/samples", KEY_A)
                .header("Content-Type", "audio/wav")
                .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(big))).build());
        assertEquals(413, streamed.statusCode(), streamed.body());
        assertEquals(404, api.postRaw("/v1/voices/voice_00000000000000000000000000/samples", KEY_A, "audio/wav", wav).statusCode());
    }

    private Map<String, RawAudioUploaded> readUploads(Set<String> uploadIds) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.bootstrapServers());
        p.put(ConsumerConfig.GROUP_ID_CONFIG, "ingest-it-" + UUID.randomUUID());
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        SchemaRegistryClient registry = new HttpSchemaRegistryClient(SchemaRegistryConfig.of(stack.registryUrl()));
        Map<String, RawAudioUploaded> found = new java.util.HashMap<>();
        try (KafkaConsumer<String, RawAudioUploaded> consumer = new KafkaConsumer<>(p, new StringDeserializer(),
                new AvroWireDeserializer<>(registry, RawAudioUploaded.class))) {
            consumer.subscribe(List.of(Topics.AUDIO_UPLOADED));
            long deadline = System.nanoTime() + WAIT.toNanos();
            while (!found.keySet().containsAll(uploadIds) && System.nanoTime() < deadline) {
                consumer.poll(Duration.ofMillis(200)).forEach(r -> {
                    // a deleted voice leaves tombstones on the topic (the shared stack's other tests delete voices)
                    if (r.value() != null && uploadIds.contains(r.value().getUploadId())) {
                        assertEquals(r.value().getVoiceId(), r.key());
                        found.put(r.value().getUploadId(), r.value());
                    }
                });
            }
        }
        assertEquals(uploadIds, found.keySet());
        return found;
    }

    @Test
    void trainingNeedsEnoughAudioAndReportsProgress() throws Exception {
        String voiceId = api.createVoice(KEY_A, "Trainee");
        HttpResponse<String> tooLittle = api.postJson("/v1/voices/" + voiceId + "/training", KEY_A, new JsonObject());
        assertEquals(409, tooLittle.statusCode(), tooLittle.body());
        JsonObject details = new JsonObject(tooLittle.body()).getJsonObject("details");
        assertEquals(0.0, details.getDouble("usableSeconds"));
        assertEquals(30.0, details.getDouble("requiredSeconds"));

        upstream.send(Topics.VOICE_DATASETS, voiceId, VoiceDatasetSummary.newBuilder().setTenantId("tenant-a").setVoiceId(voiceId)
                .setUsableSeconds(12.5).setClipsAccepted(3).setClipsRejected(1)
                .setRejections(List.of(ClipRejection.newBuilder().setClipId("c1").setUploadId("u1").setSeconds(2).setReasons(List.of("clipping")).build()))
                .setUpdatedAt(Instant.now()).build());
        TestSupport.await("dataset 12.5 s", WAIT, () -> datasetSeconds(voiceId) == 12.5);
        JsonObject partial = new JsonObject(api.postJson("/v1/voices/" + voiceId + "/training", KEY_A, new JsonObject()).body());
        assertEquals(17.5, partial.getJsonObject("details").getDouble("missingSeconds"), 1e-9);
        JsonObject voice = new JsonObject(api.get("/v1/voices/" + voiceId, KEY_A).body());
        assertEquals("clipping", voice.getJsonObject("dataset").getJsonArray("rejections").getJsonObject(0).getJsonArray("reasons").getString(0));

        upstream.send(Topics.VOICE_DATASETS, voiceId, VoiceDatasetSummary.newBuilder().setTenantId("tenant-a").setVoiceId(voiceId)
                .setUsableSeconds(45).setClipsAccepted(9).setClipsRejected(1).setUpdatedAt(Instant.now()).build());
        TestSupport.await("dataset 45 s", WAIT, () -> datasetSeconds(voiceId) == 45.0);
        HttpResponse<String> queued = api.postJson("/v1/voices/" + voiceId + "/training", KEY_A, new JsonObject().put("maxSteps", 100));
        assertEquals(202, queued.statusCode(), queued.body());
        String jobId = new JsonObject(queued.body()).getString("jobId");
        assertEquals("QUEUED", new JsonObject(api.get("/v1/jobs/" + jobId, KEY_A).body()).getString("state"));
        assertEquals(409, api.postJson("/v1/voices/" + voiceId + "/training", KEY_A, new JsonObject()).statusCode(),
                "a second job while one is queued");
        assertEquals(422, api.postJson("/v1/voices/" + voiceId + "/training", KEY_A, new JsonObject().put("mode", "magic")).statusCode());

        upstream.send(Topics.TRAINING_PROGRESS, jobId, progress(jobId, voiceId, TrainingState.RUNNING, 40, 0.8));
        TestSupport.await("job running", WAIT, () -> jobState(jobId).equals("RUNNING"));
        JsonObject job = new JsonObject(api.get("/v1/jobs/" + jobId, KEY_A).body());
        assertEquals(40, job.getJsonObject("progress").getInteger("step"));
        assertEquals(0.4, job.getJsonObject("progress").getDouble("fraction"), 1e-9);
        assertEquals(0.8, job.getJsonObject("progress").getDouble("loss"), 1e-9);

        // SSE: the stream sends the current state, then the final one, then ends. The final state is
        // published only once the stream has sent the current one.
        HttpResponse<java.util.stream.Stream<String>> sse = api.http.send(api.builder("/v1/jobs/" + jobId + "/events", KEY_A).GET().build(),
                HttpResponse.BodyHandlers.ofLines());
        assertEquals(200, sse.statusCode());
        assertTrue(sse.headers().firstValue("Content-Type").orElse("").startsWith("text/event-stream"));
        StringBuilder events = new StringBuilder();
        try (java.util.stream.Stream<String> lines = sse.body()) {
            var it = lines.iterator();
            boolean published = false;
            while (it.hasNext()) {
                String line = it.next();
                events.append(line).append('\n');
                if (!published && line.contains("\"state\":\"RUNNING\"")) {
                    published = true;
                    upstream.send(Topics.TRAINING_PROGRESS, jobId, progress(jobId, voiceId, TrainingState.SUCCEEDED, 100, 0.2));
                    upstream.send(Topics.MODELS_READY, voiceId, VoiceModelReady.newBuilder().setTenantId("tenant-a").setVoiceId(voiceId)
                            .setJobId(jobId).setVersion(1).setBaseModel("base")
                            .setCheckpoint(new BlobRef("sha256/aa/bb/x", "00", 1L, null)).setMetrics(Map.of("mcd", 5.1))
                            .setEventTime(Instant.now()).build());
                }
            }
        }
        String body = events.toString();
        assertTrue(body.contains("\"state\":\"RUNNING\""), body);
        assertTrue(body.contains("event: end"), body);
        assertTrue(body.contains("\"state\":\"SUCCEEDED\""), body);
        TestSupport.await("model version 1", WAIT, () -> {
            try {
                JsonObject v = new JsonObject(api.get("/v1/voices/" + voiceId, KEY_A).body());
                return v.getJsonObject("model").getString("state").equals("READY") && v.getJsonObject("model").getInteger("latestVersion") == 1;
            } catch (Exception e) {
                return false;
            }
        });
    }

    /**
     * Issue 19 through the API: a training request with a deadline, the job DEFERRED with its window and expected
     * intensity, auditions announced over several events listed with playable URLs, and the final audition as the
     * voice's sample; another tenant sees none of it.
     */
    @Test
    void deferredJobsAuditionsAndTheVoiceSample() throws Exception {
        String voiceId = api.createVoice(KEY_A, "Auditioned");
        upstream.send(Topics.VOICE_DATASETS, voiceId, VoiceDatasetSummary.newBuilder().setTenantId("tenant-a").setVoiceId(voiceId)
                .setUsableSeconds(45).setClipsAccepted(9).setClipsRejected(0).setUpdatedAt(Instant.now()).build());
        TestSupport.await("dataset 45 s", WAIT, () -> datasetSeconds(voiceId) == 45.0);
        assertEquals(422, api.postJson("/v1/voices/" + voiceId + "/training", KEY_A, new JsonObject().put("deadline", "tomorrow")).statusCode());
        assertEquals(422, api.postJson("/v1/voices/" + voiceId + "/training", KEY_A,
                new JsonObject().put("deadline", Instant.now().minusSeconds(60).toString())).statusCode(), "a deadline in the past");
        Instant deadline = Instant.now().plusSeconds(12 * 3600).truncatedTo(java.time.temporal.ChronoUnit.SECONDS);
        HttpResponse<String> queued = api.postJson("/v1/voices/" + voiceId + "/training", KEY_A, new JsonObject().put("deadline", deadline.toString()));
        assertEquals(202, queued.statusCode(), queued.body());
        String jobId = new JsonObject(queued.body()).getString("jobId");
        assertEquals(deadline.toString(), new JsonObject(api.get("/v1/jobs/" + jobId, KEY_A).body()).getString("deadline"));

        Instant window = Instant.now().plusSeconds(3 * 3600).truncatedTo(java.time.temporal.ChronoUnit.SECONDS);
        TrainingProgress deferred = progress(jobId, voiceId, TrainingState.DEFERRED, 0, 0);
        deferred.setLoss(null);
        deferred.setDeferredUntil(window);
        deferred.setCarbonIntensity(95.0);
        deferred.setMessage("deferred until " + window + ": expected 95 gCO2e/kWh against 260 at once");
        upstream.send(Topics.TRAINING_PROGRESS, jobId, deferred);
        TestSupport.await("job deferred", WAIT, () -> jobState(jobId).equals("DEFERRED"));
        JsonObject waiting = new JsonObject(api.get("/v1/jobs/" + jobId, KEY_A).body());
        assertEquals(window.toString(), waiting.getJsonObject("progress").getString("deferredUntil"));
        assertEquals(95.0, waiting.getJsonObject("progress").getDouble("carbonIntensity"), 1e-9);
        assertTrue(waiting.getString("deferral").contains("95 gCO2e/kWh"), waiting.encode());
        assertEquals(409, api.postJson("/v1/voices/" + voiceId + "/training", KEY_A, new JsonObject()).statusCode(),
                "a deferred job blocks a second one");

        byte[] wav = wav(0.25f);
        List<dev.voxpipe.schemas.Audition> mid = List.of(audition(jobId, voiceId, 20, 0, wav), audition(jobId, voiceId, 20, 1, wav));
        TrainingProgress running = progress(jobId, voiceId, TrainingState.RUNNING, 20, 0.5);
        running.setAuditions(mid);
        upstream.send(Topics.TRAINING_PROGRESS, jobId, running);
        dev.voxpipe.schemas.Audition last = audition(jobId, voiceId, 60, 0, wav);
        TrainingProgress done = progress(jobId, voiceId, TrainingState.SUCCEEDED, 60, 0.3);
        done.setAuditions(List.of(last));
        done.setEnergySource(dev.voxpipe.schemas.EnergySource.MEASURED);
        upstream.send(Topics.TRAINING_PROGRESS, jobId, done);
        upstream.send(Topics.MODELS_READY, voiceId, VoiceModelReady.newBuilder().setTenantId("tenant-a").setVoiceId(voiceId)
                .setJobId(jobId).setVersion(1).setBaseModel("base").setCheckpoint(new BlobRef("sha256/aa/bb/y", "00", 1L, null))
                .setSample(last.getAudio()).setEventTime(Instant.now()).build());
        TestSupport.await("job succeeded", WAIT, () -> jobState(jobId).equals("SUCCEEDED"));

        JsonObject status = new JsonObject(api.get("/v1/jobs/" + jobId, KEY_A).body());
        assertEquals("measured", status.getJsonObject("progress").getString("energySource"));
        assertEquals(3, status.getJsonObject("progress").getInteger("auditions"));
        JsonObject list = new JsonObject(api.get("/v1/jobs/" + jobId + "/auditions", KEY_A).body());
        assertEquals(60, list.getInteger("finalStep"));
        JsonArray items = list.getJsonArray("items");
        assertEquals(3, items.size(), list.encode());
        assertEquals("/v1/jobs/" + jobId + "/auditions/20/1", items.getJsonObject(1).getString("url"));
        assertFalse(list.encode().contains("auditions/tenant-a"), "no internal blob keys");
        HttpResponse<String> audio = api.get(items.getJsonObject(2).getString("url"), KEY_A);
        assertEquals(200, audio.statusCode());
        assertEquals("audio/wav", audio.headers().firstValue("Content-Type").orElse(""));
        assertTrue(audio.body().startsWith("RIFF"));
        assertEquals(404, api.get("/v1/jobs/" + jobId + "/auditions/40/0", KEY_A).statusCode());
        TestSupport.await("the voice's sample", WAIT, () -> {
            try {
                return api.get("/v1/voices/" + voiceId + "/sample", KEY_A).statusCode() == 200;
            } catch (Exception e) {
                return false;
            }
        });
        assertEquals("/v1/voices/" + voiceId + "/sample",
                new JsonObject(api.get("/v1/voices/" + voiceId, KEY_A).body()).getJsonObject("model").getString("sampleUrl"));
        for (String path : List.of("/v1/jobs/" + jobId + "/auditions", "/v1/jobs/" + jobId + "/auditions/20/0", "/v1/voices/" + voiceId + "/sample")) {
            assertEquals(404, api.get(path, KEY_B).statusCode(), path + " for another tenant");
        }

        // deleting the voice deletes its auditions, the sample among them
        HttpResponse<String> deleted = api.send(api.builder("/v1/voices/" + voiceId, KEY_A).DELETE().build());
        assertEquals(200, deleted.statusCode(), deleted.body());
        for (dev.voxpipe.schemas.Audition a : List.of(mid.get(0), mid.get(1), last)) {
            assertTrue(blobs.stat(a.getAudio().getKey()).isEmpty(), a.getAudio().getKey() + " deleted with the voice");
        }
    }

    private static byte[] wav(float seconds) throws IOException {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        dev.voxpipe.dsp.WavIo.writeWav16(new dev.voxpipe.dsp.PcmAudio(new float[(int) (32000 * seconds)], 32000), out);
        return out.toByteArray();
    }

    private dev.voxpipe.schemas.Audition audition(String jobId, String voiceId, int step, int index, byte[] wav) throws IOException {
        BlobRef blob = blobs.putAt("auditions/tenant-a/" + voiceId + "/" + jobId + "/step-" + step + "-" + index + ".wav",
                new ByteArrayInputStream(wav), "audio/wav");
        return dev.voxpipe.schemas.Audition.newBuilder().setStep(step).setIndex(index).setText("sentence " + index)
                .setAudio(blob).setDurationSeconds(0.25).build();
    }

    private static TrainingProgress progress(String jobId, String voiceId, TrainingState state, int step, double loss) {
        return TrainingProgress.newBuilder().setJobId(jobId).setTenantId("tenant-a").setVoiceId(voiceId).setEpoch(0)
                .setState(state).setStep(step).setTotalSteps(100).setLoss(loss).setEtaSeconds(30.0)
                .setEventTime(Instant.now()).build();
    }

    private double datasetSeconds(String voiceId) {
        try {
            return new JsonObject(api.get("/v1/voices/" + voiceId, KEY_A).body()).getJsonObject("dataset").getDouble("usableSeconds");
        } catch (Exception e) {
            return -1;
        }
    }

    private String jobState(String jobId) {
        try {
            return new JsonObject(api.get("/v1/jobs/" + jobId, KEY_A).body()).getString("state");
        } catch (Exception e) {
            return "";
        }
    }

    /** A voice with a ready model, as the trainer would leave it. */
    private String trainedVoice(String key, String tenant) throws Exception {
        return TestSupport.trainedVoice(api, upstream, key, tenant, WAIT);
    }

    @Test
    void synthesisProgressAndProgressiveAudioWithRanges() throws Exception {
        String untrained = api.createVoice(KEY_A, "Untrained");
        assertEquals(409, api.postJson("/v1/synthesis", KEY_A, new JsonObject().put("voiceId", untrained).put("text", "Hi.")).statusCode());
        String voiceId = trainedVoice(KEY_A, "tenant-a");
        assertEquals(422, api.postJson("/v1/synthesis", KEY_A, new JsonObject().put("voiceId", voiceId).put("text", "Hi.").put("speed", 3)).statusCode());
        assertEquals(422, api.postJson("/v1/synthesis", KEY_A, new JsonObject().put("voiceId", voiceId).put("text", "Hi.").put("format", "aiff")).statusCode());
        HttpResponse<String> tooHigh = api.postJson("/v1/synthesis", KEY_A, new JsonObject().put("voiceId", voiceId).put("text", "Hi.").put("pitchShift", 13));
        assertEquals(422, tooHigh.statusCode());
        assertEquals("pitchShift", new JsonObject(tooHigh.body()).getJsonObject("details").getString("field"), tooHigh.body());
        assertEquals(422, api.postJson("/v1/synthesis", KEY_A, new JsonObject().put("voiceId", voiceId).put("text", "Hi.").put("pitchRange", 0.1)).statusCode());
        assertEquals(422, api.postJson("/v1/synthesis", KEY_A, new JsonObject().put("voiceId", voiceId).put("text", " ")).statusCode());
        HttpResponse<String> tooLong = api.postJson("/v1/synthesis", KEY_A, new JsonObject().put("voiceId", voiceId).put("text", "a".repeat(20_001)));
        assertEquals(413, tooLong.statusCode());
        assertEquals("text_too_long", new JsonObject(tooLong.body()).getString("error"));

        HttpResponse<String> submitted = api.postJson("/v1/synthesis", KEY_A,
                new JsonObject().put("voiceId", voiceId).put("text", "One. Two. Three.").put("format", "flac").put("speed", 1.25)
                        .put("pitchShift", -2.5).put("pitchRange", 1.5));
        assertEquals(202, submitted.statusCode(), submitted.body());
        String requestId = new JsonObject(submitted.body()).getString("requestId");
        JsonObject status = new JsonObject(api.get("/v1/synthesis/" + requestId, KEY_A).body());
        assertEquals(-2.5, status.getDouble("pitchShift"), 1e-9, status.encode());
        assertEquals(1.5, status.getDouble("pitchRange"), 1e-9);
        assertEquals("QUEUED", status.getString("state"));
        assertEquals("FLAC", status.getString("format"));
        HttpResponse<byte[]> early = api.getBytes("/v1/synthesis/" + requestId + "/audio", KEY_A, null);
        assertEquals(409, early.statusCode());

        int rate = 16000;
        byte[][] chunkWavs = {TestSupport.wav(rate, 1600, 200), TestSupport.wav(rate, 3200, 300), TestSupport.wav(rate, 800, 400)};
        int[] pauses = {250, 500, 300};
        // chunk 0 and 2 first: only chunk 0 is a contiguous prefix
        sendChunk(requestId, voiceId, 0, chunkWavs[0], pauses[0], rate);
        sendChunk(requestId, voiceId, 2, chunkWavs[2], pauses[2], rate);
        sendChunk(requestId, voiceId, 2, chunkWavs[2], pauses[2], rate); // a duplicate never counts twice
        TestSupport.await("two chunks", WAIT, () -> chunksDone(requestId) == 2);
        status = new JsonObject(api.get("/v1/synthesis/" + requestId, KEY_A).body());
        assertEquals("IN_PROGRESS", status.getString("state"));
        assertEquals(3, status.getJsonObject("progress").getInteger("chunksTotal"));
        assertNotNull(status.getJsonObject("progress").getDouble("etaSeconds"));

        HttpResponse<byte[]> prefix = api.getBytes("/v1/synthesis/" + requestId + "/audio", KEY_A, null);
        assertEquals(200, prefix.statusCode());
        assertEquals("audio/wav", prefix.headers().firstValue("Content-Type").orElse(""));
        int pause0 = 2 * rate * pauses[0] / 1000;
        assertEquals(44 + 1600 * 2 + pause0, prefix.body().length);
        assertEquals(1600 * 2 + pause0, ByteBuffer.wrap(prefix.body()).order(ByteOrder.LITTLE_ENDIAN).getInt(40));
        assertArrayEquals(java.util.Arrays.copyOfRange(chunkWavs[0], 44, 44 + 3200), java.util.Arrays.copyOfRange(prefix.body(), 44, 44 + 3200));

        sendChunk(requestId, voiceId, 1, chunkWavs[1], pauses[1], rate);
        TestSupport.await("three chunks", WAIT, () -> chunksDone(requestId) == 3);
        HttpResponse<byte[]> all = api.getBytes("/v1/synthesis/" + requestId + "/audio", KEY_A, null);
        int pause1 = 2 * rate * pauses[1] / 1000;
        int expectedData = 3200 + pause0 + 6400 + pause1 + 1600; // no pause after the last chunk
        assertEquals(44 + expectedData, all.body().length);
        assertArrayEquals(java.util.Arrays.copyOfRange(chunkWavs[1], 44, 44 + 6400),
                java.util.Arrays.copyOfRange(all.body(), 44 + 3200 + pause0, 44 + 3200 + pause0 + 6400));
        // the earlier prefix is a prefix of the longer file, header aside: clients can resume with Range
        assertArrayEquals(java.util.Arrays.copyOfRange(prefix.body(), 44, prefix.body().length),
                java.util.Arrays.copyOfRange(all.body(), 44, prefix.body().length));
        HttpResponse<byte[]> ranged = api.getBytes("/v1/synthesis/" + requestId + "/audio", KEY_A, "bytes=100-1099");
        assertEquals(206, ranged.statusCode());
        assertEquals("bytes 100-1099/" + all.body().length, ranged.headers().firstValue("Content-Range").orElse(""));
        assertArrayEquals(java.util.Arrays.copyOfRange(all.body(), 100, 1100), ranged.body());

        // completion: the final file, in the requested format, with ranges and 416
        byte[] finalFile = ("fLaC" + "final-audio-bytes-".repeat(500)).getBytes(StandardCharsets.US_ASCII);
        BlobRef finalBlob = blobs.put(new ByteArrayInputStream(finalFile), "audio/flac");
        upstream.send(Topics.SYNTHESIS_COMPLETED, requestId, SynthesisCompleted.newBuilder().setRequestId(requestId)
                .setTenantId("tenant-a").setVoiceId(voiceId).setSucceeded(true).setAudio(finalBlob).setFormat(AudioFormat.FLAC)
                .setDurationSeconds(0.7).setChunkCount(3).setChapters(List.of(new Chapter("Chapter 1", 0.0)))
                .setRealTimeFactor(0.2).setEventTime(Instant.now()).build());
        TestSupport.await("completed", WAIT, () -> {
            try {
                return new JsonObject(api.get("/v1/synthesis/" + requestId, KEY_A).body()).getString("state").equals("SUCCEEDED");
            } catch (Exception e) {
                return false;
            }
        });
        JsonObject done = new JsonObject(api.get("/v1/synthesis/" + requestId, KEY_A).body());
        assertEquals("Chapter 1", done.getJsonObject("result").getJsonArray("chapters").getJsonObject(0).getString("title"));
        assertEquals(1.0, done.getJsonObject("progress").getDouble("fraction"));
        HttpResponse<byte[]> complete = api.getBytes("/v1/synthesis/" + requestId + "/audio", KEY_A, null);
        assertEquals(200, complete.statusCode());
        assertEquals("audio/flac", complete.headers().firstValue("Content-Type").orElse(""));
        assertArrayEquals(finalFile, complete.body());
        HttpResponse<byte[]> tail = api.getBytes("/v1/synthesis/" + requestId + "/audio", KEY_A, "bytes=-10");
        assertEquals(206, tail.statusCode());
        assertArrayEquals(java.util.Arrays.copyOfRange(finalFile, finalFile.length - 10, finalFile.length), tail.body());
        HttpResponse<byte[]> outside = api.getBytes("/v1/synthesis/" + requestId + "/audio", KEY_A, "bytes=" + finalFile.length + "-");
        assertEquals(416, outside.statusCode());
        assertEquals("bytes */" + finalFile.length, outside.headers().firstValue("Content-Range").orElse(""));
        HttpResponse<String> sse = api.get("/v1/synthesis/" + requestId + "/events", KEY_A);
        assertTrue(sse.body().contains("\"state\":\"SUCCEEDED\"") && sse.body().contains("event: end"), sse.body());
    }

    @Test
    void progressCountsOnlyCommittedChunkResults() throws Exception {
        String voiceId = trainedVoice(KEY_A, "tenant-a");
        HttpResponse<String> submitted = api.postJson("/v1/synthesis", KEY_A,
                new JsonObject().put("voiceId", voiceId).put("text", "One. Two. Three."));
        assertEquals(202, submitted.statusCode(), submitted.body());
        String requestId = new JsonObject(submitted.body()).getString("requestId");
        int rate = 32000;
        byte[] wav = TestSupport.wav(rate, 1600, 440);
        BlobRef blob = blobs.put(new ByteArrayInputStream(wav), "audio/wav");
        // chunk 0 from a synth worker killed before its commit: aborted, so never done
        TestSupport.Upstream.sendAborted(stack.bootstrapServers(), stack.registryUrl(), Topics.SYNTHESIS_CHUNK_RESULTS,
                requestId, chunkResult(requestId, voiceId, 0, blob, wav, 0, rate));
        // chunk 2, committed, lands after it in the same partition (same key)
        sendChunk(requestId, voiceId, 2, wav, 0, rate);
        TestSupport.await("the committed chunk", WAIT, () -> chunksDone(requestId) >= 1);
        assertEquals(1, chunksDone(requestId), "the aborted chunk result must not count");
        HttpResponse<byte[]> audio = api.getBytes("/v1/synthesis/" + requestId + "/audio", KEY_A, null);
        assertEquals(409, audio.statusCode(), "no audio prefix while chunk 0 is missing");
    }

    private void sendChunk(String requestId, String voiceId, int index, byte[] wav, int pauseMs, int rate) throws Exception {
        BlobRef blob = blobs.put(new ByteArrayInputStream(wav), "audio/wav");
        upstream.send(Topics.SYNTHESIS_CHUNK_RESULTS, requestId, chunkResult(requestId, voiceId, index, blob, wav, pauseMs, rate));
    }

    private static SynthesisChunkResult chunkResult(String requestId, String voiceId, int index, BlobRef blob, byte[] wav,
                                                    int pauseMs, int rate) {
        return SynthesisChunkResult.newBuilder().setRequestId(requestId).setTenantId("tenant-a").setVoiceId(voiceId)
                .setChunkIndex(index).setChunkCount(3).setSucceeded(true).setAudio(blob).setSampleRate(rate)
                .setSampleCount((wav.length - 44) / 2).setPauseAfterMs(pauseMs).setSynthesisSeconds(0.05)
                .setEventTime(Instant.now()).build();
    }

    private int chunksDone(String requestId) {
        try {
            return new JsonObject(api.get("/v1/synthesis/" + requestId, KEY_A).body()).getJsonObject("progress").getInteger("chunksDone");
        } catch (Exception e) {
            return -1;
        }
    }

    @Test
    void largeTextGoesToTheBlobStore() throws Exception {
        String voiceId = trainedVoice(KEY_A, "tenant-a");
        String text = "A sentence of a long book. ".repeat(400); // 10,800 chars > 2,000 inline bytes
        HttpResponse<String> r = api.postJson("/v1/synthesis", KEY_A, new JsonObject().put("voiceId", voiceId).put("text", text));
        assertEquals(202, r.statusCode(), r.body());
        String requestId = new JsonObject(r.body()).getString("requestId");
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.bootstrapServers());
        p.put(ConsumerConfig.GROUP_ID_CONFIG, "ingest-it-" + UUID.randomUUID());
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        SchemaRegistryClient registry = new HttpSchemaRegistryClient(SchemaRegistryConfig.of(stack.registryUrl()));
        SynthesisRequest found = null;
        try (KafkaConsumer<String, SynthesisRequest> consumer = new KafkaConsumer<>(p, new StringDeserializer(),
                new AvroWireDeserializer<>(registry, SynthesisRequest.class))) {
            consumer.subscribe(List.of(Topics.SYNTHESIS_REQUESTS));
            long deadline = System.nanoTime() + WAIT.toNanos();
            while (found == null && System.nanoTime() < deadline) {
                for (var rec : consumer.poll(Duration.ofMillis(200))) {
                    if (rec.key().equals(requestId)) found = rec.value();
                }
            }
        }
        assertNotNull(found);
        assertNull(found.getText());
        try (InputStream in = blobs.open(found.getTextBlob().getKey())) {
            assertEquals(text, new String(in.readAllBytes(), StandardCharsets.UTF_8));
        }
    }

    @Test
    void anotherTenantSeesNothing() throws Exception {
        String voiceId = trainedVoice(KEY_A, "tenant-a");
        HttpResponse<String> up = api.postRaw("/v1/voices/" + voiceId + "/samples", KEY_A, "audio/wav", TestSupport.wav(16000, 800, 100));
        String uploadId = new JsonObject(up.body()).getString("uploadId");
        upstream.send(Topics.VOICE_DATASETS, voiceId, VoiceDatasetSummary.newBuilder().setTenantId("tenant-a").setVoiceId(voiceId)
                .setUsableSeconds(60).setClipsAccepted(9).setClipsRejected(0).setUpdatedAt(Instant.now()).build());
        TestSupport.await("dataset", WAIT, () -> datasetSeconds(voiceId) == 60.0);
        String jobId = new JsonObject(api.postJson("/v1/voices/" + voiceId + "/training", KEY_A, new JsonObject()).body()).getString("jobId");
        String requestId = new JsonObject(api.postJson("/v1/synthesis", KEY_A, new JsonObject().put("voiceId", voiceId).put("text", "Mine.")).body())
                .getString("requestId");
        sendChunk(requestId, voiceId, 0, TestSupport.wav(16000, 800, 100), 100, 16000);
        TestSupport.await("chunk", WAIT, () -> chunksDone(requestId) == 1);
        assertEquals(200, api.getBytes("/v1/synthesis/" + requestId + "/audio", KEY_A, null).statusCode());

        Set<String> paths = new HashSet<>(List.of("/v1/voices/" + voiceId, "/v1/voices/" + voiceId + "/samples",
                "/v1/voices/" + voiceId + "/samples/" + uploadId, "/v1/jobs/" + jobId, "/v1/jobs/" + jobId + "/events",
                "/v1/synthesis/" + requestId, "/v1/synthesis/" + requestId + "/events", "/v1/synthesis/" + requestId + "/audio"));
        for (String path : paths) {
            HttpResponse<String> r = api.get(path, KEY_B);
            assertEquals(404, r.statusCode(), path + " answered " + r.body());
            assertFalse(r.body().contains("tenant-a"), r.body());
        }
        assertEquals(404, api.postRaw("/v1/voices/" + voiceId + "/samples", KEY_B, "audio/wav", TestSupport.wav(16000, 800, 100)).statusCode());
        assertEquals(404, api.postJson("/v1/voices/" + voiceId + "/training", KEY_B, new JsonObject()).statusCode());
        assertEquals(404, api.postJson("/v1/synthesis", KEY_B, new JsonObject().put("voiceId", voiceId).put("text", "Theirs.")).statusCode());
        JsonArray listed = new JsonObject(api.get("/v1/voices?limit=500", KEY_B).body()).getJsonArray("items");
        assertTrue(listed.stream().noneMatch(v -> ((JsonObject) v).getString("voiceId").equals(voiceId)));
    }
}
