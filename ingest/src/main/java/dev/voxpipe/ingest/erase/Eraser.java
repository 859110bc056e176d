package dev.voxpipe.ingest.erase;

import dev.voxpipe.core.blob.BlobKeys;
import dev.voxpipe.core.blob.BlobStore;
import dev.voxpipe.core.config.VoxConfig;
import dev.voxpipe.core.messaging.KafkaSettings;
import dev.voxpipe.core.serde.AvroWireDeserializer;
import dev.voxpipe.core.serde.SchemaRegistryClient;
import dev.voxpipe.core.topics.Topics;
import dev.voxpipe.ingest.api.ApiException;
import dev.voxpipe.ingest.auth.Principal;
import dev.voxpipe.ingest.kafka.EventPublisher;
import dev.voxpipe.ingest.views.ViewDocs;
import dev.voxpipe.ingest.views.ViewStores;
import dev.voxpipe.ingest.views.Views;
import dev.voxpipe.schemas.MelFeatures;
import dev.voxpipe.schemas.RawAudioUploaded;
import dev.voxpipe.schemas.SlicedClip;
import dev.voxpipe.schemas.VoiceCreated;
import dev.voxpipe.schemas.common.BlobRef;
import dev.voxpipe.schemas.common.ConsentAttestation;
import io.vertx.core.Context;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The right to be forgotten: deletes a voice (or one synthesis) end to end. Blocking; runs on a
 * blob worker thread. For a voice, in this order, so that a failure half way leaves a voice that
 * can be deleted again rather than orphaned bytes:
 * <ol>
 *   <li>its consent is revoked (the voice re-published), so the API and the workers refuse any new
 *       or queued work for it while the rest happens;</li>
 *   <li>every blob it owns is deleted: uploads, clips and mel features (found by reading the clip and
 *       feature topics), model deltas, the trainer's state and lease, synthesised chunks and books,
 *       book texts; a content-addressed upload that another voice's upload also uses is kept (and
 *       counted), with the clips and features cut from it;</li>
 *   <li>tombstones go to the compacted topics keyed by voice (voices, datasets, models) and to the
 *       uploads topic (keyed by voice, so the views forget the uploads), and every synthesis of the
 *       voice is marked deleted on the completions topic;</li>
 *   <li>an audit record (ids, counts, when, by which key; nothing of the voice itself) is written to
 *       the blob store under {@code audit/deletions/} and logged on {@code dev.voxpipe.audit}.</li>
 * </ol>
 */
public final class Eraser {

    private static final Logger log = LoggerFactory.getLogger(Eraser.class);
    private static final Logger audit = LoggerFactory.getLogger("dev.voxpipe.audit");
    private static final Duration PUBLISH_WAIT = Duration.ofSeconds(30);
    private static final Duration SCAN_LIMIT = Duration.ofMinutes(5);
    /** How long an upload's deletion waits for the features of its accepted clips. */
    static final Duration FEATURE_WAIT = Duration.ofSeconds(30);

    private final VoxConfig config;
    private final SchemaRegistryClient registry;
    private final BlobStore blobs;
    private final Views views;
    private final EventPublisher publisher;

    public Eraser(VoxConfig config, SchemaRegistryClient registry, BlobStore blobs, Views views, EventPublisher publisher) {
        this.config = config;
        this.registry = registry;
        this.blobs = blobs;
        this.views = views;
        this.publisher = publisher;
    }

    /** What a deletion did; also the body of the audit record (with who and when). */
    public record Outcome(String resource, String id, int blobsDeleted, int blobsAlreadyGone, int blobsKeptShared,
                          List<String> tombstones, Map<String, Integer> counts, List<Integer> modelsTrainedOnIt) {
        public Outcome(String resource, String id, int blobsDeleted, int blobsAlreadyGone, int blobsKeptShared,
                       List<String> tombstones, Map<String, Integer> counts) {
            this(resource, id, blobsDeleted, blobsAlreadyGone, blobsKeptShared, tombstones, counts, null);
        }

        public JsonObject toJson() {
            JsonObject c = new JsonObject();
            counts.forEach(c::put);
            JsonObject out = new JsonObject().put(resource + "Id", id).put("deleted", true)
                    .put("blobsDeleted", blobsDeleted).put("blobsAlreadyGone", blobsAlreadyGone)
                    .put("blobsKeptShared", blobsKeptShared).put("tombstones", new JsonArray(tombstones)).put("counts", c);
            // an upload: the voice's model versions made from it, which keep what they learned until trained again
            if (modelsTrainedOnIt != null) out.put("modelsTrainedOnIt", new JsonArray(modelsTrainedOnIt));
            return out;
        }
    }

    /** Deletes a voice and everything it owns; {@code voice} is its view document. */
    public Outcome eraseVoice(Context context, JsonObject voice, Principal principal) throws IOException {
        String voiceId = voice.getString("voiceId");
        revokeConsent(context, voice, principal);

        // uploads, with the ones whose bytes another voice also uploaded
        Set<String> keys = new LinkedHashSet<>();
        Set<String> sharedUploads = new LinkedHashSet<>();
        int keptShared = 0;
        List<String> uploads = ids(ViewStores.UPLOADS, "v/" + voiceId + "/");
        for (String uploadId : uploads) {
            JsonObject upload = views.get(ViewStores.UPLOADS, "u/" + uploadId).orElse(null);
            if (upload == null || upload.getString("sha256") == null) continue;
            String sha = upload.getString("sha256");
            boolean shared = views.scan(ViewStores.UPLOADS, "h/" + sha + "/", null, 10_000).stream()
                    .anyMatch(e -> !e.getValue().equals(voiceId));
            if (shared) {
                sharedUploads.add(uploadId);
                keptShared++;
            } else {
                keys.add(BlobKeys.contentAddressed(HexFormat.of().parseHex(sha)));
            }
        }
        // clips and mel features: only the topics know them
        int[] derived = {0, 0};
        scan(Topics.AUDIO_CLIPS, SlicedClip.class, clip -> {
            if (!voiceId.equals(clip.getVoiceId())) return;
            derived[0]++;
            if (clip.getBlob() != null && !sharedUploads.contains(clip.getUploadId())) keys.add(clip.getBlob().getKey());
        });
        scan(Topics.FEATURES_MEL, MelFeatures.class, mel -> {
            if (!voiceId.equals(mel.getVoiceId())) return;
            derived[1]++;
            BlobRef blob = mel.getBlob();
            if (blob != null && !sharedUploads.contains(mel.getUploadId())) keys.add(blob.getKey());
        });
        // models and training state
        for (var e : views.scan(ViewStores.MODELS, voiceId + "/", null, 10_000)) {
            String checkpoint = new JsonObject(e.getValue()).getString("checkpointKey");
            if (checkpoint != null) keys.add(checkpoint);
        }
        List<String> jobs = ids(ViewStores.JOBS, "v/" + voiceId + "/");
        for (String jobId : jobs) {
            // the trainer's own keys (TrainingJobRunner.stateKey, JobLease.key)
            keys.add("training/" + jobId + "/state.bin");
            keys.add("training/" + jobId + "/lease.properties");
            // audition samples (the voice's sample among them)
            views.get(ViewStores.PROGRESS, jobId).map(p -> p.getJsonArray("auditions")).ifPresent(auditions -> {
                for (Object a : auditions) {
                    String key = ((JsonObject) a).getString("key");
                    if (key != null) keys.add(key);
                }
            });
        }
        // synthesised audio
        List<String> syntheses = ids(ViewStores.SYNTH_REQUESTS, "v/" + voiceId + "/");
        for (String requestId : syntheses) keys.addAll(synthesisBlobs(requestId));

        int[] deleted = deleteAll(keys);

        List<String> tombstones = new ArrayList<>();
        // synthesis completions first, then the voice's own records; the voice record last of all
        for (String requestId : syntheses) tombstone(context, Topics.SYNTHESIS_COMPLETED, requestId, tombstones);
        tombstone(context, Topics.AUDIO_UPLOADED, voiceId, tombstones);
        tombstone(context, Topics.MODELS_READY, voiceId, tombstones);
        tombstone(context, Topics.VOICE_DATASETS, voiceId, tombstones);
        tombstone(context, Topics.VOICES, voiceId, tombstones);

        Map<String, Integer> counts = new java.util.LinkedHashMap<>();
        counts.put("uploads", uploads.size());
        counts.put("clips", derived[0]);
        counts.put("melFeatures", derived[1]);
        counts.put("trainingJobs", jobs.size());
        counts.put("syntheses", syntheses.size());
        Outcome outcome = new Outcome("voice", voiceId, deleted[0], deleted[1], keptShared, dedupe(tombstones), counts);
        writeAudit(outcome, voice.getString("tenantId"), principal);
        return outcome;
    }

    /**
     * Deletes one upload of a voice: its audio (unless another live upload, of any voice, has the same
     * bytes: then the upload's audio, clips and features are shared and kept, and counted), its clips'
     * audio and its mel features from the blob store; then a deletion record (the upload with
     * {@code deletedAt}) on the uploads topic, on which the feature worker takes the upload's share out of
     * the voice's dataset and tombstones its clips and features, and the views forget it. Refused (409)
     * while the feature worker has not finished with the upload. Waits up to {@link #FEATURE_WAIT} for the
     * features of its accepted clips, so none is written after the blobs were deleted.
     */
    public Outcome eraseUpload(Context context, JsonObject voice, JsonObject upload, Principal principal) throws IOException {
        String voiceId = voice.getString("voiceId");
        String uploadId = upload.getString("uploadId");
        String sha = upload.getString("sha256");
        JsonObject outcome = views.get(ViewStores.DATASETS, voiceId)
                .map(d -> d.getJsonObject("uploadOutcomes", new JsonObject()).getJsonObject(uploadId)).orElse(null);
        if (outcome == null) {
            throw new ApiException(409, "upload_in_progress", "the upload is still being processed; delete it once its state is "
                    + "PROCESSED or REJECTED", null, 5);
        }
        boolean shared = views.scan(ViewStores.UPLOADS, "h/" + sha + "/", null, 10_000).stream()
                .anyMatch(e -> !e.getKey().endsWith("/" + uploadId));
        Set<String> keys = new LinkedHashSet<>();
        if (!shared) keys.add(BlobKeys.contentAddressed(HexFormat.of().parseHex(sha)));
        // its clips, from the clip view (every clip of a processed upload is there: the feature worker wrote them
        // in the same transaction as the outcome)
        Set<String> acceptedClips = new LinkedHashSet<>();
        int clips = 0;
        String prefix = "v/" + voiceId + "/";
        for (var e : views.scan(ViewStores.CLIPS, prefix + uploadId + "-", null, 1_000_000)) {
            JsonObject clip = views.get(ViewStores.CLIPS, "c/" + e.getKey().substring(prefix.length())).orElse(null);
            if (clip == null || !uploadId.equals(clip.getString("uploadId"))) continue;
            clips++;
            if (Boolean.TRUE.equals(clip.getBoolean("accepted"))) acceptedClips.add(clip.getString("clipId"));
            JsonObject audio = clip.getJsonObject("audio");
            if (!shared && audio != null && audio.getString("key") != null) keys.add(audio.getString("key"));
        }
        // its features: the clip stage runs behind the upload stage, so wait (bounded) for those still missing
        Set<String> withFeatures = new LinkedHashSet<>();
        long deadline = System.nanoTime() + FEATURE_WAIT.toNanos();
        while (true) {
            scan(Topics.FEATURES_MEL, MelFeatures.class, mel -> {
                if (!uploadId.equals(mel.getUploadId())) return;
                withFeatures.add(mel.getClipId());
                if (!shared && mel.getBlob() != null) keys.add(mel.getBlob().getKey());
            });
            if (withFeatures.containsAll(acceptedClips) || System.nanoTime() > deadline) break;
            try {
                Thread.sleep(500);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw ApiException.unavailable("interrupted; retry the deletion", 5);
            }
        }
        Set<String> missing = new LinkedHashSet<>(acceptedClips);
        missing.removeAll(withFeatures);
        if (!missing.isEmpty()) {
            log.warn("upload {} deleted while {} of its clips have no features yet (dead-lettered, or the clip stage is behind)",
                    uploadId, missing.size());
        }

        int[] deleted = deleteAll(keys);

        RawAudioUploaded deletion = RawAudioUploaded.newBuilder()
                .setTenantId(voice.getString("tenantId")).setVoiceId(voiceId).setUploadId(uploadId)
                .setBlob(BlobRef.newBuilder().setKey(BlobKeys.contentAddressed(HexFormat.of().parseHex(sha))).setSha256(sha)
                        .setSizeBytes(upload.getLong("sizeBytes", 0L)).build())
                .setDeclaredFormat(upload.getString("declaredFormat", ""))
                .setSniffedFormat(dev.voxpipe.schemas.common.AudioFormat.valueOf(upload.getString("sniffedFormat", "UNKNOWN")))
                .setConsent(ViewDocs.consent(voice.getJsonObject("consent")))
                .setEventTime(Instant.now().truncatedTo(ChronoUnit.MILLIS))
                .setDeletedAt(Instant.now().truncatedTo(ChronoUnit.MILLIS))
                .build();
        await(publisher.publish(context, Topics.AUDIO_UPLOADED, voiceId, deletion));

        Map<String, Integer> counts = new java.util.LinkedHashMap<>();
        counts.put("clips", clips);
        counts.put("melFeatures", withFeatures.size());
        counts.put("clipsWithoutFeatures", missing.size());
        // the clips' and features' tombstones are written by the feature worker, on the deletion record
        List<Integer> models = new ArrayList<>();
        for (var e : views.scan(ViewStores.MODELS, voiceId + "/", null, 10_000)) {
            JsonObject model = new JsonObject(e.getValue());
            if (model.getJsonArray("uploadIds", new JsonArray()).contains(uploadId)) models.add(model.getInteger("version"));
        }
        Outcome result = new Outcome("upload", uploadId, deleted[0], deleted[1], shared ? 1 : 0,
                List.of(Topics.AUDIO_UPLOADED + " (deletion record)"), counts, models);
        writeAudit(result, voice.getString("tenantId"), principal);
        return result;
    }

    /** Deletes one synthesis: its chunks, its book and its text; the API answers 404 for it afterwards. */
    public Outcome eraseSynthesis(Context context, JsonObject request, Principal principal) throws IOException {
        String requestId = request.getString("requestId");
        int[] deleted = deleteAll(synthesisBlobs(requestId));
        List<String> tombstones = new ArrayList<>();
        tombstone(context, Topics.SYNTHESIS_COMPLETED, requestId, tombstones);
        Outcome outcome = new Outcome("synthesis", requestId, deleted[0], deleted[1], 0, tombstones, Map.of());
        writeAudit(outcome, request.getString("tenantId"), principal);
        return outcome;
    }

    private Set<String> synthesisBlobs(String requestId) {
        Set<String> keys = new LinkedHashSet<>();
        views.get(ViewStores.SYNTH_REQUESTS, requestId).map(r -> r.getString("textBlobKey")).ifPresent(keys::add);
        views.get(ViewStores.SYNTH_REQUESTS, requestId).map(r -> r.getString("referenceKey")).ifPresent(keys::add);
        for (var e : views.scan(ViewStores.SYNTH_CHUNKS, "c/" + requestId + "/", null, 1_000_000)) {
            JsonObject audio = new JsonObject(e.getValue()).getJsonObject("audio");
            if (audio != null && audio.getString("key") != null) keys.add(audio.getString("key"));
        }
        views.get(ViewStores.SYNTH_COMPLETED, requestId).map(c -> c.getJsonObject("audio"))
                .map(a -> a.getString("key")).ifPresent(keys::add);
        return keys;
    }

    private List<String> ids(String store, String prefix) {
        Set<String> ids = new LinkedHashSet<>();
        for (var e : views.scan(store, prefix, null, 1_000_000)) ids.add(e.getKey().substring(prefix.length()));
        for (String key : views.recentKeys(store, prefix)) ids.add(key.substring(prefix.length()));
        return new ArrayList<>(ids);
    }

    /** Deletes each key; returns {deleted, already gone}. */
    private int[] deleteAll(Set<String> keys) throws IOException {
        int[] counts = {0, 0};
        for (String key : keys) {
            if (key == null) continue;
            if (blobs.delete(key)) counts[0]++;
            else counts[1]++;
        }
        return counts;
    }

    private void revokeConsent(Context context, JsonObject voice, Principal principal) {
        if (ViewDocs.consentRevoked(voice)) return;
        ConsentAttestation revoked = ConsentAttestation.newBuilder(ViewDocs.consent(voice.getJsonObject("consent")))
                .setRevokedAt(Instant.now().truncatedTo(ChronoUnit.MILLIS)).setRevokedWithKey(principal.keyLabel()).build();
        VoiceCreated event = VoiceCreated.newBuilder()
                .setTenantId(voice.getString("tenantId")).setVoiceId(voice.getString("voiceId")).setName(voice.getString("name"))
                .setLanguage(voice.getString("language")).setConsent(revoked)
                .setCreatedAt(Instant.parse(voice.getString("createdAt"))).build();
        await(publisher.publish(context, Topics.VOICES, voice.getString("voiceId"), event));
    }

    private void tombstone(Context context, String topic, String key, List<String> done) {
        await(publisher.publish(context, topic, key, (SpecificRecord) null));
        done.add(topic);
    }

    private static <T> T await(io.vertx.core.Future<T> future) {
        try {
            return future.toCompletionStage().toCompletableFuture().get(PUBLISH_WAIT.toSeconds(), TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof ApiException api) throw api;
            throw ApiException.unavailable("the deletion could not be committed to Kafka; nothing is lost, retry", 5);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw ApiException.unavailable("interrupted; retry the deletion", 5);
        } catch (java.util.concurrent.TimeoutException e) {
            throw ApiException.unavailable("Kafka did not acknowledge the deletion in time; retry", 5);
        }
    }

    private static List<String> dedupe(List<String> topics) {
        return new ArrayList<>(new LinkedHashSet<>(topics));
    }

    private void writeAudit(Outcome outcome, String tenantId, Principal principal) throws IOException {
        JsonObject record = outcome.toJson()
                .put("action", outcome.resource() + "_deleted")
                .put("tenantId", tenantId)
                .put("byKey", principal.keyLabel())
                .put("at", Instant.now().toString());
        String key = "audit/deletions/" + outcome.resource() + "/" + outcome.id() + ".json";
        blobs.putAt(key, new ByteArrayInputStream(record.encodePrettily().getBytes(StandardCharsets.UTF_8)), "application/json");
        audit.info("{} deleted: id={} tenant={} key={} blobsDeleted={} blobsAlreadyGone={} blobsKeptShared={} tombstones={} counts={} modelsTrainedOnIt={}",
                outcome.resource(), outcome.id(), tenantId, principal.keyLabel(), outcome.blobsDeleted(), outcome.blobsAlreadyGone(),
                outcome.blobsKeptShared(), outcome.tombstones(), outcome.counts(), outcome.modelsTrainedOnIt());
    }

    /** Reads a whole topic (read_committed, no consumer group) and hands every decodable record to {@code each}. */
    private <V extends SpecificRecord> void scan(String topic, Class<V> type, Consumer<V> each) {
        Properties props = KafkaSettings.common(config);
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        props.remove(ConsumerConfig.GROUP_ID_CONFIG);
        AvroWireDeserializer<V> values = new AvroWireDeserializer<>(registry, type);
        long deadline = System.nanoTime() + SCAN_LIMIT.toNanos();
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(props, new StringDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic, Duration.ofSeconds(30)).stream()
                    .map(p -> new TopicPartition(topic, p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> ends = new HashMap<>(consumer.endOffsets(partitions));
            ends.values().removeIf(end -> end == 0);
            while (!ends.isEmpty()) {
                if (System.nanoTime() > deadline) {
                    throw ApiException.unavailable("reading " + topic + " took too long; retry the deletion", 5);
                }
                for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(250))) {
                    if (record.value() == null) continue;
                    try {
                        each.accept(values.deserialize(topic, record.value()));
                    } catch (RuntimeException e) {
                        log.warn("deletion scan skips {}-{}@{}: {}", topic, record.partition(), record.offset(), e.toString());
                    }
                }
                ends.entrySet().removeIf(e -> consumer.position(e.getKey()) >= e.getValue());
            }
        }
    }
}
