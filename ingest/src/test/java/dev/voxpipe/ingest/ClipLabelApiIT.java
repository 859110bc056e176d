package dev.voxpipe.ingest;

import static dev.voxpipe.ingest.TestSupport.KEY_A;
import static dev.voxpipe.ingest.TestSupport.KEY_B;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.voxpipe.core.blob.BlobStore;
import dev.voxpipe.core.blob.FileSystemBlobStore;
import dev.voxpipe.core.serde.AvroWireDeserializer;
import dev.voxpipe.core.serde.HttpSchemaRegistryClient;
import dev.voxpipe.core.serde.SchemaRegistryConfig;
import dev.voxpipe.core.topics.Topics;
import dev.voxpipe.localstack.LocalStack;
import dev.voxpipe.localstack.LocalStackExtension;
import dev.voxpipe.schemas.SlicedClip;
import dev.voxpipe.schemas.common.BlobRef;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.ByteArrayInputStream;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The clip label API on the real stack (issue 20): clips the feature worker published are listed with their labels,
 * played with byte ranges, and a PATCH publishes the edited clip on voxpipe.audio.clips for the feature worker.
 */
@ExtendWith(LocalStackExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ClipLabelApiIT {
    private static final Duration WAIT = Duration.ofSeconds(30);
    private IngestApp app;
    private TestSupport.Api api;
    private TestSupport.Upstream upstream;
    private BlobStore blobs;
    private LocalStack stack;

    @BeforeAll
    void start(LocalStack stack) throws Exception {
        this.stack = stack;
        Path dir = Files.createTempDirectory("clip-label-it");
        app = TestSupport.start(TestSupport.config(stack.bootstrapServers(), stack.registryUrl(), dir, "clip-label-it"));
        api = new TestSupport.Api(app.port());
        upstream = new TestSupport.Upstream(stack.bootstrapServers(), stack.registryUrl());
        blobs = new FileSystemBlobStore(dir.resolve("blobs"));
    }

    @AfterAll
    void stop() {
        if (upstream != null) upstream.close();
        if (app != null) app.close();
    }

    private SlicedClip clip(String voiceId, int index, String text, String source, Double confidence, boolean trainable, BlobRef audio,
                            boolean accepted) {
        return SlicedClip.newBuilder().setClipId("upl_it-" + voiceId + "-c00" + index).setTenantId("tenant-a").setVoiceId(voiceId)
                .setUploadId("upl_it-" + voiceId).setClipIndex(index).setClipCount(3).setStartSample(index * 64000L)
                .setEndSample(index * 64000L + 48000).setSampleRate(32000).setBlob(accepted ? audio : null)
                .setLoudnessLufs(-20).setTruePeakDbtp(-3).setAccepted(accepted)
                .setReasons(accepted ? List.of() : List.of("too quiet: -60 LUFS")).setTranscript(text).setLabelSource(source)
                .setLabelConfidence(confidence).setLabelTrainable(trainable)
                .setLabelNote(trainable ? null : "recognised with confidence 0.41, below 0.85").setEventTime(Instant.now()).build();
    }

    @Test
    void clipsAreListedPlayedAndEdited() throws Exception {
        String voiceId = api.createVoice(KEY_A, "Reader");
        byte[] wav = TestSupport.wav(32000, 48000, 220);
        BlobRef audio = blobs.put(new ByteArrayInputStream(wav), "audio/wav");
        upstream.send(Topics.AUDIO_CLIPS, "c0", clip(voiceId, 0, "Press one to accept.", "aligned", 0.93, true, audio, true));
        upstream.send(Topics.AUDIO_CLIPS, "c1", clip(voiceId, 1, "press won to except", "recognised", 0.41, false, audio, true));
        upstream.send(Topics.AUDIO_CLIPS, "c2", clip(voiceId, 2, null, null, null, false, audio, false));
        String base = "/v1/voices/" + voiceId + "/clips";
        TestSupport.await("three clips listed", WAIT, () -> {
            try {
                return new JsonObject(api.get(base, KEY_A).body()).getJsonArray("items").size() == 3;
            } catch (Exception e) {
                return false;
            }
        });
        JsonObject list = new JsonObject(api.get(base, KEY_A).body());
        JsonArray items = list.getJsonArray("items");
        JsonObject aligned = items.getJsonObject(0);
        assertEquals("Press one to accept.", aligned.getString("text"));
        assertEquals("aligned", aligned.getString("source"));
        assertEquals(0.93, aligned.getDouble("confidence"));
        assertTrue(aligned.getBoolean("trainable"));
        assertEquals(1.5, aligned.getDouble("seconds"));
        JsonObject recognised = items.getJsonObject(1);
        assertEquals("recognised", recognised.getString("source"));
        assertTrue(!recognised.getBoolean("trainable") && recognised.getString("note").contains("below 0.85"));
        assertNull(items.getJsonObject(2).getString("audio"), "a rejected clip has no audio");
        JsonObject labels = list.getJsonObject("labels");
        assertEquals(3.0, labels.getDouble("acceptedSeconds"));
        assertEquals(1.5, labels.getDouble("textSeconds"));
        assertEquals(1.5, labels.getDouble("provisionalTextSeconds"), "the recognised clip's text is held back");
        assertEquals(1.5, labels.getJsonObject("secondsBySource").getDouble("recognised"));
        assertEquals(1.5, labels.getJsonObject("secondsByConfidence").getDouble("0-0.6"));
        assertEquals(2, new JsonObject(api.get(base + "?limit=2", KEY_A).body()).getJsonArray("items").size());
        assertEquals(404, api.get(base, KEY_B).statusCode(), "another tenant sees nothing");

        // the audio, whole and in part
        String audioPath = recognised.getString("audio");
        HttpResponse<byte[]> whole = api.getBytes(audioPath, KEY_A, null);
        assertEquals(200, whole.statusCode());
        assertEquals("audio/wav", whole.headers().firstValue("Content-Type").orElse(""));
        assertArrayEquals(wav, whole.body());
        HttpResponse<byte[]> part = api.getBytes(audioPath, KEY_A, "bytes=44-143");
        assertEquals(206, part.statusCode());
        assertEquals("bytes 44-143/" + wav.length, part.headers().firstValue("Content-Range").orElse(""));
        assertArrayEquals(Arrays.copyOfRange(wav, 44, 144), part.body());
        assertEquals(416, api.getBytes(audioPath, KEY_A, "bytes=999999-").statusCode());

        // fix the recognised text: the edited clip goes to the feature worker's topic
        String clipId = recognised.getString("clipId");
        HttpResponse<String> patched = patch(base + "/" + clipId, KEY_A, new JsonObject().put("text", "Press one to accept."));
        assertEquals(200, patched.statusCode(), patched.body());
        JsonObject edited = new JsonObject(patched.body());
        assertEquals("edited", edited.getString("source"));
        assertEquals(1.0, edited.getDouble("confidence"));
        assertTrue(edited.getBoolean("trainable"));
        SlicedClip published = lastClipRecord(clipId);
        assertEquals("Press one to accept.", published.getTranscript());
        assertEquals("edited", published.getLabelSource());
        assertTrue(published.getLabelTrainable() && published.getAccepted());
        assertEquals(audio.getKey(), published.getBlob().getKey(), "the same audio");
        assertEquals("Press one to accept.", new JsonObject(api.get(base + "/" + clipId, KEY_A).body()).getString("text"));
        // the voice's dataset summary counts the edit at once (live, from the clip view)
        JsonObject live = new JsonObject(api.get("/v1/voices/" + voiceId, KEY_A).body()).getJsonObject("dataset").getJsonObject("labels");
        assertEquals(3.0, live.getDouble("textSeconds"), live.encode());
        assertEquals(0.0, live.getDouble("provisionalTextSeconds"), live.encode());
        assertEquals(1.5, live.getJsonObject("secondsBySource").getDouble("edited"), live.encode());

        // confirm the aligned text as it is; bad edits are refused with the reason
        assertEquals(200, patch(base + "/" + aligned.getString("clipId"), KEY_A, new JsonObject().put("confirmed", true)).statusCode());
        HttpResponse<String> rejectedClip = patch(base + "/" + items.getJsonObject(2).getString("clipId"), KEY_A, new JsonObject().put("text", "hello"));
        assertEquals(409, rejectedClip.statusCode());
        assertTrue(rejectedClip.body().contains("too quiet"), rejectedClip.body());
        assertEquals(422, patch(base + "/" + clipId, KEY_A, new JsonObject()).statusCode());
        assertEquals(422, patch(base + "/" + clipId, KEY_A, new JsonObject().put("text", "x".repeat(2001))).statusCode());
        assertEquals(404, patch(base + "/" + clipId, KEY_B, new JsonObject().put("text", "mine now")).statusCode());
        assertEquals(404, patch(base + "/nope", KEY_A, new JsonObject().put("text", "x")).statusCode());
    }

    private HttpResponse<String> patch(String path, String key, JsonObject body) throws Exception {
        return api.send(api.builder(path, key).header("Content-Type", "application/json")
                .method("PATCH", HttpRequest.BodyPublishers.ofString(body.encode())).build());
    }

    /** The newest record of the clip on voxpipe.audio.clips. */
    private SlicedClip lastClipRecord(String clipId) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.bootstrapServers());
        p.put(ConsumerConfig.GROUP_ID_CONFIG, "clip-label-it-" + System.nanoTime());
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        var registry = new HttpSchemaRegistryClient(SchemaRegistryConfig.of(stack.registryUrl()));
        try (KafkaConsumer<String, SlicedClip> consumer = new KafkaConsumer<>(p, new StringDeserializer(),
                new AvroWireDeserializer<>(registry, SlicedClip.class))) {
            consumer.subscribe(List.of(Topics.AUDIO_CLIPS));
            List<SlicedClip> seen = new ArrayList<>();
            long deadline = System.nanoTime() + WAIT.toNanos();
            while (System.nanoTime() < deadline) {
                for (ConsumerRecord<String, SlicedClip> r : consumer.poll(Duration.ofMillis(300))) {
                    if (clipId.equals(r.key())) seen.add(r.value());
                }
                if (seen.stream().anyMatch(c -> "edited".equals(c.getLabelSource()))) break;
            }
            return seen.get(seen.size() - 1);
        }
    }
}
