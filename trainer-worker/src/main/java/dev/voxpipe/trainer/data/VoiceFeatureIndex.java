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

/**
 * The mel features of every voice, indexed by voice, from the features topic. Only references
 * and small inline tensors are held; large tensors stay in the blob store until a job loads them.
 */
public final class VoiceFeatureIndex implements AutoCloseable {

    private final Map<String, Map<String, MelFeatures>> byVoice = new ConcurrentHashMap<>();
    private final TopicView<MelFeatures> view;

    public VoiceFeatureIndex(Properties kafka, SchemaRegistryClient registry) {
        this.view = new TopicView<>(Topics.FEATURES_MEL, kafka,
                new AvroWireDeserializer<>(registry, MelFeatures.class), (clipId, features) -> {
                    if (features != null) {
                        byVoice.computeIfAbsent(features.getVoiceId(), v -> new ConcurrentHashMap<>())
                                .put(features.getClipId(), features);
                    }
                });
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

    @Override
    public void close() {
        view.close();
    }
}
