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
 * The voice models that were published, by voice and version, read from the models-ready topic.
 * Trainers use it to number versions and to skip jobs already done; synth workers to find a
 * voice's checkpoint. Memory is bounded by the voices, not by the traffic (issue 17): only the
 * latest {@code versionsKept} versions of a voice are held (an older version asked for by number is
 * unknown), each job's version as a small entry, and a voice's tombstone (its deletion) drops all of it.
 */
public final class VoiceModelCatalog implements AutoCloseable {

    public static final int DEFAULT_VERSIONS_KEPT = 3;

    private final Map<String, ConcurrentSkipListMap<Integer, VoiceModelReady>> byVoice = new ConcurrentHashMap<>();
    /** voiceId -> jobId -> what the job produced: answers "was this job done?" for every job, cheaply. */
    private final Map<String, Map<String, JobModel>> jobVersions = new ConcurrentHashMap<>();

    private record JobModel(int version, dev.voxpipe.schemas.common.BlobRef checkpoint, String tenantId, String baseModel) {}
    /** voiceId -> the highest version ever published (kept when older versions are dropped). */
    private final Map<String, Integer> highest = new ConcurrentHashMap<>();
    private final int versionsKept;
    private final TopicView<VoiceModelReady> view;

    public VoiceModelCatalog(Properties kafka, SchemaRegistryClient registry) {
        this(kafka, registry, DEFAULT_VERSIONS_KEPT);
    }

    public VoiceModelCatalog(Properties kafka, SchemaRegistryClient registry, int versionsKept) {
        this.versionsKept = Math.max(1, versionsKept);
        this.view = new TopicView<>(Topics.MODELS_READY, kafka,
                new AvroWireDeserializer<>(registry, VoiceModelReady.class), (key, model) -> {
                    if (model != null) remember(model);
                    else if (key != null) forget(key); // the topic is keyed by voice: a tombstone is its deletion
                });
    }

    /** Drops everything about a deleted voice. */
    void forget(String voiceId) {
        byVoice.remove(voiceId);
        jobVersions.remove(voiceId);
        highest.remove(voiceId);
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
        JobModel done = jobVersions.getOrDefault(voiceId, Map.of()).get(jobId);
        if (done == null) return Optional.empty();
        var versions = byVoice.get(voiceId);
        VoiceModelReady model = versions == null ? null : versions.get(done.version());
        if (model != null) return Optional.of(model);
        // an older version no longer held in full: the job is done; answer with what is kept of it
        return Optional.of(VoiceModelReady.newBuilder().setTenantId(done.tenantId()).setVoiceId(voiceId).setJobId(jobId)
                .setVersion(done.version()).setBaseModel(done.baseModel()).setCheckpoint(done.checkpoint()).setMetrics(Map.of())
                .setEventTime(java.time.Instant.EPOCH).build());
    }

    public int nextVersion(String voiceId) {
        return highest.getOrDefault(voiceId, 0) + 1;
    }

    /** Records a published model (the view, and this process right after it published one). */
    public void remember(VoiceModelReady model) {
        String voice = model.getVoiceId();
        var versions = byVoice.computeIfAbsent(voice, v -> new ConcurrentSkipListMap<>());
        versions.put(model.getVersion(), model);
        while (versions.size() > versionsKept) versions.pollFirstEntry();
        jobVersions.computeIfAbsent(voice, v -> new ConcurrentHashMap<>()).putIfAbsent(model.getJobId(),
                new JobModel(model.getVersion(), model.getCheckpoint(), model.getTenantId(), model.getBaseModel()));
        highest.merge(voice, model.getVersion(), Math::max);
    }

    /** How many full model records are held, over every voice (for tests and a gauge). */
    public int modelsHeld() {
        return byVoice.values().stream().mapToInt(Map::size).sum();
    }

    @Override
    public void close() {
        view.close();
    }
}
