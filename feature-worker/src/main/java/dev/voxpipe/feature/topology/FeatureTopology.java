package dev.voxpipe.feature.topology;

import dev.voxpipe.core.blob.BlobStore;
import dev.voxpipe.core.topics.Topics;
import dev.voxpipe.schemas.RawAudioUploaded;
import dev.voxpipe.schemas.SlicedClip;
import dev.voxpipe.schemas.VoiceDatasetSummary;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.state.Stores;

/**
 * The feature worker's topology, a plain function of its inputs:
 * <pre>
 * audio.uploaded (key voiceId) --UploadProcessor[summary, digest, contribution stores]--> audio.clips (key clipId)
 *                                                               \-> voice.datasets (key voiceId), dead-letters
 * audio.clips (key clipId)     --ClipFeatureProcessor----------> features.mel (key clipId), dead-letters
 * </pre>
 * The clip topic doubles as the repartition by clipId: each upload is decoded and sliced once, on
 * the instance owning its voice, while mel and F0 of its clips run on whichever instances own the
 * clips' partitions. Values are read as bytes and decoded inside the processors so that a record
 * that is not valid Avro becomes a dead letter instead of stopping the stream.
 */
public final class FeatureTopology {
    public static final String SUMMARY_STORE = "voice-dataset-summaries";
    /** voiceId + "/" + sha256 of the upload's bytes -> the first upload with those bytes. */
    public static final String UPLOAD_DIGEST_STORE = "voice-upload-digests";
    /** uploadId -> what the upload added to its voice's summary ({@link UploadContribution}), taken back out when it is deleted. */
    public static final String UPLOAD_CONTRIBUTION_STORE = "voice-upload-contributions";

    private FeatureTopology() {
    }

    public static StreamsBuilder build(StreamsBuilder builder, FeatureSettings settings, FeatureSerdes serdes, BlobStore blobs, FeatureMetrics metrics) {
        builder.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(SUMMARY_STORE),
                Serdes.String(), serdes.of(VoiceDatasetSummary.class)));
        builder.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(UPLOAD_DIGEST_STORE),
                Serdes.String(), Serdes.String()));
        builder.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(UPLOAD_CONTRIBUTION_STORE),
                Serdes.String(), Serdes.String()));
        KStream<String, Routed> fromUploads = builder.stream(Topics.AUDIO_UPLOADED, Consumed.with(Serdes.String(), Serdes.ByteArray()).withName("uploads"))
                .process(() -> new UploadProcessor(settings, serdes.deserializer(RawAudioUploaded.class), blobs, metrics), SUMMARY_STORE, UPLOAD_DIGEST_STORE,
                        UPLOAD_CONTRIBUTION_STORE);
        KStream<String, Routed> fromClips = builder.stream(Topics.AUDIO_CLIPS, Consumed.with(Serdes.String(), Serdes.ByteArray()).withName("clips"))
                .process(() -> new ClipFeatureProcessor(settings, serdes.deserializer(SlicedClip.class), blobs, metrics));
        Serde<Routed> routed = Serdes.serdeFrom(routedSerializer(serdes.anyValue()), (topic, data) -> {
            throw new UnsupportedOperationException("Routed values are only written");
        });
        fromUploads.merge(fromClips).to((key, value, ctx) -> value.topic(), Produced.with(Serdes.String(), routed));
        return builder;
    }

    public static StreamsBuilder build(StreamsBuilder builder, FeatureSettings settings, FeatureSerdes serdes, BlobStore blobs) {
        return build(builder, settings, serdes, blobs, FeatureMetrics.noop());
    }

    private static Serializer<Routed> routedSerializer(Serializer<SpecificRecord> any) {
        return (topic, r) -> r == null ? null : any.serialize(topic, r.value());
    }
}
