package dev.voxpipe.ingest.views;

/** Names of the global stores the views live in, one per source topic. */
public final class ViewStores {

    /** {@code v/<voiceId>} voice document; {@code t/<tenant>/<voiceId>} index for listing. */
    public static final String VOICES = "ingest-voices";
    /** {@code <voiceId>} dataset summary. */
    public static final String DATASETS = "ingest-datasets";
    /** {@code <voiceId>/<version, 10 digits>} model version; {@code latest/<voiceId>} the newest. */
    public static final String MODELS = "ingest-models";
    /** {@code u/<uploadId>} upload; {@code v/<voiceId>/<uploadId>} index; {@code h/<sha256>/<uploadId>} → voice, by digest. */
    public static final String UPLOADS = "ingest-uploads";
    /** {@code j/<jobId>} job; {@code v/<voiceId>/<jobId>} index. */
    public static final String JOBS = "ingest-jobs";
    /** {@code <jobId>} latest progress. */
    public static final String PROGRESS = "ingest-training-progress";
    /** {@code <requestId>} synthesis request; {@code v/<voiceId>/<requestId>} index. */
    public static final String SYNTH_REQUESTS = "ingest-synthesis-requests";
    /** {@code s/<requestId>} counts; {@code c/<requestId>/<chunkIndex, 8 digits>} one finished chunk. */
    public static final String SYNTH_CHUNKS = "ingest-synthesis-chunks";
    /** {@code <requestId>} completion, or {@link #DELETED_MARKER} once the synthesis was deleted. */
    public static final String SYNTH_COMPLETED = "ingest-synthesis-completed";

    /** {@code c/<clipId>} clip with its label; {@code v/<voiceId>/<clipId>} index ({@link ClipView}). */
    public static final String CLIPS = "ingest-clips";

    /** The dead letters by tenant, and their count per stage ({@link DeadLetterView}). */
    public static final String DEAD_LETTERS = "ingest-dead-letters";
    /** {@code <requestId>} the number of chunks a synthesis was split into, as soon as the split is committed (issue 22). */
    public static final String SYNTH_SPLIT = "ingest-synthesis-split";
    /**
     * {@code c/<requestId>/<chunkIndex, 8 digits>} a chunk the synth worker reported synthesised (before its
     * batch commits); {@code s/<requestId>} their count ({@code synthesized}, {@code total}, {@code lastAt}).
     */
    public static final String SYNTH_PROGRESS = "ingest-synthesis-progress";
    /** {@code <tenantId>/<sha256 of the Idempotency-Key>} the key's request and answer ({@link IdempotencyView}). */
    public static final String IDEMPOTENCY = "ingest-idempotency";
    public static final String DELETED_MARKER = "{\"deleted\":true}";

    private ViewStores() {}

    /** An upload deleted on its own ({@code DELETE .../samples/{id}}); {@code uploadId ""} gives the voice's prefix. */
    public static String deletedUploadKey(String voiceId, String uploadId) {
        return "d/" + voiceId + "/" + uploadId;
    }

    public static String digestKey(String sha256, String uploadId) {
        return "h/" + sha256 + "/" + uploadId;
    }

    public static String chunkKey(String requestId, int chunkIndex) {
        return "c/" + requestId + "/" + String.format("%08d", chunkIndex);
    }

    public static String latestModelKey(String voiceId) {
        return "latest/" + voiceId;
    }

    public static String modelKey(String voiceId, int version) {
        return voiceId + "/" + String.format("%010d", version);
    }
}
