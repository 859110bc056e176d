package dev.voxpipe.ingest.views;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.voxpipe.core.serde.AvroWireSerializer;
import dev.voxpipe.core.serde.InMemorySchemaRegistry;
import dev.voxpipe.core.topics.Topics;
import dev.voxpipe.schemas.SynthesisChunkResult;
import dev.voxpipe.schemas.TrainingProgress;
import dev.voxpipe.schemas.TrainingState;
import dev.voxpipe.schemas.VoiceCreated;
import dev.voxpipe.schemas.VoiceModelReady;
import dev.voxpipe.schemas.common.BlobRef;
import dev.voxpipe.schemas.common.ConsentAttestation;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Properties;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.errors.LogAndContinueExceptionHandler;
import org.apache.kafka.streams.state.KeyValueStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The ingest views' global stores on TopologyTestDriver with the in-memory registry: no broker. */
class ViewTopologyDriverTest {

    @TempDir
    Path dir;
    private TopologyTestDriver driver;
    private TestInputTopic<String, SpecificRecord> voices;
    private TestInputTopic<String, SpecificRecord> models;
    private TestInputTopic<String, SpecificRecord> progress;
    private TestInputTopic<String, SpecificRecord> chunkResults;
    private TestInputTopic<String, byte[]> rawChunkResults;

    private InMemorySchemaRegistry registry;

    private InMemorySchemaRegistry registryOf() {
        return registry;
    }

    @BeforeEach
    void start() {
        registry = new InMemorySchemaRegistry();
        Properties props = new Properties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, "views-driver-test");
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
        props.put(StreamsConfig.STATE_DIR_CONFIG, dir.toString());
        // as Views sets it: a record that is not Avro is skipped, the views keep running
        props.put(StreamsConfig.DESERIALIZATION_EXCEPTION_HANDLER_CLASS_CONFIG, LogAndContinueExceptionHandler.class);
        driver = new TopologyTestDriver(ViewTopology.build(registry), props);
        AvroWireSerializer<SpecificRecord> avro = new AvroWireSerializer<>(registry, true);
        voices = driver.createInputTopic(Topics.VOICES, Serdes.String().serializer(), avro);
        models = driver.createInputTopic(Topics.MODELS_READY, Serdes.String().serializer(), avro);
        progress = driver.createInputTopic(Topics.TRAINING_PROGRESS, Serdes.String().serializer(), avro);
        chunkResults = driver.createInputTopic(Topics.SYNTHESIS_CHUNK_RESULTS, Serdes.String().serializer(), avro);
        rawChunkResults = driver.createInputTopic(Topics.SYNTHESIS_CHUNK_RESULTS, Serdes.String().serializer(),
                Serdes.ByteArray().serializer());
    }

    @AfterEach
    void stop() {
        driver.close();
    }

    private KeyValueStore<String, String> store(String name) {
        return driver.getKeyValueStore(name);
    }

    @Test
    void aVoiceIsIndexedByTenantAndATombstoneRemovesBoth() {
        voices.pipeInput("v1", VoiceCreated.newBuilder().setTenantId("acme").setVoiceId("v1").setName("Ada")
                .setLanguage("en").setCreatedAt(Instant.ofEpochMilli(1000))
                .setConsent(ConsentAttestation.newBuilder().setAttestedBy("Ada").setStatement("mine").setAttestedAt(Instant.ofEpochMilli(500)).build()).build());
        KeyValueStore<String, String> store = store(ViewStores.VOICES);
        assertEquals("Ada", new JsonObject(store.get("v/v1")).getString("name"));
        assertEquals("1", store.get("t/acme/v1"));

        voices.pipeInput("v1", (SpecificRecord) null);
        assertNull(store.get("v/v1"));
        assertNull(store.get("t/acme/v1"));
    }

    @Test
    void theLatestModelIsTheHighestVersionWhateverTheOrder() {
        models.pipeInput("v1", model(2));
        models.pipeInput("v1", model(1)); // late: an older version read after a newer one
        KeyValueStore<String, String> store = store(ViewStores.MODELS);
        assertEquals(2, new JsonObject(store.get(ViewStores.latestModelKey("v1"))).getInteger("version"));
        assertEquals(1, new JsonObject(store.get(ViewStores.modelKey("v1", 1))).getInteger("version"));
    }

    @Test
    void aDeletedVoiceIsForgottenByTheModelAndUploadViewsAndADeletedSynthesisStaysDeleted() {
        models.pipeInput("v1", model(1));
        models.pipeInput("v1", model(2));
        models.pipeInput("v1", (SpecificRecord) null);
        KeyValueStore<String, String> modelStore = store(ViewStores.MODELS);
        assertNull(modelStore.get(ViewStores.modelKey("v1", 1)));
        assertNull(modelStore.get(ViewStores.modelKey("v1", 2)));
        assertNull(modelStore.get(ViewStores.latestModelKey("v1")));

        TestInputTopic<String, SpecificRecord> uploads = driver.createInputTopic(Topics.AUDIO_UPLOADED, Serdes.String().serializer(),
                new AvroWireSerializer<>(registryOf(), true));
        for (String id : new String[] {"u1", "u2"}) {
            uploads.pipeInput("v1", dev.voxpipe.schemas.RawAudioUploaded.newBuilder().setTenantId("acme").setVoiceId("v1").setUploadId(id)
                    .setBlob(new dev.voxpipe.schemas.common.BlobRef("sha256/ab/cd/" + id, "ab" + id, 10L, "audio/wav"))
                    .setDeclaredFormat("audio/wav").setSniffedFormat(dev.voxpipe.schemas.common.AudioFormat.WAV)
                    .setConsent(ConsentAttestation.newBuilder().setAttestedBy("Ada").setStatement("mine").setAttestedAt(Instant.EPOCH).build())
                    .setEventTime(Instant.EPOCH).build());
        }
        KeyValueStore<String, String> uploadStore = store(ViewStores.UPLOADS);
        assertEquals("v1", uploadStore.get(ViewStores.digestKey("abu1", "u1")), "uploads are indexed by digest");
        uploads.pipeInput("v1", (SpecificRecord) null);
        for (String key : new String[] {"u/u1", "u/u2", "v/v1/u1", "v/v1/u2", ViewStores.digestKey("abu1", "u1")}) {
            assertNull(uploadStore.get(key), key);
        }

        TestInputTopic<String, SpecificRecord> completed = driver.createInputTopic(Topics.SYNTHESIS_COMPLETED, Serdes.String().serializer(),
                new AvroWireSerializer<>(registryOf(), true));
        completed.pipeInput("r1", (SpecificRecord) null);
        completed.pipeInput("r1", dev.voxpipe.schemas.SynthesisCompleted.newBuilder().setRequestId("r1").setTenantId("acme").setVoiceId("v1")
                .setSucceeded(true).setFormat(dev.voxpipe.schemas.common.AudioFormat.WAV).setDurationSeconds(1.0).setChunkCount(1)
                .setRealTimeFactor(0.1).setEventTime(Instant.EPOCH).build()); // a late assembler
        assertEquals(ViewStores.DELETED_MARKER, store(ViewStores.SYNTH_COMPLETED).get("r1"));
    }

    @Test
    void aModelNamesItsUploadsAndAnUploadDeletedAloneIsRememberedUntilItsVoiceGoes() {
        VoiceModelReady withUploads = model(1);
        withUploads.setUploadIds(List.of("u1", "u2"));
        models.pipeInput("v1", withUploads);
        assertEquals(new io.vertx.core.json.JsonArray().add("u1").add("u2"),
                new JsonObject(store(ViewStores.MODELS).get(ViewStores.modelKey("v1", 1))).getJsonArray("uploadIds"));

        TestInputTopic<String, SpecificRecord> uploads = driver.createInputTopic(Topics.AUDIO_UPLOADED, Serdes.String().serializer(),
                new AvroWireSerializer<>(registryOf(), true));
        uploads.pipeInput("v1", upload("u2", null));
        uploads.pipeInput("v1", upload("u2", Instant.ofEpochMilli(1234)));
        KeyValueStore<String, String> uploadStore = store(ViewStores.UPLOADS);
        assertNull(uploadStore.get("u/u2"), "the upload is forgotten");
        assertEquals("1234", uploadStore.get(ViewStores.deletedUploadKey("v1", "u2")), "its deletion is remembered");

        uploads.pipeInput("v1", (SpecificRecord) null); // the voice is deleted
        assertNull(uploadStore.get(ViewStores.deletedUploadKey("v1", "u2")), "nothing of the voice stays");
    }

    private static dev.voxpipe.schemas.RawAudioUploaded upload(String id, Instant deletedAt) {
        return dev.voxpipe.schemas.RawAudioUploaded.newBuilder().setTenantId("acme").setVoiceId("v1").setUploadId(id)
                .setBlob(new dev.voxpipe.schemas.common.BlobRef("sha256/ab/cd/" + id, "ab" + id, 10L, "audio/wav"))
                .setDeclaredFormat("audio/wav").setSniffedFormat(dev.voxpipe.schemas.common.AudioFormat.WAV)
                .setConsent(ConsentAttestation.newBuilder().setAttestedBy("Ada").setStatement("mine").setAttestedAt(Instant.EPOCH).build())
                .setEventTime(Instant.EPOCH).setDeletedAt(deletedAt).build();
    }

    @Test
    void progressNeverGoesBackwards() {
        progress.pipeInput("j1", progress(1, TrainingState.RUNNING, 10, 1000));
        progress.pipeInput("j1", progress(1, TrainingState.SUCCEEDED, 150, 2000));
        progress.pipeInput("j1", progress(1, TrainingState.RUNNING, 140, 1500)); // late, same epoch
        progress.pipeInput("j1", progress(0, TrainingState.RUNNING, 5, 3000)); // a fenced-off worker
        JsonObject doc = new JsonObject(store(ViewStores.PROGRESS).get("j1"));
        assertEquals("SUCCEEDED", doc.getString("state"));
        assertEquals(1, doc.getInteger("epoch"));

        progress.pipeInput("j1", progress(2, TrainingState.RUNNING, 1, 4000)); // a re-issued job starts over
        assertEquals("RUNNING", new JsonObject(store(ViewStores.PROGRESS).get("j1")).getString("state"));
    }

    @Test
    void aHeartbeatSaysTheWorkerLivesButNotThatTheJobAdvanced() {
        progress.pipeInput("j1", progress(1, TrainingState.RUNNING, 10, 1000));
        progress.pipeInput("j1", progress(1, TrainingState.RUNNING, 10, 11_000)); // the same report again: a heartbeat
        JsonObject doc = new JsonObject(store(ViewStores.PROGRESS).get("j1"));
        assertEquals(11_000L, doc.getLong("eventMillis"), "heard from at the heartbeat");
        assertEquals(1000L, doc.getLong("progressedMillis"), "advanced at the first report");
        progress.pipeInput("j1", progress(1, TrainingState.RUNNING, 15, 21_000));
        assertEquals(21_000L, new JsonObject(store(ViewStores.PROGRESS).get("j1")).getLong("progressedMillis"));
    }

    @Test
    void auditionsAccumulateOverEventsEvenFromALateOne() {
        TrainingProgress first = progress(1, TrainingState.RUNNING, 20, 1000);
        first.setAuditions(List.of(audition(20, 0), audition(20, 1)));
        TrainingProgress done = progress(1, TrainingState.SUCCEEDED, 60, 3000);
        done.setAuditions(List.of(audition(60, 0)));
        TrainingProgress late = progress(1, TrainingState.RUNNING, 40, 2000);
        late.setAuditions(List.of(audition(40, 0)));
        progress.pipeInput("j1", first);
        progress.pipeInput("j1", done);
        progress.pipeInput("j1", late);
        JsonObject doc = new JsonObject(store(ViewStores.PROGRESS).get("j1"));
        assertEquals("SUCCEEDED", doc.getString("state"), "the late event's state never wins");
        assertEquals(List.of("20/0", "20/1", "40/0", "60/0"), doc.getJsonArray("auditions").stream()
                .map(o -> ((JsonObject) o).getInteger("step") + "/" + ((JsonObject) o).getInteger("index")).toList());
        assertEquals("auditions/acme/v1/j1/step-40-0.wav", doc.getJsonArray("auditions").getJsonObject(2).getString("key"));
        assertEquals("estimated", doc.getString("energySource"));
    }

    private static dev.voxpipe.schemas.Audition audition(int step, int index) {
        return dev.voxpipe.schemas.Audition.newBuilder().setStep(step).setIndex(index).setText("sentence " + index)
                .setAudio(new BlobRef("auditions/acme/v1/j1/step-" + step + "-" + index + ".wav", "00", 10L, "audio/wav"))
                .setDurationSeconds(1.5).build();
    }

    @Test
    void chunkResultsCountOnceAndASuccessReplacesAFailure() {
        chunkResults.pipeInput("r1", chunk(0, true));
        chunkResults.pipeInput("r1", chunk(0, true)); // redelivered
        chunkResults.pipeInput("r1", chunk(1, false));
        rawChunkResults.pipeInput("r1", "not avro".getBytes()); // skipped, the view goes on
        JsonObject summary = new JsonObject(store(ViewStores.SYNTH_CHUNKS).get("s/r1"));
        assertEquals(2, summary.getInteger("done"));
        assertEquals(1, summary.getInteger("failed"));
        assertEquals(3, summary.getInteger("total"));

        chunkResults.pipeInput("r1", chunk(1, true)); // the retry succeeded
        summary = new JsonObject(store(ViewStores.SYNTH_CHUNKS).get("s/r1"));
        assertEquals(2, summary.getInteger("done"));
        assertEquals(0, summary.getInteger("failed"));
        assertTrue(new JsonObject(store(ViewStores.SYNTH_CHUNKS).get(ViewStores.chunkKey("r1", 1))).getBoolean("ok"));
        assertFalse(ViewTopology.isFinal("RUNNING"));
    }

    @Test
    void deadLettersAreKeptPerTenantWithoutTheirValueAndCountedPerStageOnce() {
        var letters = driver.createInputTopic(Topics.DEAD_LETTERS, Serdes.String().serializer(),
                new AvroWireSerializer<SpecificRecord>(registry, true));
        dev.voxpipe.schemas.DeadLetter acme = dev.voxpipe.schemas.DeadLetter.newBuilder().setSourceTopic(Topics.AUDIO_UPLOADED)
                .setPartition(3).setOffset(17).setStage("feature-worker").setErrorClass("x").setReason("upload u1: WAV is truncated")
                .setOriginalKey(java.nio.ByteBuffer.wrap("v1".getBytes())).setOriginalValue(java.nio.ByteBuffer.wrap(new byte[1000]))
                .setTenantId("acme").setVoiceId("v1").setFailedAt(Instant.ofEpochMilli(5000)).build();
        dev.voxpipe.schemas.DeadLetter unknown = dev.voxpipe.schemas.DeadLetter.newBuilder(acme).setTenantId(null).setVoiceId(null)
                .setStage("synth-worker").build();
        letters.pipeInput("v1", acme);
        letters.pipeInput("x", unknown);
        var kept = new java.util.ArrayList<String>();
        try (var it = store(ViewStores.DEAD_LETTERS).range("t/", "t/\uffff")) {
            it.forEachRemaining(kv -> kept.add(kv.key));
        }
        assertEquals(1, kept.size(), "only the letter with a tenant is listed");
        assertTrue(kept.get(0).startsWith("t/acme/0000000005000/"), kept.get(0));
        JsonObject doc = new JsonObject(store(ViewStores.DEAD_LETTERS).get(kept.get(0)));
        assertEquals("upload u1: WAV is truncated", doc.getString("reason"));
        assertEquals("v1", doc.getString("key"));
        assertEquals(17, doc.getInteger("offset"));
        assertFalse(doc.containsKey("originalValue"), "the record's bytes are not kept in the view");
        assertEquals("1", store(ViewStores.DEAD_LETTERS).get("c/feature-worker"));
        assertEquals("1", store(ViewStores.DEAD_LETTERS).get("c/synth-worker"));
    }

    private static VoiceModelReady model(int version) {
        return VoiceModelReady.newBuilder().setTenantId("acme").setVoiceId("v1").setJobId("job-" + version)
                .setVersion(version).setBaseModel("base").setEventTime(Instant.ofEpochMilli(version))
                .setCheckpoint(new BlobRef("models/acme/v1/job-" + version + ".delta", "00", 1L, "application/octet-stream"))
                .build();
    }

    private static TrainingProgress progress(int epoch, TrainingState state, int step, long at) {
        return TrainingProgress.newBuilder().setJobId("j1").setTenantId("acme").setVoiceId("v1").setEpoch(epoch)
                .setState(state).setStep(step).setTotalSteps(150).setEventTime(Instant.ofEpochMilli(at)).build();
    }

    private static SynthesisChunkResult chunk(int index, boolean ok) {
        return SynthesisChunkResult.newBuilder().setRequestId("r1").setTenantId("acme").setVoiceId("v1")
                .setChunkIndex(index).setChunkCount(3).setSucceeded(ok).setError(ok ? null : "synthesis failed")
                .setEventTime(Instant.ofEpochMilli(100 + index)).build();
    }
    @Test
    void anIdempotencyKeyKeepsItsCompletedAnswerAndOldKeysArePruned() {
        TestInputTopic<String, SpecificRecord> keys = driver.createInputTopic(Topics.INGEST_IDEMPOTENCY, Serdes.String().serializer(),
                new AvroWireSerializer<>(registryOf(), true));
        Instant start = Instant.parse("2026-01-01T00:00:00Z");
        keys.pipeInput("acme/k1", idempotency("h1", dev.voxpipe.schemas.IdempotencyState.PENDING, start));
        keys.pipeInput("acme/k1", idempotency("h1", dev.voxpipe.schemas.IdempotencyState.COMPLETED, start));
        keys.pipeInput("acme/k1", idempotency("h1", dev.voxpipe.schemas.IdempotencyState.PENDING, start)); // a late duplicate
        KeyValueStore<String, String> store = store(ViewStores.IDEMPOTENCY);
        JsonObject kept = new JsonObject(store.get("acme/k1"));
        assertEquals("COMPLETED", kept.getString("state"), "a late PENDING never hides the answer");
        assertEquals(201, kept.getInteger("status"));
        assertEquals("voice_1", kept.getString("resourceId"));

        // eight days later another key arrives: the first one is past the store's window and goes
        keys.pipeInput("acme/k2", idempotency("h2", dev.voxpipe.schemas.IdempotencyState.PENDING, start.plus(java.time.Duration.ofDays(8))));
        assertNull(store.get("acme/k1"));
        assertTrue(store.get("acme/k2") != null);
        keys.pipeInput("acme/k2", (SpecificRecord) null);
        assertNull(store.get("acme/k2"), "a tombstone forgets the key");
    }

    private static dev.voxpipe.schemas.IdempotencyRecord idempotency(String hash, dev.voxpipe.schemas.IdempotencyState state, Instant at) {
        boolean done = state == dev.voxpipe.schemas.IdempotencyState.COMPLETED;
        return dev.voxpipe.schemas.IdempotencyRecord.newBuilder().setTenantId("acme").setRequestHash(hash).setState(state)
                .setResourceId("voice_1").setStatus(done ? 201 : 0).setBody(done ? "{\"voiceId\":\"voice_1\"}" : null)
                .setCreatedAt(at).build();
    }
}
