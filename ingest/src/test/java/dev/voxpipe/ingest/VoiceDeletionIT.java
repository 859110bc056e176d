package dev.voxpipe.ingest;

import static dev.voxpipe.ingest.TestSupport.KEY_A;
import static dev.voxpipe.ingest.TestSupport.KEY_B;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.voxpipe.core.blob.BlobStore;
import dev.voxpipe.core.blob.FileSystemBlobStore;
import dev.voxpipe.core.messaging.KafkaSettings;
import dev.voxpipe.core.messaging.VoiceGate;
import dev.voxpipe.core.config.VoxConfig;
import dev.voxpipe.core.serde.HttpSchemaRegistryClient;
import dev.voxpipe.core.serde.SchemaRegistryConfig;
import dev.voxpipe.core.topics.Topics;
import dev.voxpipe.localstack.LocalStack;
import dev.voxpipe.localstack.LocalStackExtension;
import dev.voxpipe.schemas.MelFeatures;
import dev.voxpipe.schemas.SlicedClip;
import dev.voxpipe.schemas.SynthesisChunkResult;
import dev.voxpipe.schemas.SynthesisCompleted;
import dev.voxpipe.schemas.VoiceDatasetSummary;
import dev.voxpipe.schemas.VoiceModelReady;
import dev.voxpipe.schemas.common.AudioFormat;
import dev.voxpipe.schemas.common.BlobRef;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The right to be forgotten on the real stack: a voice with uploads, clips, features, a model, a
 * training job with its state, and a synthesis with chunks, a book and a large text, is deleted
 * through the API. Afterwards no blob of it is left (one shared with another voice's upload is
 * kept), the latest record of each compacted topic for the voice is a tombstone, a worker's
 * {@link VoiceGate} on the real topic refuses the voice, the audit record exists, and every route
 * of the voice answers 404.
 */
@ExtendWith(LocalStackExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class VoiceDeletionIT {

    private static final Duration WAIT = Duration.ofSeconds(30);

    private LocalStack stack;
    private IngestApp app;
    private TestSupport.Api api;
    private TestSupport.Upstream upstream;
    private BlobStore blobs;
    private VoiceGate gate;

    @BeforeAll
    void start(LocalStack stack) throws Exception {
        this.stack = stack;
        Path dir = Files.createTempDirectory("voice-deletion-it");
        Map<String, String> config = TestSupport.config(stack.bootstrapServers(), stack.registryUrl(), dir, "voice-deletion-it");
        app = TestSupport.start(config);
        api = new TestSupport.Api(app.port());
        upstream = new TestSupport.Upstream(stack.bootstrapServers(), stack.registryUrl());
        blobs = new FileSystemBlobStore(dir.resolve("blobs"));
        Properties kafka = KafkaSettings.common(VoxConfig.of(Map.of("voxpipe.kafka.bootstrap", stack.bootstrapServers())));
        gate = new VoiceGate(kafka, new HttpSchemaRegistryClient(SchemaRegistryConfig.of(stack.registryUrl()))).start();
        assertTrue(gate.awaitCaughtUp(WAIT));
    }

    @AfterAll
    void stop() {
        if (gate != null) gate.close();
        if (upstream != null) upstream.close();
        if (app != null) app.close();
    }

    @Test
    void deletingAVoiceRemovesItsBlobsWritesTombstonesStopsWorkersAndAnswers404() throws Exception {
        String voiceId = api.createVoice(KEY_A, "To be forgotten");
        String otherVoice = api.createVoice(KEY_A, "Keeps its bytes");
        List<String> owned = new ArrayList<>(); // every blob key the voice owns

        // two uploads; the second one's bytes are also uploaded to another voice (kept on deletion)
        byte[] own = TestSupport.wav(16000, 16000, 210);
        byte[] shared = TestSupport.wav(16000, 16000, 420);
        JsonObject u1 = upload(voiceId, own);
        JsonObject u2 = upload(voiceId, shared);
        upload(otherVoice, shared);
        String sharedKey = dev.voxpipe.core.blob.BlobKeys.contentAddressed(java.util.HexFormat.of().parseHex(u2.getString("sha256")));
        owned.add(dev.voxpipe.core.blob.BlobKeys.contentAddressed(java.util.HexFormat.of().parseHex(u1.getString("sha256"))));

        // as the feature worker: a clip and its features in the blob store, and the dataset
        BlobRef clip = blobs.put(new ByteArrayInputStream(TestSupport.wav(16000, 8000, 300)), "audio/wav");
        BlobRef mel = blobs.put(new ByteArrayInputStream(("mel-of-" + voiceId).getBytes(StandardCharsets.UTF_8)), "application/octet-stream");
        owned.add(clip.getKey());
        owned.add(mel.getKey());
        upstream.send(Topics.AUDIO_CLIPS, "clip-" + voiceId, SlicedClip.newBuilder().setClipId("clip-" + voiceId).setTenantId("tenant-a")
                .setVoiceId(voiceId).setUploadId(u1.getString("uploadId")).setClipIndex(0).setClipCount(1).setStartSample(0)
                .setEndSample(8000).setSampleRate(16000).setBlob(clip).setLoudnessLufs(-20).setTruePeakDbtp(-3).setAccepted(true)
                .setEventTime(Instant.now()).build());
        upstream.send(Topics.FEATURES_MEL, "clip-" + voiceId, MelFeatures.newBuilder().setClipId("clip-" + voiceId).setTenantId("tenant-a")
                .setVoiceId(voiceId).setUploadId(u1.getString("uploadId")).setSampleRate(32000).setFrameRate(100).setMelBins(100)
                .setFrameCount(50).setEncoding(dev.voxpipe.schemas.TensorEncoding.FLOAT32_LE).setBlob(mel).setEventTime(Instant.now()).build());
        upstream.send(Topics.VOICE_DATASETS, voiceId, VoiceDatasetSummary.newBuilder().setTenantId("tenant-a").setVoiceId(voiceId)
                .setUsableSeconds(45).setClipsAccepted(9).setClipsRejected(0).setUpdatedAt(Instant.now()).build());
        TestSupport.await("dataset", WAIT, () -> get("/v1/voices/" + voiceId).getJsonObject("dataset").getDouble("usableSeconds") == 45.0);

        // a training job (API), its trainer state, and the model it produced
        HttpResponse<String> job = api.postJson("/v1/voices/" + voiceId + "/training", KEY_A, new JsonObject());
        assertEquals(202, job.statusCode(), job.body());
        String jobId = new JsonObject(job.body()).getString("jobId");
        BlobRef state = blobs.putAt("training/" + jobId + "/state.bin", new ByteArrayInputStream(new byte[] {1, 2, 3}), "application/octet-stream");
        BlobRef delta = blobs.putAt("models/tenant-a/" + voiceId + "/" + jobId + ".delta", new ByteArrayInputStream(new byte[] {4, 5}),
                "application/x-voxpipe-voice-delta");
        owned.add(state.getKey());
        owned.add(delta.getKey());
        upstream.send(Topics.MODELS_READY, voiceId, VoiceModelReady.newBuilder().setTenantId("tenant-a").setVoiceId(voiceId)
                .setJobId(jobId).setVersion(1).setBaseModel("base").setCheckpoint(delta).setEventTime(Instant.now()).build());
        TestSupport.await("model", WAIT, () -> get("/v1/voices/" + voiceId).getJsonObject("model").getString("state").equals("READY"));
        assertFalse(api.get("/v1/voices/" + voiceId, KEY_A).body().contains("checkpointKey"), "internal keys never show");

        // a synthesis with a large text (blob), a chunk and a finished book
        HttpResponse<String> syn = api.postJson("/v1/synthesis", KEY_A, new JsonObject().put("voiceId", voiceId)
                .put("text", "A long book of my voice. ".repeat(200)));
        assertEquals(202, syn.statusCode(), syn.body());
        String requestId = new JsonObject(syn.body()).getString("requestId");
        byte[] chunkWav = TestSupport.wav(16000, 1600, 200);
        BlobRef chunk = blobs.putAt("synthesis/" + requestId + "/chunks/0.wav", new ByteArrayInputStream(chunkWav), "audio/wav");
        BlobRef book = blobs.putAt("synthesis/" + requestId + "/book.flac", new ByteArrayInputStream("fLaC-book".getBytes()), "audio/flac");
        owned.add(chunk.getKey());
        owned.add(book.getKey());
        upstream.send(Topics.SYNTHESIS_CHUNK_RESULTS, requestId, SynthesisChunkResult.newBuilder().setRequestId(requestId)
                .setTenantId("tenant-a").setVoiceId(voiceId).setChunkIndex(0).setChunkCount(1).setSucceeded(true).setAudio(chunk)
                .setSampleRate(16000).setSampleCount(1600).setPauseAfterMs(0).setSynthesisSeconds(0.1).setEventTime(Instant.now()).build());
        upstream.send(Topics.SYNTHESIS_COMPLETED, requestId, SynthesisCompleted.newBuilder().setRequestId(requestId).setTenantId("tenant-a")
                .setVoiceId(voiceId).setSucceeded(true).setAudio(book).setFormat(AudioFormat.FLAC).setDurationSeconds(0.1).setChunkCount(1)
                .setRealTimeFactor(0.5).setEventTime(Instant.now()).build());
        TestSupport.await("book done", WAIT, () -> get("/v1/synthesis/" + requestId).getString("state").equals("SUCCEEDED"));
        String textKey = textBlobKey(requestId);
        owned.add(textKey);
        for (String key : owned) assertTrue(blobs.stat(key).isPresent(), "fixture blob " + key);
        assertTrue(gate.refusal(voiceId).isEmpty());

        List<String> routes = List.of("/v1/voices/" + voiceId, "/v1/voices/" + voiceId + "/consent", "/v1/voices/" + voiceId + "/samples",
                "/v1/voices/" + voiceId + "/samples/" + u1.getString("uploadId"), "/v1/jobs/" + jobId,
                "/v1/synthesis/" + requestId, "/v1/synthesis/" + requestId + "/events", "/v1/synthesis/" + requestId + "/audio");
        for (String route : routes) assertEquals(200, api.get(route, KEY_A).statusCode(), route);
        // the job's event stream stays open while the job is queued: checked only once it must be 404
        String jobEvents = "/v1/jobs/" + jobId + "/events";
        assertEquals(404, api.send(api.builder("/v1/voices/" + voiceId, KEY_B).DELETE().build()).statusCode(), "another tenant cannot delete it");

        // ---- the deletion
        HttpResponse<String> deleted = api.send(api.builder("/v1/voices/" + voiceId, KEY_A).DELETE().build());
        assertEquals(200, deleted.statusCode(), deleted.body());
        JsonObject outcome = new JsonObject(deleted.body());
        assertTrue(outcome.getBoolean("deleted"));
        assertEquals(1, outcome.getInteger("blobsKeptShared"), outcome.encode());
        assertTrue(outcome.getInteger("blobsDeleted") >= owned.size(), outcome.encode());

        // no blob of the voice is left; the bytes another voice also uploaded are
        for (String key : owned) assertEquals(Optional.empty(), blobs.stat(key), "blob " + key + " survived the deletion");
        assertTrue(blobs.stat(sharedKey).isPresent(), "the other voice's upload was deleted with this one");

        // every route of the voice is 404, and the voice is not listed
        for (String route : routes) {
            TestSupport.await(route + " gone", WAIT, () -> {
                try {
                    return api.get(route, KEY_A).statusCode() == 404;
                } catch (Exception e) {
                    return false;
                }
            });
        }
        assertEquals(404, api.get(jobEvents, KEY_A).statusCode(), jobEvents);
        JsonArray listed = get("/v1/voices?limit=500").getJsonArray("items");
        assertTrue(listed.stream().noneMatch(v -> ((JsonObject) v).getString("voiceId").equals(voiceId)));
        assertEquals(404, api.send(api.builder("/v1/voices/" + voiceId, KEY_A).DELETE().build()).statusCode(), "deleting twice");
        assertEquals(200, api.get("/v1/voices/" + otherVoice, KEY_A).statusCode(), "the other voice is untouched");

        // the latest record for the voice in every compacted topic (and the uploads topic) is a tombstone
        for (String topic : List.of(Topics.VOICES, Topics.VOICE_DATASETS, Topics.MODELS_READY, Topics.AUDIO_UPLOADED)) {
            Map<String, byte[]> latest = latestByKey(topic);
            assertTrue(latest.containsKey(voiceId), topic + " has no record for the voice");
            assertNull(latest.get(voiceId), topic + ": the voice's latest record is not a tombstone");
        }
        assertNull(latestByKey(Topics.SYNTHESIS_COMPLETED).get(requestId), "the book's completion is tombstoned");

        // a worker's gate on the real topic refuses the voice
        TestSupport.await("the gate refuses the voice", WAIT, () -> gate.refusal(voiceId).equals(Optional.of(VoiceGate.DELETED)));

        // the audit record: ids, counts, who and when; nothing of the voice itself
        try (InputStream in = blobs.open("audit/deletions/voice/" + voiceId + ".json")) {
            String text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            JsonObject audit = new JsonObject(text);
            assertEquals("voice_deleted", audit.getString("action"));
            assertEquals(voiceId, audit.getString("voiceId"));
            assertEquals(dev.voxpipe.ingest.auth.ApiKeys.sha256Hex(KEY_A).substring(0, 12), audit.getString("byKey"));
            assertNotNull(Instant.parse(audit.getString("at")));
            assertEquals(2, audit.getJsonObject("counts").getInteger("uploads"));
            assertEquals(1, audit.getJsonObject("counts").getInteger("clips"));
            assertFalse(text.contains("To be forgotten") || text.contains("I consent"), "the audit record holds the voice's data: " + text);
        }
    }

    @Test
    void revokingConsentMakesWorkersRefuseTheVoice() throws Exception {
        String voiceId = api.createVoice(KEY_A, "Revoked");
        assertEquals(200, api.send(api.builder("/v1/voices/" + voiceId + "/consent", KEY_A).DELETE().build()).statusCode());
        TestSupport.await("the gate refuses the voice", WAIT, () -> gate.refusal(voiceId).equals(Optional.of(VoiceGate.CONSENT_REVOKED)));
    }

    @Test
    void deletingASynthesisRemovesItsAudioAndAnswers404() throws Exception {
        String voiceId = api.createVoice(KEY_A, "Narrator");
        upstream.send(Topics.MODELS_READY, voiceId, VoiceModelReady.newBuilder().setTenantId("tenant-a").setVoiceId(voiceId)
                .setJobId("job_x").setVersion(1).setBaseModel("base").setCheckpoint(new BlobRef("sha256/aa/bb/x", "00", 1L, null))
                .setEventTime(Instant.now()).build());
        TestSupport.await("model", WAIT, () -> get("/v1/voices/" + voiceId).getJsonObject("model").getString("state").equals("READY"));
        HttpResponse<String> syn = api.postJson("/v1/synthesis", KEY_A, new JsonObject().put("voiceId", voiceId).put("text", "Short."));
        String requestId = new JsonObject(syn.body()).getString("requestId");
        BlobRef chunk = blobs.putAt("synthesis/" + requestId + "/chunks/0.wav",
                new ByteArrayInputStream(TestSupport.wav(16000, 1600, 200)), "audio/wav");
        upstream.send(Topics.SYNTHESIS_CHUNK_RESULTS, requestId, SynthesisChunkResult.newBuilder().setRequestId(requestId)
                .setTenantId("tenant-a").setVoiceId(voiceId).setChunkIndex(0).setChunkCount(2).setSucceeded(true).setAudio(chunk)
                .setSampleRate(16000).setSampleCount(1600).setPauseAfterMs(0).setSynthesisSeconds(0.1).setEventTime(Instant.now()).build());
        TestSupport.await("chunk", WAIT, () -> get("/v1/synthesis/" + requestId).getJsonObject("progress").getInteger("chunksDone") == 1);
        assertEquals(200, api.get("/v1/synthesis/" + requestId + "/audio", KEY_A).statusCode());

        HttpResponse<String> deleted = api.send(api.builder("/v1/synthesis/" + requestId, KEY_A).DELETE().build());
        assertEquals(200, deleted.statusCode(), deleted.body());
        assertEquals(Optional.empty(), blobs.stat(chunk.getKey()));
        for (String route : List.of("/v1/synthesis/" + requestId, "/v1/synthesis/" + requestId + "/audio")) {
            TestSupport.await(route + " gone", WAIT, () -> {
                try {
                    return api.get(route, KEY_A).statusCode() == 404;
                } catch (Exception e) {
                    return false;
                }
            });
        }
        // a completion arriving after the deletion (a late assembler) does not bring it back
        upstream.send(Topics.SYNTHESIS_COMPLETED, requestId, SynthesisCompleted.newBuilder().setRequestId(requestId).setTenantId("tenant-a")
                .setVoiceId(voiceId).setSucceeded(true).setFormat(AudioFormat.WAV).setDurationSeconds(0.1).setChunkCount(2)
                .setRealTimeFactor(0.5).setEventTime(Instant.now()).build());
        Thread.sleep(1000);
        assertEquals(404, api.get("/v1/synthesis/" + requestId, KEY_A).statusCode());
        assertEquals(200, api.get("/v1/voices/" + voiceId, KEY_A).statusCode(), "the voice stays");
    }

    private JsonObject upload(String voiceId, byte[] wav) throws Exception {
        HttpResponse<String> r = api.postRaw("/v1/voices/" + voiceId + "/samples", KEY_A, "audio/wav", wav);
        assertEquals(202, r.statusCode(), r.body());
        return new JsonObject(r.body());
    }

    private JsonObject get(String path) {
        try {
            return new JsonObject(api.get(path, KEY_A).body());
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** The text blob of a synthesis request, from its event on the topic. */
    private String textBlobKey(String requestId) {
        Map<String, byte[]> latest = latestByKey(Topics.SYNTHESIS_REQUESTS);
        byte[] value = latest.get(requestId);
        assertNotNull(value, "the request is on the topic");
        var request = new dev.voxpipe.core.serde.AvroWireDeserializer<>(
                new HttpSchemaRegistryClient(SchemaRegistryConfig.of(stack.registryUrl())), dev.voxpipe.schemas.SynthesisRequest.class)
                .deserialize(Topics.SYNTHESIS_REQUESTS, value);
        assertNotNull(request.getTextBlob(), "the text went to the blob store");
        return request.getTextBlob().getKey();
    }

    /** The last value of every key of a topic (null for a tombstone), read to its end. */
    private Map<String, byte[]> latestByKey(String topic) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.bootstrapServers());
        p.put(ConsumerConfig.GROUP_ID_CONFIG, "voice-deletion-it-" + UUID.randomUUID());
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        Map<String, byte[]> latest = new HashMap<>();
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(p, new StringDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic).stream().map(i -> new TopicPartition(topic, i.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> ends = new HashMap<>(consumer.endOffsets(partitions));
            ends.values().removeIf(e -> e == 0);
            long deadline = System.nanoTime() + WAIT.toNanos();
            while (!ends.isEmpty() && System.nanoTime() < deadline) {
                for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(200))) latest.put(r.key(), r.value());
                ends.entrySet().removeIf(e -> consumer.position(e.getKey()) >= e.getValue());
            }
        }
        return latest;
    }
}
