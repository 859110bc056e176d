package dev.voxpipe.trainer.data;

import dev.voxpipe.core.blob.BlobStore;
import dev.voxpipe.core.messaging.MelTensors;
import dev.voxpipe.core.messaging.TopicView;
import dev.voxpipe.core.serde.AvroWireDeserializer;
import dev.voxpipe.core.serde.SchemaRegistryClient;
import dev.voxpipe.core.topics.Topics;
import dev.voxpipe.schemas.MelFeatures;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The mel features of every voice, indexed by voice, from the features topic. Only references are
 * held (issue 17): each clip's metadata without its tensor or F0 track, and where its record is
 * (partition, offset). A job fetches its voice's full records from Kafka ({@link #full}) and large
 * tensors from the blob store, so the index's memory follows the number of clips, not their size.
 */
public final class VoiceFeatureIndex implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(VoiceFeatureIndex.class);

    private final Map<String, Map<String, MelFeatures>> byVoice = new ConcurrentHashMap<>();
    /** clipId -> where its full record is on the features topic. */
    private final Map<String, long[]> positions = new ConcurrentHashMap<>();
    private final Properties kafka;
    private final Deserializer<MelFeatures> deserializer;
    private final TopicView<MelFeatures> view;

    public VoiceFeatureIndex(Properties kafka, SchemaRegistryClient registry) {
        this.kafka = kafka;
        this.deserializer = new AvroWireDeserializer<>(registry, MelFeatures.class);
        this.view = new TopicView<>(Topics.FEATURES_MEL, kafka, deserializer,
                (TopicView.Applier<MelFeatures>) (clipId, features, partition, offset) -> {
                    if (features == null) forget(clipId);
                    else accept(features, partition, offset);
                });
    }

    /** A tombstone: the clip's upload (or its voice) was deleted, so no training may use it any more. */
    void forget(String clipId) {
        if (clipId == null) return;
        positions.remove(clipId);
        for (Map<String, MelFeatures> clips : byVoice.values()) clips.remove(clipId);
    }

    /** Indexes a record found at {@code partition}/{@code offset}: a reference, never its tensor. */
    void accept(MelFeatures features, int partition, long offset) {
        if (features == null) return;
        MelFeatures slim = MelFeatures.newBuilder(features).setData(null).setF0Hz(null).build();
        byVoice.computeIfAbsent(features.getVoiceId(), v -> new ConcurrentHashMap<>()).put(features.getClipId(), slim);
        positions.put(features.getClipId(), new long[] {partition, offset});
    }

    /**
     * The full records (inline tensor, F0) of {@code clips}, read back from the features topic at their
     * positions; a clip whose record is gone (retention) is left out with a warning. Kafka errors are
     * thrown (transient: the job runs again).
     */
    public List<MelFeatures> full(List<MelFeatures> clips) {
        Map<TopicPartition, java.util.TreeSet<Long>> wanted = new java.util.HashMap<>();
        for (MelFeatures clip : clips) {
            long[] at = positions.get(clip.getClipId());
            if (at != null) wanted.computeIfAbsent(new TopicPartition(Topics.FEATURES_MEL, (int) at[0]), p -> new java.util.TreeSet<>()).add(at[1]);
        }
        Map<String, MelFeatures> found = new java.util.HashMap<>();
        if (!wanted.isEmpty()) {
            Properties props = new Properties();
            props.putAll(kafka);
            props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
            props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
            props.remove(ConsumerConfig.GROUP_ID_CONFIG);
            try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(props, new StringDeserializer(), new ByteArrayDeserializer())) {
                consumer.assign(wanted.keySet());
                wanted.forEach((tp, offsets) -> consumer.seek(tp, offsets.first()));
                Map<TopicPartition, Long> ends = consumer.endOffsets(wanted.keySet(), Duration.ofSeconds(30));
                long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
                java.util.Set<TopicPartition> open = new java.util.HashSet<>(wanted.keySet());
                while (!open.isEmpty()) {
                    if (System.nanoTime() > deadline) throw new org.apache.kafka.common.errors.TimeoutException("reading features back took over 2 min");
                    for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(500))) {
                        TopicPartition tp = new TopicPartition(r.topic(), r.partition());
                        if (wanted.get(tp).contains(r.offset()) && r.value() != null) {
                            MelFeatures f = deserializer.deserialize(r.topic(), r.value());
                            if (f != null) found.put(f.getClipId(), f);
                        }
                    }
                    open.removeIf(tp -> consumer.position(tp) > wanted.get(tp).last() || consumer.position(tp) >= ends.get(tp));
                }
            }
        }
        List<MelFeatures> out = new ArrayList<>(clips.size());
        for (MelFeatures clip : clips) {
            MelFeatures f = found.get(clip.getClipId());
            if (f != null) out.add(f);
            else if (clip.getBlob() != null) out.add(clip); // the tensor is in the blob store; no F0 then
            else log.warn("features of clip {} are no longer on the topic; left out", clip.getClipId());
        }
        return out;
    }

    public VoiceFeatureIndex start() {
        view.start();
        return this;
    }

    public boolean awaitCaughtUp(Duration timeout) throws InterruptedException {
        return view.awaitCaughtUp(timeout);
    }

    /** The voice's clips of one tenant, in a stable order (upload, then clip id). */
    public List<MelFeatures> clips(String tenantId, String voiceId) {
        List<MelFeatures> clips = new ArrayList<>();
        byVoice.getOrDefault(voiceId, Map.of()).values().stream()
                .filter(f -> f.getTenantId().equals(tenantId))
                .sorted(Comparator.comparing(MelFeatures::getUploadId).thenComparing(MelFeatures::getClipId))
                .forEach(clips::add);
        return clips;
    }

    public static double seconds(List<MelFeatures> clips) {
        return clips.stream().mapToDouble(f -> f.getFrameCount() / f.getFrameRate()).sum();
    }

    /** The [frames][bins] tensor of a clip, from inline bytes or the blob store. */
    public static float[][] load(MelFeatures features, BlobStore blobs) throws IOException {
        ByteBuffer data = features.getData();
        if (data == null) {
            if (features.getBlob() == null) throw new IOException("clip " + features.getClipId() + " has no mel data");
            try (InputStream in = blobs.open(features.getBlob().getKey())) {
                data = ByteBuffer.wrap(in.readAllBytes());
            }
        }
        return MelTensors.decode(data, features.getFrameCount(), features.getMelBins(), features.getEncoding());
    }

    /** Held clip references, over every voice (for tests and a gauge). */
    public int clipsHeld() {
        return positions.size();
    }

    @Override
    public void close() {
        view.close();
    }
}
