package dev.voxpipe.core.messaging;

import dev.voxpipe.core.serde.AvroWireDeserializer;
import dev.voxpipe.core.serde.SchemaRegistryClient;
import dev.voxpipe.core.topics.Topics;
import dev.voxpipe.schemas.VoiceModelReady;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;

/**
 * Every voice model that was published, by voice and version, read from the models-ready topic.
 * Trainers use it to number versions and to skip jobs already done; synth workers to find a
 * voice's checkpoint.
 */
public final class VoiceModelCatalog implements AutoCloseable {

    private final Map<String, ConcurrentSkipListMap<Integer, VoiceModelReady>> byVoice = new ConcurrentHashMap<>();
    private final TopicView<VoiceModelReady> view;

    public VoiceModelCatalog(Properties kafka, SchemaRegistryClient registry) {
        this.view = new TopicView<>(Topics.MODELS_READY, kafka,
                new AvroWireDeserializer<>(registry, VoiceModelReady.class), (key, model) -> {
                    if (model != null) {
                        byVoice.computeIfAbsent(model.getVoiceId(), v -> new ConcurrentSkipListMap<>())
                                .put(model.getVersion(), model);
                    }
                });
    }

    public VoiceModelCatalog start() {
        view.start();
        return this;
    }

    public boolean awaitCaughtUp(Duration timeout) throws InterruptedException {
        return view.awaitCaughtUp(timeout);
    }

    /** The newest model of a voice, or a given version. */
    public Optional<VoiceModelReady> find(String voiceId, Integer version) {
        var versions = byVoice.get(voiceId);
        if (versions == null || versions.isEmpty()) return Optional.empty();
        return Optional.ofNullable(version == null ? versions.lastEntry().getValue() : versions.get(version));
    }

    /** The model a job produced, if it was already published (a redelivered job is then done). */
    public Optional<VoiceModelReady> producedBy(String voiceId, String jobId) {
        var versions = byVoice.get(voiceId);
        if (versions == null) return Optional.empty();
        return versions.values().stream().filter(m -> m.getJobId().equals(jobId)).findFirst();
    }

    public int nextVersion(String voiceId) {
        return find(voiceId, null).map(m -> m.getVersion() + 1).orElse(1);
    }

    /** For the local, single-process case: record what this process just published. */
    public void remember(VoiceModelReady model) {
        byVoice.computeIfAbsent(model.getVoiceId(), v -> new ConcurrentSkipListMap<>()).put(model.getVersion(), model);
    }

    @Override
    public void close() {
        view.close();
    }
}
