package dev.voxpipe.ingest.views;

import dev.voxpipe.schemas.RawAudioUploaded;
import dev.voxpipe.schemas.SynthesisChunkResult;
import dev.voxpipe.schemas.SynthesisCompleted;
import dev.voxpipe.schemas.SynthesisRequest;
import dev.voxpipe.schemas.TrainingJob;
import dev.voxpipe.schemas.TrainingProgress;
import dev.voxpipe.schemas.VoiceCreated;
import dev.voxpipe.schemas.VoiceDatasetSummary;
import dev.voxpipe.schemas.VoiceModelReady;
import dev.voxpipe.schemas.common.BlobRef;
import dev.voxpipe.schemas.common.Chapter;
import dev.voxpipe.schemas.common.ClipRejection;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Instant;

/** The JSON documents the stores hold, converted once from the Avro events. */
public final class ViewDocs {

    private ViewDocs() {}

    static String str(CharSequence s) {
        return s == null ? null : s.toString();
    }

    static String time(Instant t) {
        return t == null ? null : t.toString();
    }

    public static JsonObject blob(BlobRef ref) {
        if (ref == null) return null;
        return new JsonObject().put("key", str(ref.getKey())).put("sha256", str(ref.getSha256()))
                .put("sizeBytes", ref.getSizeBytes()).put("contentType", str(ref.getContentType()));
    }

    public static JsonObject voice(VoiceCreated v) {
        return new JsonObject()
                .put("voiceId", str(v.getVoiceId()))
                .put("tenantId", str(v.getTenantId()))
                .put("name", str(v.getName()))
                .put("language", str(v.getLanguage()))
                .put("consent", consent(v.getConsent()))
                .put("createdAt", time(v.getCreatedAt()));
    }

    /** The consent record: who attested, what, when, with which key; and whether and when it was revoked. */
    public static JsonObject consent(dev.voxpipe.schemas.common.ConsentAttestation c) {
        return new JsonObject()
                .put("state", c.getRevokedAt() == null ? "ACTIVE" : "REVOKED")
                .put("attestedBy", str(c.getAttestedBy()))
                .put("statement", str(c.getStatement()))
                .put("attestedAt", time(c.getAttestedAt()))
                .put("attestedWithKey", str(c.getAttestedWithKey()))
                .put("revokedAt", time(c.getRevokedAt()))
                .put("revokedWithKey", str(c.getRevokedWithKey()));
    }

    /** The Avro record back from a voice document's consent (for re-publishing the voice, e.g. on revocation). */
    public static dev.voxpipe.schemas.common.ConsentAttestation consent(JsonObject c) {
        return dev.voxpipe.schemas.common.ConsentAttestation.newBuilder()
                .setAttestedBy(c.getString("attestedBy"))
                .setStatement(c.getString("statement"))
                .setAttestedAt(Instant.parse(c.getString("attestedAt")))
                .setAttestedWithKey(c.getString("attestedWithKey"))
                .setRevokedAt(c.getString("revokedAt") == null ? null : Instant.parse(c.getString("revokedAt")))
                .setRevokedWithKey(c.getString("revokedWithKey"))
                .build();
    }

    public static boolean consentRevoked(JsonObject voice) {
        JsonObject c = voice.getJsonObject("consent");
        return c == null || c.getString("revokedAt") != null;
    }

    public static JsonObject dataset(VoiceDatasetSummary d) {
        JsonArray rejections = new JsonArray();
        for (ClipRejection r : d.getRejections()) {
            JsonArray reasons = new JsonArray();
            r.getReasons().forEach(x -> reasons.add(str(x)));
            rejections.add(new JsonObject().put("clipId", str(r.getClipId())).put("uploadId", str(r.getUploadId()))
                    .put("seconds", r.getSeconds()).put("reasons", reasons));
        }
        JsonArray uploadsRejected = new JsonArray();
        d.getUploadsRejected().forEach(x -> uploadsRejected.add(str(x)));
        JsonObject uploads = new JsonObject(); // uploadId -> its final state (internal: read by the upload's status)
        for (var o : d.getUploads()) {
            uploads.put(str(o.getUploadId()), new JsonObject().put("state", str(o.getState()))
                    .put("clipsAccepted", o.getClipsAccepted()).put("clipsRejected", o.getClipsRejected())
                    .put("usableSeconds", o.getUsableSeconds()).put("reason", str(o.getReason()))
                    .put("processedAt", time(o.getProcessedAt())).put("labelNote", str(o.getLabelNote())));
        }
        return new JsonObject()
                .put("tenantId", str(d.getTenantId()))
                .put("uploadOutcomes", uploads)
                .put("usableSeconds", d.getUsableSeconds())
                .put("clipsAccepted", d.getClipsAccepted())
                .put("clipsRejected", d.getClipsRejected())
                .put("rejections", rejections)
                .put("uploadsRejected", uploadsRejected)
                .put("labels", labels(d))
                .put("updatedAt", time(d.getUpdatedAt()));
    }

    /**
     * Seconds of accepted clips by label source and confidence band, how many of them training uses (issue 20), and
     * how many have text that is held back (provisional: training uses it only while the voice has too little
     * confirmed text).
     */
    static JsonObject labels(VoiceDatasetSummary d) {
        java.util.Map<String, Double> sources = new java.util.TreeMap<>();
        d.getSecondsByLabelSource().forEach((k, v) -> sources.put(str(k), v));
        java.util.Map<String, Double> bands = new java.util.TreeMap<>();
        d.getSecondsByConfidence().forEach((k, v) -> bands.put(str(k), v));
        JsonObject bySource = new JsonObject();
        sources.forEach(bySource::put);
        JsonObject byConfidence = new JsonObject();
        bands.forEach(byConfidence::put);
        // every labelled clip has text; what training does not use outright is held back (provisional)
        double labelled = sources.entrySet().stream().filter(e -> !e.getKey().equals("none")).mapToDouble(java.util.Map.Entry::getValue).sum();
        return new JsonObject().put("secondsBySource", bySource).put("secondsByConfidence", byConfidence)
                .put("textSeconds", d.getTextSeconds())
                .put("provisionalTextSeconds", Math.round(Math.max(0, labelled - d.getTextSeconds()) * 100) / 100.0);
    }

    public static JsonObject model(VoiceModelReady m) {
        JsonObject metrics = new JsonObject();
        m.getMetrics().forEach((k, v) -> metrics.put(str(k), v));
        return new JsonObject()
                .put("tenantId", str(m.getTenantId()))
                .put("version", m.getVersion())
                .put("jobId", str(m.getJobId()))
                .put("baseModel", str(m.getBaseModel()))
                .put("metrics", metrics)
                .put("readyAt", time(m.getEventTime()))
                // the uploads it was made from (empty: a model made before models recorded them)
                .put("uploadIds", new io.vertx.core.json.JsonArray(m.getUploadIds().stream().map(ViewDocs::str).toList()))
                // internal: what deleting the voice removes from the blob store (never in a response)
                .put("checkpointKey", m.getCheckpoint() == null ? null : str(m.getCheckpoint().getKey()))
                // internal: the final model's audition, the voice's sample (served by GET /v1/voices/{id}/sample)
                .put("sampleKey", m.getSample() == null ? null : str(m.getSample().getKey()));
    }

    public static JsonObject upload(RawAudioUploaded u) {
        return new JsonObject()
                .put("uploadId", str(u.getUploadId()))
                .put("voiceId", str(u.getVoiceId()))
                .put("tenantId", str(u.getTenantId()))
                .put("sizeBytes", u.getBlob().getSizeBytes())
                .put("sha256", str(u.getBlob().getSha256()))
                .put("declaredFormat", str(u.getDeclaredFormat()))
                .put("sniffedFormat", u.getSniffedFormat().name())
                .put("hasTranscript", u.getTranscript() != null)
                .put("uploadedAt", time(u.getEventTime()));
    }

    public static JsonObject job(TrainingJob j) {
        return new JsonObject()
                .put("jobId", str(j.getJobId()))
                .put("tenantId", str(j.getTenantId()))
                .put("voiceId", str(j.getVoiceId()))
                .put("epoch", j.getEpoch())
                .put("mode", j.getMode().name())
                .put("baseModel", str(j.getBaseModel()))
                .put("maxSteps", j.getMaxSteps())
                .put("usableSeconds", j.getUsableSeconds())
                .put("deadline", time(j.getDeadline()))
                .put("requestedAt", time(j.getRequestedAt()));
    }

    public static JsonObject progress(TrainingProgress p) {
        return new JsonObject()
                .put("tenantId", str(p.getTenantId()))
                .put("epoch", p.getEpoch())
                .put("state", p.getState().name())
                .put("step", p.getStep())
                .put("totalSteps", p.getTotalSteps())
                .put("loss", p.getLoss())
                .put("etaSeconds", p.getEtaSeconds())
                .put("cpuSeconds", p.getCpuSeconds())
                .put("gpuSeconds", p.getGpuSeconds())
                .put("energyWh", p.getEnergyWh())
                .put("energySource", p.getEnergySource().name().toLowerCase(java.util.Locale.ROOT))
                .put("deferredUntil", time(p.getDeferredUntil()))
                .put("carbonIntensity", p.getCarbonIntensity())
                .put("auditions", auditions(p))
                .put("workerId", str(p.getWorkerId()))
                .put("message", str(p.getMessage()))
                .put("updatedAt", time(p.getEventTime()))
                .put("eventMillis", p.getEventTime() == null ? 0 : p.getEventTime().toEpochMilli());
    }

    /** The event's auditions; {@code key} is internal (the API serves the audio by step and index). */
    static JsonArray auditions(TrainingProgress p) {
        JsonArray out = new JsonArray();
        for (dev.voxpipe.schemas.Audition a : p.getAuditions()) {
            out.add(new JsonObject().put("step", a.getStep()).put("index", a.getIndex()).put("text", str(a.getText()))
                    .put("durationSeconds", a.getDurationSeconds())
                    .put("key", str(a.getAudio().getKey())).put("sizeBytes", a.getAudio().getSizeBytes()));
        }
        return out;
    }

    /** Earlier auditions plus new ones, one per (step, index), in step then index order. */
    public static JsonArray mergeAuditions(JsonArray earlier, JsonArray added) {
        java.util.TreeMap<Long, JsonObject> byPosition = new java.util.TreeMap<>();
        for (JsonArray list : new JsonArray[]{earlier, added}) {
            if (list == null) continue;
            for (Object o : list) {
                JsonObject a = (JsonObject) o;
                byPosition.put(a.getInteger("step", 0) * 16L + a.getInteger("index", 0), a);
            }
        }
        return new JsonArray(new java.util.ArrayList<>(byPosition.values()));
    }

    public static JsonObject synthesisRequest(SynthesisRequest r, int textChars) {
        return new JsonObject()
                .put("requestId", str(r.getRequestId()))
                .put("tenantId", str(r.getTenantId()))
                .put("voiceId", str(r.getVoiceId()))
                .put("modelVersion", r.getModelVersion())
                .put("language", str(r.getLanguage()))
                .put("format", r.getFormat().name())
                .put("speed", r.getSpeed())
                .put("pitchShift", r.getPitchShift())
                .put("pitchRange", r.getPitchRange())
                .put("textChars", textChars)
                .put("textBlobKey", r.getTextBlob() == null ? null : str(r.getTextBlob().getKey())) // internal
                .put("referenceKey", r.getReference() == null ? null : str(r.getReference().getAudio().getKey())) // internal
                .put("zeroShot", r.getReference() != null)
                .put("streaming", r.getStreaming())
                .put("requestedAt", time(r.getEventTime()))
                .put("requestedMillis", r.getEventTime() == null ? 0 : r.getEventTime().toEpochMilli());
    }

    public static JsonObject chunk(SynthesisChunkResult c) {
        return new JsonObject()
                .put("i", c.getChunkIndex())
                .put("chunkCount", c.getChunkCount())
                .put("ok", c.getSucceeded())
                .put("audio", blob(c.getAudio()))
                .put("sampleRate", c.getSampleRate())
                .put("sampleCount", c.getSampleCount())
                .put("pauseAfterMs", c.getPauseAfterMs())
                .put("chapterTitle", str(c.getChapterTitle()))
                .put("synthesisSeconds", c.getSynthesisSeconds())
                .put("error", str(c.getError()))
                .put("at", c.getEventTime() == null ? 0 : c.getEventTime().toEpochMilli());
    }

    public static JsonObject completed(SynthesisCompleted c) {
        JsonArray chapters = new JsonArray();
        for (Chapter ch : c.getChapters()) {
            chapters.add(new JsonObject().put("title", str(ch.getTitle())).put("startSeconds", ch.getStartSeconds()));
        }
        return new JsonObject()
                .put("tenantId", str(c.getTenantId()))
                .put("succeeded", c.getSucceeded())
                .put("audio", blob(c.getAudio()))
                .put("format", c.getFormat().name())
                .put("durationSeconds", c.getDurationSeconds())
                .put("chunkCount", c.getChunkCount())
                .put("chapters", chapters)
                .put("realTimeFactor", c.getRealTimeFactor())
                .put("error", str(c.getError()))
                .put("completedAt", time(c.getEventTime()));
    }
}
