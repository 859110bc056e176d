package dev.voxpipe.core.topics;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * Every topic of the pipeline, declared once. Workers use the name constants; the catalogue
 * creates or checks the topics at start.
 */
public final class Topics {

    public static final String VOICES = "voxpipe.voices";
    public static final String AUDIO_UPLOADED = "voxpipe.audio.uploaded";
    public static final String AUDIO_CLIPS = "voxpipe.audio.clips";
    public static final String FEATURES_MEL = "voxpipe.features.mel";
    public static final String VOICE_DATASETS = "voxpipe.voice.datasets";
    public static final String TRAINING_JOBS = "voxpipe.training.jobs";
    public static final String TRAINING_PROGRESS = "voxpipe.training.progress";
    public static final String MODELS_READY = "voxpipe.models.ready";
    public static final String SYNTHESIS_REQUESTS = "voxpipe.synthesis.requests";
    public static final String SYNTHESIS_CHUNKS = "voxpipe.synthesis.chunks";
    public static final String SYNTHESIS_CHUNK_RESULTS = "voxpipe.synthesis.chunk-results";
    public static final String SYNTHESIS_COMPLETED = "voxpipe.synthesis.completed";
    public static final String DEAD_LETTERS = "voxpipe.dead-letters";
    /** A chunk was synthesised: progress only, outside the synth worker's transactions (issue 22). */
    public static final String SYNTHESIS_PROGRESS = "voxpipe.synthesis.progress";
    /** Ingest's Idempotency-Key records, keyed by tenant + key digest (issue 22). */
    public static final String INGEST_IDEMPOTENCY = "voxpipe.ingest.idempotency";

    private static final int MIB = 1024 * 1024;
    private static final Duration WEEK = Duration.ofDays(7);

    /**
     * Partition counts follow the work: the CPU-heavy feature topics and the synthesis chunks get
     * the most so that many workers can share them; per-voice state gets fewer.
     */
    public static final List<TopicSpec> ALL = List.of(
            new TopicSpec(VOICES, 8, true, null, MIB, "VoiceCreated"),
            new TopicSpec(AUDIO_UPLOADED, 16, false, Duration.ofDays(30), MIB, "RawAudioUploaded"),
            new TopicSpec(AUDIO_CLIPS, 16, false, Duration.ofDays(30), 4 * MIB, "SlicedClip"),
            new TopicSpec(FEATURES_MEL, 16, false, Duration.ofDays(30), 8 * MIB, "MelFeatures"),
            new TopicSpec(VOICE_DATASETS, 8, true, null, 4 * MIB, "VoiceDatasetSummary"),
            new TopicSpec(TRAINING_JOBS, 8, false, Duration.ofDays(30), MIB, "TrainingJob"),
            new TopicSpec(TRAINING_PROGRESS, 8, false, WEEK, MIB, "TrainingProgress"),
            new TopicSpec(MODELS_READY, 8, true, null, MIB, "VoiceModelReady"),
            new TopicSpec(SYNTHESIS_REQUESTS, 8, false, Duration.ofDays(30), 2 * MIB, "SynthesisRequest"),
            new TopicSpec(SYNTHESIS_CHUNKS, 32, false, WEEK, MIB, "SynthesisChunk"),
            new TopicSpec(SYNTHESIS_CHUNK_RESULTS, 16, false, WEEK, MIB, "SynthesisChunkResult"),
            new TopicSpec(SYNTHESIS_COMPLETED, 8, false, Duration.ofDays(30), MIB, "SynthesisCompleted"),
            new TopicSpec(DEAD_LETTERS, 4, false, Duration.ofDays(30), 16 * MIB, "DeadLetter"),
            // compacted (a key's PENDING then COMPLETED keep one record) and deleted after 7 days:
            // keys are honoured 24 h, and a record older than that is only ignored
            new TopicSpec(INGEST_IDEMPOTENCY, 8, true, WEEK, MIB, "IdempotencyRecord"),
            new TopicSpec(SYNTHESIS_PROGRESS, 8, false, WEEK, MIB, "SynthesisProgress"));

    private Topics() {}

    public static Optional<TopicSpec> spec(String name) {
        return ALL.stream().filter(t -> t.name().equals(name)).findFirst();
    }
}
