package dev.voxpipe.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.voxpipe.core.blob.BlobKeys;
import dev.voxpipe.core.blob.BlobStore;
import dev.voxpipe.core.blob.FileSystemBlobStore;
import dev.voxpipe.core.config.VoxConfig;
import dev.voxpipe.core.messaging.KafkaSettings;
import dev.voxpipe.core.serde.AvroWireDeserializer;
import dev.voxpipe.core.serde.HttpSchemaRegistryClient;
import dev.voxpipe.core.serde.SchemaRegistryConfig;
import dev.voxpipe.core.topics.Topics;
import dev.voxpipe.localstack.LocalStack;
import dev.voxpipe.localstack.LocalStackExtension;
import dev.voxpipe.schemas.MelFeatures;
import dev.voxpipe.schemas.SlicedClip;
import dev.voxpipe.schemas.VoiceModelReady;
import dev.voxpipe.schemas.common.BlobRef;
import dev.voxpipe.core.serde.AvroWireSerializer;
import dev.voxpipe.core.serde.SchemaRegistryClient;
import java.time.Instant;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import dev.voxpipe.trainer.data.VoiceFeatureIndex;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code DELETE /v1/voices/{id}/samples/{uploadId}} on the real stack with the real feature worker (as in
 * {@code ./voxpipe serve}): the upload's audio, clips' audio and mel features leave the blob store, the
 * latest record of each of its clips on the clip and feature topics is a tombstone, the trainer's feature
 * index forgets them, the voice's dataset total goes down by exactly the upload's seconds, and the upload
 * answers 404. A file uploaded twice (counted once): deleting the counted copy takes its seconds out and
 * keeps the bytes the duplicate still points at.
 */
@ExtendWith(LocalStackExtension.class)
class UploadDeletionIT {

    private static final com.fasterxml.jackson.databind.ObjectMapper JSON = new com.fasterxml.jackson.databind.ObjectMapper();

    @TempDir Path dir;

    @Test
    void deletingOneUploadRemovesItsBlobsClipsAndFeaturesAndItsSecondsFromTheDataset(LocalStack stack) throws Exception {
        Map<String, String> extra = Map.of("voxpipe.ingest.application-id", "upload-deletion-ingest",
                "voxpipe.feature.application-id", "upload-deletion-feature",
                // every mel tensor through the blob store, so the test sees the feature blobs deleted too
                "voxpipe.feature.inline-max-bytes", "1024");
        try (LocalPipeline pipeline = LocalPipeline.start(stack, dir, null, extra, EnumSet.of(LocalPipeline.Worker.FEATURE));
             VoiceFeatureIndex training = new VoiceFeatureIndex(
                     KafkaSettings.common(VoxConfig.of(Map.of("voxpipe.kafka.bootstrap", stack.bootstrapServers()))),
                     new HttpSchemaRegistryClient(SchemaRegistryConfig.of(stack.registryUrl()))).start();
             BlobStore blobs = new FileSystemBlobStore(dir.resolve("blobs"))) {
            VoxPipeClient client = new VoxPipeClient(pipeline.baseUrl(), pipeline.apiKey());
            String voiceId = client.createVoice("deletion test", "en", "Test", "I am the speaker and I agree.").get("voiceId").asText();
            List<VoiceSample.Prompt> prompts = VoiceSample.bundled();
            String keep = client.uploadSample(voiceId, prompts.get(0).wav(), "audio/wav", prompts.get(0).transcript()).get("uploadId").asText();
            String gone = client.uploadSample(voiceId, prompts.get(1).wav(), "audio/wav", prompts.get(1).transcript()).get("uploadId").asText();
            String counted = client.uploadSample(voiceId, prompts.get(2).wav(), "audio/wav", null).get("uploadId").asText();
            String duplicate = client.uploadSample(voiceId, prompts.get(2).wav(), "audio/wav", null).get("uploadId").asText();
            for (String upload : List.of(keep, gone, counted, duplicate)) {
                await("upload " + upload + " processed", () -> Optional.of(sample(pipeline, voiceId, upload))
                        .filter(u -> u.path("state").asText().matches("PROCESSED|REJECTED")));
            }
            assertEquals("REJECTED", sample(pipeline, voiceId, duplicate).path("state").asText(), "the same bytes count once");
            double total = client.voice(voiceId).path("dataset").path("usableSeconds").asDouble();
            double goneSeconds = sample(pipeline, voiceId, gone).path("usableSeconds").asDouble();
            double countedSeconds = sample(pipeline, voiceId, counted).path("usableSeconds").asDouble();
            assertTrue(goneSeconds > 1 && countedSeconds > 1, goneSeconds + " / " + countedSeconds);

            // what the upload owns: its audio, its clips' audio and its clips' mel tensors
            Map<String, SlicedClip> clipsOfGone = latest(stack, Topics.AUDIO_CLIPS, SlicedClip.class, gone);
            Set<String> acceptedOfGone = clipsOfGone.values().stream().filter(SlicedClip::getAccepted)
                    .map(c -> c.getClipId().toString()).collect(Collectors.toSet());
            assertFalse(acceptedOfGone.isEmpty());
            await("features of every accepted clip", () -> Optional.of(training.clips("local", voiceId).stream()
                    .map(f -> f.getClipId().toString()).collect(Collectors.toSet())).filter(s -> s.containsAll(acceptedOfGone)));
            Map<String, MelFeatures> melsOfGone = latest(stack, Topics.FEATURES_MEL, MelFeatures.class, gone);
            Set<String> owned = new LinkedHashSet<>();
            owned.add(BlobKeys.contentAddressed(HexFormat.of().parseHex(sample(pipeline, voiceId, gone).path("sha256").asText())));
            clipsOfGone.values().stream().filter(c -> c.getBlob() != null).forEach(c -> owned.add(c.getBlob().getKey().toString()));
            melsOfGone.values().stream().filter(m -> m.getBlob() != null).forEach(m -> owned.add(m.getBlob().getKey().toString()));
            assertTrue(owned.size() >= 1 + 2 * acceptedOfGone.size(), "upload, clip and mel blobs: " + owned);
            for (String key : owned) assertTrue(blobs.stat(key).isPresent(), key);

            // a model made from `keep` and `gone`, published as the trainer publishes one
            try (KafkaProducer<String, SpecificRecord> producer = new KafkaProducer<>(Map.of("bootstrap.servers", stack.bootstrapServers()),
                    new StringSerializer(), new AvroWireSerializer<>(SchemaRegistryClient.http(SchemaRegistryConfig.of(stack.registryUrl())), true))) {
                producer.send(new ProducerRecord<>(Topics.MODELS_READY, voiceId, VoiceModelReady.newBuilder().setTenantId("local")
                        .setVoiceId(voiceId).setJobId("job-from-two-uploads").setVersion(1).setBaseModel("base")
                        .setCheckpoint(new BlobRef("models/local/" + voiceId + "/job-from-two-uploads.delta", "00", 1L, "application/octet-stream"))
                        .setEventTime(Instant.now()).setUploadIds(java.util.stream.Stream.of(keep, gone).sorted().toList()).build())).get();
            }
            await("the model in the voice's view", () -> Optional.of(client.voice(voiceId).path("model").path("latestVersion"))
                    .filter(v -> v.asInt() == 1));
            assertEquals("[]", client.voice(voiceId).path("model").path("latestTrainedOnDeletedUploads").toString());

            HttpResponse<String> deleted = delete(pipeline, "/v1/voices/" + voiceId + "/samples/" + gone);
            assertEquals(200, deleted.statusCode(), deleted.body());
            JsonNode outcome = JSON.readTree(deleted.body());
            assertEquals("[1]", outcome.path("modelsTrainedOnIt").toString(), "the model made from it: " + deleted.body());
            await("the model marked as holding the deleted upload", () -> Optional.of(client.voice(voiceId).path("model"))
                    .filter(m -> m.path("latestTrainedOnDeletedUploads").toString().equals("[\"" + gone + "\"]")
                            && m.path("versions").path(0).path("trainedOnDeletedUploads").toString().equals("[\"" + gone + "\"]")));
            assertEquals(owned.size(), outcome.path("blobsDeleted").asInt(), deleted.body());
            assertEquals(0, outcome.path("counts").path("clipsWithoutFeatures").asInt(), deleted.body());

            for (String key : owned) assertTrue(blobs.stat(key).isEmpty(), "still in the blob store: " + key);
            assertEquals(404, get(pipeline, "/v1/voices/" + voiceId + "/samples/" + gone).statusCode());
            assertEquals(404, delete(pipeline, "/v1/voices/" + voiceId + "/samples/" + gone).statusCode(), "a second DELETE");
            await("the dataset without the upload", () -> Optional.of(client.voice(voiceId).path("dataset").path("usableSeconds").asDouble())
                    .filter(s -> Math.abs(s - (total - goneSeconds)) < 1e-6));
            await("its clips tombstoned", () -> Optional.of(latestRaw(stack, Topics.AUDIO_CLIPS, clipsOfGone.keySet()))
                    .filter(m -> m.size() == clipsOfGone.size() && m.values().stream().allMatch(v -> v == null)));
            await("its features tombstoned", () -> Optional.of(latestRaw(stack, Topics.FEATURES_MEL, acceptedOfGone))
                    .filter(m -> m.size() == acceptedOfGone.size() && m.values().stream().allMatch(v -> v == null)));
            await("the trainer forgets its clips", () -> Optional.of(training.clips("local", voiceId).stream()
                    .noneMatch(f -> f.getUploadId().toString().equals(gone))).filter(b -> b));
            await("the clip list without them", () -> Optional.of(client.clips(voiceId, 500).path("items"))
                    .filter(items -> !items.toString().contains(gone)));
            assertTrue(blobs.stat("audit/deletions/upload/" + gone + ".json").isPresent(), "the audit record");

            // the counted copy of a duplicated file: its seconds go, the bytes stay for the duplicate
            String sharedKey = BlobKeys.contentAddressed(HexFormat.of().parseHex(sample(pipeline, voiceId, counted).path("sha256").asText()));
            HttpResponse<String> second = delete(pipeline, "/v1/voices/" + voiceId + "/samples/" + counted);
            assertEquals(200, second.statusCode(), second.body());
            assertEquals(1, JSON.readTree(second.body()).path("blobsKeptShared").asInt(), second.body());
            assertEquals("[]", JSON.readTree(second.body()).path("modelsTrainedOnIt").toString(), "no model was made from it");
            assertTrue(blobs.stat(sharedKey).isPresent(), "the duplicate still points at the bytes");
            await("the dataset without the counted copy", () -> Optional.of(client.voice(voiceId).path("dataset").path("usableSeconds").asDouble())
                    .filter(s -> Math.abs(s - (total - goneSeconds - countedSeconds)) < 1e-6));
            assertEquals("REJECTED", sample(pipeline, voiceId, duplicate).path("state").asText(), "the duplicate stays as it was");
            assertEquals("PROCESSED", sample(pipeline, voiceId, keep).path("state").asText());
        }
    }

    private static JsonNode sample(LocalPipeline pipeline, String voiceId, String uploadId) throws Exception {
        HttpResponse<String> r = get(pipeline, "/v1/voices/" + voiceId + "/samples/" + uploadId);
        assertEquals(200, r.statusCode(), r.body());
        return JSON.readTree(r.body());
    }

    private static HttpResponse<String> get(LocalPipeline pipeline, String path) throws Exception {
        return send(pipeline, "GET", path);
    }

    private static HttpResponse<String> delete(LocalPipeline pipeline, String path) throws Exception {
        return send(pipeline, "DELETE", path);
    }

    private static HttpResponse<String> send(LocalPipeline pipeline, String method, String path) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(URI.create(pipeline.baseUrl() + path)).timeout(Duration.ofSeconds(90))
                .header("Authorization", "Bearer " + pipeline.apiKey()).method(method, HttpRequest.BodyPublishers.noBody()).build();
        return HttpClient.newHttpClient().send(request, HttpResponse.BodyHandlers.ofString());
    }

    /** The latest decodable record of each key whose value belongs to {@code uploadId}. */
    private static <T extends org.apache.avro.specific.SpecificRecord> Map<String, T> latest(LocalStack stack, String topic, Class<T> type,
                                                                                          String uploadId) {
        AvroWireDeserializer<T> values = new AvroWireDeserializer<>(new HttpSchemaRegistryClient(SchemaRegistryConfig.of(stack.registryUrl())), type);
        Map<String, T> out = new HashMap<>();
        latestRaw(stack, topic, null).forEach((key, bytes) -> {
            if (bytes == null) return;
            T v = values.deserialize(topic, bytes);
            if (uploadId.equals(String.valueOf(v.get(v.getSchema().getField("uploadId").pos())))) out.put(key, v);
        });
        return out;
    }

    /** The latest value of each key (null for a tombstone), of {@code keys} only unless null. */
    private static Map<String, byte[]> latestRaw(LocalStack stack, String topic, Set<String> keys) {
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.bootstrapServers());
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        Map<String, byte[]> out = new HashMap<>();
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(props, new StringDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic, Duration.ofSeconds(30)).stream()
                    .map(p -> new TopicPartition(topic, p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> ends = new HashMap<>(consumer.endOffsets(partitions));
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (!ends.isEmpty() && System.nanoTime() < deadline) {
                for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                    if (keys == null || keys.contains(r.key())) out.put(r.key(), r.value());
                }
                ends.entrySet().removeIf(e -> consumer.position(e.getKey()) >= e.getValue());
            }
        }
        return out;
    }

    private interface Probe<T> {
        Optional<T> get() throws Exception;
    }

    private static <T> T await(String what, Probe<T> probe) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
        while (System.nanoTime() < deadline) {
            Optional<T> value = probe.get();
            if (value.isPresent()) return value.get();
            Thread.sleep(250);
        }
        throw new AssertionError("timed out waiting for " + what);
    }
}
