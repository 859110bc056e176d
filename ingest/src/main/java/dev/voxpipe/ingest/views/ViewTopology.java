package dev.voxpipe.ingest.views;

import dev.voxpipe.core.serde.AvroWireSerde;
import dev.voxpipe.core.serde.SchemaRegistryClient;
import dev.voxpipe.core.topics.Topics;
import dev.voxpipe.schemas.RawAudioUploaded;
import dev.voxpipe.schemas.SynthesisChunkResult;
import dev.voxpipe.schemas.SynthesisChunk;
import dev.voxpipe.schemas.SynthesisCompleted;
import dev.voxpipe.schemas.SynthesisProgress;
import dev.voxpipe.schemas.SynthesisRequest;
import dev.voxpipe.schemas.TrainingJob;
import dev.voxpipe.schemas.TrainingProgress;
import dev.voxpipe.schemas.VoiceCreated;
import dev.voxpipe.schemas.VoiceDatasetSummary;
import dev.voxpipe.schemas.VoiceModelReady;
import io.vertx.core.json.JsonObject;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;

/**
 * The views as Kafka Streams global stores: every instance holds every key, so any instance
 * behind a load balancer answers for any resource. Each store is fed by one topic through a small
 * processor that writes derived keys (per-tenant indexes, one entry per synthesis chunk).
 * {@code StreamsBuilder.addGlobalStore} re-runs these processors on restore, so the stores can be
 * rebuilt from the topics alone; every processor is idempotent, because a restore may replay
 * records it has seen.
 */
public final class ViewTopology {

    private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(ViewTopology.class);

    private ViewTopology() {}

    public static Topology build(SchemaRegistryClient registry) {
        StreamsBuilder builder = new StreamsBuilder();
        add(builder, registry, ViewStores.VOICES, Topics.VOICES, VoiceCreated.class, (store, key, v) -> {
            String old = store.get("v/" + key);
            if (v == null) {
                if (old != null) {
                    store.delete("t/" + new JsonObject(old).getString("tenantId") + "/" + key);
                    store.delete("v/" + key);
                }
                return;
            }
            JsonObject doc = ViewDocs.voice(v);
            store.put("v/" + key, doc.encode());
            store.put("t/" + v.getTenantId() + "/" + key, "1");
        });
        add(builder, registry, ViewStores.DATASETS, Topics.VOICE_DATASETS, VoiceDatasetSummary.class, (store, key, v) -> {
            if (v == null) store.delete(key);
            else store.put(key, ViewDocs.dataset(v).encode());
        });
        add(builder, registry, ViewStores.MODELS, Topics.MODELS_READY, VoiceModelReady.class, (store, key, v) -> {
            // The topic is compacted by voice: older versions survive here, not in the topic.
            if (v == null) { // the voice was deleted: forget every version
                deletePrefix(store, key + "/");
                store.delete(ViewStores.latestModelKey(key));
                return;
            }
            String doc = ViewDocs.model(v).encode();
            store.put(ViewStores.modelKey(v.getVoiceId(), v.getVersion()), doc);
            // The latest version under its own key: submitting a synthesis checks it with one read.
            String latest = store.get(ViewStores.latestModelKey(v.getVoiceId()));
            if (latest == null || new JsonObject(latest).getInteger("version") <= v.getVersion()) {
                store.put(ViewStores.latestModelKey(v.getVoiceId()), doc);
            }
        });
        add(builder, registry, ViewStores.UPLOADS, Topics.AUDIO_UPLOADED, RawAudioUploaded.class, (store, key, v) -> {
            if (v == null) { // the topic is keyed by voice: a tombstone is the voice's deletion
                deletePrefix(store, ViewStores.deletedUploadKey(key, ""));
                for (String uploadKey : deletePrefix(store, "v/" + key + "/")) {
                    String uploadId = uploadKey.substring(uploadKey.lastIndexOf('/') + 1);
                    String doc = store.get("u/" + uploadId);
                    if (doc != null) store.delete(ViewStores.digestKey(new JsonObject(doc).getString("sha256"), uploadId));
                    store.delete("u/" + uploadId);
                }
                return;
            }
            if (v.getDeletedAt() != null) { // one upload deleted (DELETE .../samples/{uploadId}): forget it
                store.delete("u/" + v.getUploadId());
                store.delete("v/" + v.getVoiceId() + "/" + v.getUploadId());
                store.delete(ViewStores.digestKey(v.getBlob().getSha256(), v.getUploadId()));
                // remembered (ids and time only) so that models made from it can say so
                store.put(ViewStores.deletedUploadKey(v.getVoiceId(), v.getUploadId()), String.valueOf(v.getDeletedAt().toEpochMilli()));
                return;
            }
            store.put("u/" + v.getUploadId(), ViewDocs.upload(v).encode());
            store.put("v/" + v.getVoiceId() + "/" + v.getUploadId(), "1");
            // by digest: a deletion keeps a blob another voice's upload still uses
            store.put(ViewStores.digestKey(v.getBlob().getSha256(), v.getUploadId()), v.getVoiceId());
        });
        add(builder, registry, ViewStores.JOBS, Topics.TRAINING_JOBS, TrainingJob.class, (store, key, v) -> {
            if (v == null) return;
            String old = store.get("j/" + v.getJobId());
            // A re-issued job (higher epoch) replaces the older record; an older one never wins.
            if (old != null && new JsonObject(old).getInteger("epoch", 0) > v.getEpoch()) return;
            store.put("j/" + v.getJobId(), ViewDocs.job(v).encode());
            store.put("v/" + v.getVoiceId() + "/" + v.getJobId(), "1");
        });
        add(builder, registry, ViewStores.PROGRESS, Topics.TRAINING_PROGRESS, TrainingProgress.class, (store, key, v) -> {
            if (v == null) return;
            String old = store.get(v.getJobId());
            JsonObject doc = ViewDocs.progress(v);
            if (old != null) {
                JsonObject prev = new JsonObject(old);
                int prevEpoch = prev.getInteger("epoch", 0);
                // Each event carries only its new auditions: the document keeps every one the job announced, even
                // when the event itself is late (a late event's state never wins, its audio is still real).
                io.vertx.core.json.JsonArray auditions = ViewDocs.mergeAuditions(prev.getJsonArray("auditions"), doc.getJsonArray("auditions"));
                // Progress from a fenced-off worker (older epoch) or arriving late never goes backwards.
                boolean stale = prevEpoch > v.getEpoch()
                        || prevEpoch == v.getEpoch() && isFinal(prev.getString("state")) && !isFinal(doc.getString("state"))
                        || prevEpoch == v.getEpoch() && prev.getLong("eventMillis", 0L) > doc.getLong("eventMillis");
                if (stale) {
                    if (auditions.size() > prev.getJsonArray("auditions", new io.vertx.core.json.JsonArray()).size()) {
                        store.put(v.getJobId(), prev.put("auditions", auditions).encode());
                    }
                    return;
                }
                doc.put("auditions", auditions);
                // a heartbeat (the same report again, issue 22) says the worker lives, not that the job advanced:
                // the stall watchdog reads progressedMillis, the STALLED state eventMillis
                if (prevEpoch == v.getEpoch() && doc.getString("state").equals(prev.getString("state"))
                        && doc.getInteger("step").equals(prev.getInteger("step"))) {
                    doc.put("progressedMillis", prev.getLong("progressedMillis", prev.getLong("eventMillis", 0L)));
                }
            }
            if (!doc.containsKey("progressedMillis")) doc.put("progressedMillis", doc.getLong("eventMillis"));
            store.put(v.getJobId(), doc.encode());
        });
        add(builder, registry, ViewStores.SYNTH_REQUESTS, Topics.SYNTHESIS_REQUESTS, SynthesisRequest.class, (store, key, v) -> {
            if (v == null) return;
            int chars = v.getText() != null ? v.getText().length()
                    : v.getTextBlob() == null ? 0 : (int) Math.min(Integer.MAX_VALUE, v.getTextBlob().getSizeBytes());
            store.put(v.getRequestId(), ViewDocs.synthesisRequest(v, chars).encode());
            store.put("v/" + v.getVoiceId() + "/" + v.getRequestId(), "1"); // for deleting a voice's audio
        });
        add(builder, registry, ViewStores.SYNTH_CHUNKS, Topics.SYNTHESIS_CHUNK_RESULTS, SynthesisChunkResult.class, (store, key, v) -> {
            if (v == null) return;
            String chunkKey = ViewStores.chunkKey(v.getRequestId(), v.getChunkIndex());
            String old = store.get(chunkKey);
            JsonObject chunk = ViewDocs.chunk(v);
            boolean first = old == null;
            boolean upgrade = !first && !new JsonObject(old).getBoolean("ok") && v.getSucceeded();
            // Duplicates (a worker retried after a crash) never count twice; a success replaces a failure.
            if (!first && !upgrade) return;
            store.put(chunkKey, chunk.encode());
            String summaryKey = "s/" + v.getRequestId();
            String s = store.get(summaryKey);
            JsonObject summary = s == null ? new JsonObject().put("done", 0).put("failed", 0)
                    .put("synthesisSeconds", 0.0).put("firstAt", chunk.getLong("at")) : new JsonObject(s);
            if (first) summary.put("done", summary.getInteger("done") + 1);
            if (!v.getSucceeded()) summary.put("failed", summary.getInteger("failed") + 1);
            if (upgrade) summary.put("failed", Math.max(0, summary.getInteger("failed") - 1));
            summary.put("total", v.getChunkCount())
                    .put("tenantId", v.getTenantId())
                    .put("synthesisSeconds", summary.getDouble("synthesisSeconds") + v.getSynthesisSeconds())
                    .put("lastAt", Math.max(summary.getLong("lastAt", 0L), chunk.getLong("at")));
            store.put(summaryKey, summary.encode());
        });
        add(builder, registry, ViewStores.SYNTH_COMPLETED, Topics.SYNTHESIS_COMPLETED, SynthesisCompleted.class, (store, key, v) -> {
            String old = store.get(key);
            if (v == null) { // the synthesis (or its voice) was deleted: remember that, and nothing else
                store.put(key, ViewStores.DELETED_MARKER);
                return;
            }
            // a completion that arrives after the deletion does not bring the synthesis back
            if (old != null && new JsonObject(old).getBoolean("deleted", false)) return;
            // The first successful completion is the answer; a replayed or later duplicate changes nothing.
            if (old != null && new JsonObject(old).getBoolean("succeeded")) return;
            store.put(v.getRequestId(), ViewDocs.completed(v).encode());
        });
        // issue 22: a book's total as soon as its split is committed, read off its chunks (their text is not kept)
        add(builder, registry, ViewStores.SYNTH_SPLIT, Topics.SYNTHESIS_CHUNKS, SynthesisChunk.class, (store, key, v) -> {
            if (v == null || store.get(v.getRequestId()) != null) return;
            store.put(v.getRequestId(), Integer.toString(v.getChunkCount()));
        });
        // issue 22: chunk by chunk, from the synth worker's signal sent outside its transactions; each index counts once
        add(builder, registry, ViewStores.SYNTH_PROGRESS, Topics.SYNTHESIS_PROGRESS, SynthesisProgress.class, (store, key, v) -> {
            if (v == null) return;
            String chunkKey = ViewStores.chunkKey(v.getRequestId(), v.getChunkIndex());
            if (store.get(chunkKey) != null) return; // a batch redone after a crash reports its chunks again
            store.put(chunkKey, "1");
            String summaryKey = "s/" + v.getRequestId();
            String s = store.get(summaryKey);
            JsonObject summary = s == null ? new JsonObject().put("synthesized", 0) : new JsonObject(s);
            summary.put("synthesized", summary.getInteger("synthesized") + 1).put("total", v.getChunkCount())
                    .put("lastAt", Math.max(summary.getLong("lastAt", 0L), v.getEventTime().toEpochMilli()));
            store.put(summaryKey, summary.encode());
        });
        IdempotencyView.add(builder, registry); // issue 22: Idempotency-Key records shared by every instance
        DeadLetterView.add(builder, registry); // issue 17: dead letters visible to their tenant, counted per stage
        ClipView.add(builder, registry); // issue 20: a voice's clips with their labels
        return builder.build();
    }

    /** Deletes every key under {@code prefix}; returns them. */
    static java.util.List<String> deletePrefix(KeyValueStore<String, String> store, String prefix) {
        java.util.List<String> keys = new java.util.ArrayList<>();
        try (var it = store.range(prefix, prefix + "\uffff")) {
            while (it.hasNext()) keys.add(it.next().key);
        }
        keys.forEach(store::delete);
        return keys;
    }

    static boolean isFinal(String trainingState) {
        return "SUCCEEDED".equals(trainingState) || "FAILED".equals(trainingState);
    }

    @FunctionalInterface
    interface Apply<V> {
        void apply(KeyValueStore<String, String> store, String key, V value);
    }

    private static <V extends SpecificRecord> void add(StreamsBuilder builder, SchemaRegistryClient registry,
                                                       String storeName, String topic, Class<V> type, Apply<V> apply) {
        builder.addGlobalStore(
                Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(storeName), Serdes.String(), Serdes.String())
                        .withLoggingDisabled(),
                topic,
                Consumed.with(Serdes.String(), new AvroWireSerde<>(registry, type, false)).withName("source-" + storeName),
                () -> new Processor<String, V, Void, Void>() {
                    private KeyValueStore<String, String> store;

                    @Override
                    public void init(ProcessorContext<Void, Void> context) {
                        store = context.getStateStore(storeName);
                    }

                    @Override
                    public void process(Record<String, V> record) {
                        String key = record.key() == null ? "" : record.key();
                        try {
                            apply.apply(store, key, record.value());
                        } catch (RuntimeException e) {
                            // A malformed event must not stop the views: skip it and say which.
                            log.warn("view {} skipped a record with key {} from {}: {}", storeName, key, topic, e.toString());
                        }
                    }
                });
    }
}
