package dev.voxpipe.ingest.views;

import dev.voxpipe.core.serde.AvroWireSerde;
import dev.voxpipe.core.serde.SchemaRegistryClient;
import dev.voxpipe.core.topics.Topics;
import dev.voxpipe.schemas.SlicedClip;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;

/**
 * A voice's clips with their labels (issue 20): a global store fed by {@code voxpipe.audio.clips}. Keys:
 * {@code c/<clipId>} the clip without its audio (which stays in the blob store), {@code v/<voiceId>/<clipId>} the
 * index. The topic is keyed by clip, so the latest record of a clip (an edit re-published by the API) replaces the
 * earlier one; a restore replays the same keys.
 */
public final class ClipView {

    private ClipView() {}

    public static void add(StreamsBuilder builder, SchemaRegistryClient registry) {
        builder.addGlobalStore(
                Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(ViewStores.CLIPS), Serdes.String(), Serdes.String())
                        .withLoggingDisabled(),
                Topics.AUDIO_CLIPS,
                Consumed.with(Serdes.String(), new AvroWireSerde<>(registry, SlicedClip.class, false)).withName("source-" + ViewStores.CLIPS),
                () -> new Processor<String, SlicedClip, Void, Void>() {
                    private KeyValueStore<String, String> store;

                    @Override
                    public void init(ProcessorContext<Void, Void> context) {
                        store = context.getStateStore(ViewStores.CLIPS);
                    }

                    @Override
                    public void process(Record<String, SlicedClip> record) {
                        SlicedClip clip = record.value();
                        if (clip == null) {
                            String old = record.key() == null ? null : store.get("c/" + record.key());
                            if (old != null) {
                                store.delete("v/" + new JsonObject(old).getString("voiceId") + "/" + record.key());
                                store.delete("c/" + record.key());
                            }
                            return;
                        }
                        store.put("c/" + clip.getClipId(), doc(clip).encode());
                        store.put("v/" + clip.getVoiceId() + "/" + clip.getClipId(), "1");
                    }
                });
    }

    /** Everything of the clip but its PCM: enough to list it, play it and publish an edited copy. */
    public static JsonObject doc(SlicedClip c) {
        JsonArray reasons = new JsonArray();
        c.getReasons().forEach(r -> reasons.add(r.toString()));
        JsonObject audio = c.getBlob() == null ? null : new JsonObject().put("key", c.getBlob().getKey())
                .put("sha256", c.getBlob().getSha256()).put("sizeBytes", c.getBlob().getSizeBytes())
                .put("contentType", c.getBlob().getContentType());
        return new JsonObject()
                .put("clipId", c.getClipId())
                .put("tenantId", c.getTenantId())
                .put("voiceId", c.getVoiceId())
                .put("uploadId", c.getUploadId())
                .put("clipIndex", c.getClipIndex())
                .put("clipCount", c.getClipCount())
                .put("startSample", c.getStartSample())
                .put("endSample", c.getEndSample())
                .put("sampleRate", c.getSampleRate())
                .put("seconds", (c.getEndSample() - c.getStartSample()) / (double) c.getSampleRate())
                .put("audio", audio)
                .put("loudnessLufs", finite(c.getLoudnessLufs()))
                .put("truePeakDbtp", finite(c.getTruePeakDbtp()))
                .put("snrDb", c.getSnrDb())
                .put("clippingRatio", c.getClippingRatio())
                .put("accepted", c.getAccepted())
                .put("reasons", reasons)
                .put("text", c.getTranscript())
                .put("needsAlignment", c.getNeedsAlignment())
                .put("source", c.getLabelSource() != null ? c.getLabelSource()
                        : c.getTranscript() == null || c.getTranscript().isBlank() ? null : "given")
                .put("confidence", c.getLabelConfidence() != null ? c.getLabelConfidence()
                        : c.getTranscript() == null || c.getTranscript().isBlank() ? null : 1.0)
                .put("note", c.getLabelNote())
                .put("trainable", c.getTranscript() != null && !c.getTranscript().isBlank() && c.getLabelTrainable())
                .put("eventTime", c.getEventTime() == null ? null : c.getEventTime().toEpochMilli());
    }

    /** JSON has no infinities: a silent sliver's loudness is -inf. */
    private static Double finite(double v) {
        return Double.isFinite(v) ? v : null;
    }
}
