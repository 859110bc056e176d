package dev.voxpipe.ingest.api;

import dev.voxpipe.core.topics.Topics;
import dev.voxpipe.ingest.audio.Segment;
import dev.voxpipe.ingest.audio.SegmentStreamer;
import dev.voxpipe.ingest.auth.Principal;
import dev.voxpipe.ingest.views.ClipView;
import dev.voxpipe.ingest.views.ViewStores;
import dev.voxpipe.ingest.views.Views;
import dev.voxpipe.schemas.SlicedClip;
import dev.voxpipe.schemas.common.BlobRef;
import io.vertx.core.WorkerExecutor;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A voice's clips and their labels (issue 20): list them with text, source (given, aligned, recognised, edited),
 * confidence and a link to the audio; play a clip (byte ranges); fix or confirm a clip's text. An edit is
 * published as the clip's next record on {@code voxpipe.audio.clips}: the feature worker computes its features
 * again with the new text, and the next training of the voice reads them (the trainer keeps the latest features
 * of each clip).
 */
final class ClipApi {

    static final int MAX_TEXT = 2000;

    private final Services services;
    private final Views views;
    private final WorkerExecutor workers;

    ClipApi(Services services, WorkerExecutor workers) {
        this.services = services;
        this.views = services.views();
        this.workers = workers;
    }

    void list(RoutingContext ctx) {
        Principal principal = Requests.principal(ctx);
        String voiceId = ctx.pathParam("voiceId");
        Requests.voice(views, principal, voiceId);
        int limit = Requests.pageSize(ctx, services.settings().defaultPageSize(), services.settings().maxPageSize());
        String after = ctx.request().getParam("after");
        String uploadId = ctx.request().getParam("uploadId");
        String prefix = "v/" + voiceId + "/";
        JsonArray items = new JsonArray();
        String last = null;
        boolean more = false;
        for (Map.Entry<String, String> e : views.scan(ViewStores.CLIPS, prefix, after == null ? null : prefix + after, Integer.MAX_VALUE)) {
            String clipId = e.getKey().substring(prefix.length());
            JsonObject clip = views.get(ViewStores.CLIPS, "c/" + clipId).orElse(null);
            if (clip == null || !principal.tenantId().equals(clip.getString("tenantId"))) continue;
            if (uploadId != null && !uploadId.equals(clip.getString("uploadId"))) continue;
            if (items.size() == limit) {
                more = true;
                break;
            }
            items.add(view(clip));
            last = clipId;
        }
        Requests.json(ctx, 200, new JsonObject().put("items", items).put("next", more ? last : null)
                .put("labels", summary(voiceId, principal.tenantId())));
    }

    void get(RoutingContext ctx) {
        Requests.json(ctx, 200, view(clip(ctx)));
    }

    /** The clip's normalised audio as 16-bit WAV; single byte ranges are honoured. */
    void audio(RoutingContext ctx) {
        JsonObject clip = clip(ctx);
        JsonObject audio = clip.getJsonObject("audio");
        if (audio == null) {
            throw new ApiException(404, "no_audio", "the clip was rejected (" + String.join(", ", reasons(clip))
                    + "); its audio is not kept", null, null);
        }
        long size = audio.getLong("sizeBytes");
        SegmentStreamer.serve(ctx, ctx.vertx().getOrCreateContext(), workers, services.blobs(),
                List.of(new Segment.BlobSpan(audio.getString("key"), 0, size)),
                response -> response.putHeader("Content-Type", "audio/wav").putHeader("Cache-Control", "private, max-age=3600"));
    }

    /**
     * {@code {"text": "..."}} replaces the clip's text; {@code {"confirmed": true}} accepts the text it has. Either
     * way the label becomes {@code edited} with confidence 1 and training uses it.
     */
    void patch(RoutingContext ctx) {
        Principal principal = Requests.principal(ctx);
        JsonObject voice = Requests.voice(views, principal, ctx.pathParam("voiceId"));
        Requests.requireConsent(voice);
        JsonObject clip = clip(ctx);
        JsonObject body = Requests.jsonBody(ctx);
        String text = Requests.string(body, "text", false, MAX_TEXT);
        Object confirmed = body.getValue("confirmed");
        if (confirmed != null && !(confirmed instanceof Boolean)) throw ApiException.badRequest("'confirmed' must be a boolean");
        if (text == null && !Boolean.TRUE.equals(confirmed)) {
            throw ApiException.invalid("send 'text' (the clip's corrected text) or 'confirmed': true (its text is right)",
                    new JsonObject().put("field", "text"));
        }
        if (text != null && text.isBlank()) throw ApiException.invalid("'text' must not be empty", new JsonObject().put("field", "text"));
        if (!clip.getBoolean("accepted", false)) {
            throw new ApiException(409, "clip_rejected", "the clip was rejected (" + String.join(", ", reasons(clip))
                    + "); no training uses it, so its text cannot be edited", null, null);
        }
        String newText = text != null ? text.strip() : clip.getString("text");
        if (newText == null || newText.isBlank()) {
            throw new ApiException(409, "no_text", "the clip has no text to confirm; send 'text'", null, null);
        }
        if (clip.getJsonObject("audio") == null) {
            throw new ApiException(409, "no_audio", "the clip's audio is not in the blob store (processed before"
                    + " clips were kept); upload the sample again", null, null);
        }
        SlicedClip edited = edited(clip, newText, Instant.now());
        String clipId = clip.getString("clipId");
        services.publisher().publish(ctx.vertx().getOrCreateContext(), Topics.AUDIO_CLIPS, clipId, edited)
                .onSuccess(md -> {
                    JsonObject doc = ClipView.doc(edited);
                    views.remember(ViewStores.CLIPS, "c/" + clipId, doc);
                    org.slf4j.LoggerFactory.getLogger("dev.voxpipe.audit").info("clip text edited: voice={} clip={} key={}",
                            clip.getString("voiceId"), clipId, principal.keyLabel());
                    Requests.json(ctx, 200, view(doc));
                })
                .onFailure(ctx::fail);
    }

    /** The clip as it was, with a person's text: source edited, confidence 1, trainable. Its audio is the same blob. */
    static SlicedClip edited(JsonObject clip, String text, Instant at) {
        JsonObject audio = clip.getJsonObject("audio");
        List<String> reasons = reasons(clip);
        return SlicedClip.newBuilder()
                .setClipId(clip.getString("clipId"))
                .setTenantId(clip.getString("tenantId"))
                .setVoiceId(clip.getString("voiceId"))
                .setUploadId(clip.getString("uploadId"))
                .setClipIndex(clip.getInteger("clipIndex"))
                .setClipCount(clip.getInteger("clipCount"))
                .setStartSample(clip.getLong("startSample"))
                .setEndSample(clip.getLong("endSample"))
                .setSampleRate(clip.getInteger("sampleRate"))
                .setBlob(BlobRef.newBuilder().setKey(audio.getString("key")).setSha256(audio.getString("sha256"))
                        .setSizeBytes(audio.getLong("sizeBytes")).setContentType(audio.getString("contentType")).build())
                .setInlinePcm16(null)
                .setLoudnessLufs(orInfinity(clip.getDouble("loudnessLufs")))
                .setTruePeakDbtp(orInfinity(clip.getDouble("truePeakDbtp")))
                .setSnrDb(clip.getDouble("snrDb", 0.0))
                .setClippingRatio(clip.getDouble("clippingRatio", 0.0))
                .setAccepted(clip.getBoolean("accepted", false))
                .setReasons(reasons)
                .setTranscript(text)
                .setNeedsAlignment(false)
                .setLabelSource("edited")
                .setLabelConfidence(1.0)
                .setLabelNote(null)
                .setLabelTrainable(true)
                .setEventTime(at)
                .build();
    }

    /** The live label seconds of a voice that has clips in the view; empty before the first clip arrives. */
    static java.util.Optional<JsonObject> liveLabels(Views views, String voiceId, String tenantId) {
        if (views.scan(ViewStores.CLIPS, "v/" + voiceId + "/", null, 1).isEmpty()) return java.util.Optional.empty();
        return java.util.Optional.of(summary(views, voiceId, tenantId));
    }

    private JsonObject summary(String voiceId, String tenantId) {
        return summary(views, voiceId, tenantId);
    }

    /**
     * Seconds of the voice's accepted clips by label source and confidence, as labelled now (edits included): with
     * text training uses ({@code textSeconds}) and with text held back from it ({@code provisionalTextSeconds}).
     */
    private static JsonObject summary(Views views, String voiceId, String tenantId) {
        Map<String, Double> bySource = new TreeMap<>();
        Map<String, Double> byConfidence = new TreeMap<>();
        double text = 0;
        double provisional = 0;
        double total = 0;
        String prefix = "v/" + voiceId + "/";
        for (Map.Entry<String, String> e : views.scan(ViewStores.CLIPS, prefix, null, Integer.MAX_VALUE)) {
            JsonObject clip = views.get(ViewStores.CLIPS, "c/" + e.getKey().substring(prefix.length())).orElse(null);
            if (clip == null || !tenantId.equals(clip.getString("tenantId")) || !clip.getBoolean("accepted", false)) continue;
            double seconds = clip.getDouble("seconds", 0.0);
            total += seconds;
            String source = clip.getString("source");
            bySource.merge(source == null ? "none" : source, seconds, Double::sum);
            Double confidence = clip.getDouble("confidence");
            byConfidence.merge(source == null ? "none" : band(confidence == null ? 1.0 : confidence), seconds, Double::sum);
            if (clip.getBoolean("trainable", false)) {
                text += seconds;
            } else if (source != null && clip.getString("text") != null) {
                provisional += seconds;
            }
        }
        JsonObject s = new JsonObject();
        bySource.forEach((k, v) -> s.put(k, round(v)));
        JsonObject c = new JsonObject();
        byConfidence.forEach((k, v) -> c.put(k, round(v)));
        // held-back text: training uses it too while a voice has too little confirmed text (the trainer's setting)
        return new JsonObject().put("acceptedSeconds", round(total)).put("textSeconds", round(text))
                .put("provisionalTextSeconds", round(provisional)).put("secondsBySource", s).put("secondsByConfidence", c);
    }

    static String band(double confidence) {
        if (confidence >= 0.9) return "0.9-1.0";
        if (confidence >= 0.8) return "0.8-0.9";
        if (confidence >= 0.6) return "0.6-0.8";
        return "0-0.6";
    }

    private JsonObject clip(RoutingContext ctx) {
        Principal principal = Requests.principal(ctx);
        String voiceId = ctx.pathParam("voiceId");
        Requests.voice(views, principal, voiceId);
        String clipId = ctx.pathParam("clipId");
        JsonObject clip = views.get(ViewStores.CLIPS, "c/" + clipId).orElse(null);
        if (clip == null || !principal.tenantId().equals(clip.getString("tenantId")) || !voiceId.equals(clip.getString("voiceId"))) {
            throw ApiException.notFound("clip", clipId);
        }
        return clip;
    }

    /** What a client sees of a clip: no tenant, no blob key; the audio as a link. */
    private static JsonObject view(JsonObject clip) {
        JsonObject v = new JsonObject()
                .put("clipId", clip.getString("clipId"))
                .put("uploadId", clip.getString("uploadId"))
                .put("index", clip.getInteger("clipIndex"))
                .put("startSeconds", round(clip.getLong("startSample") / (double) clip.getInteger("sampleRate")))
                .put("seconds", round(clip.getDouble("seconds", 0.0)))
                .put("accepted", clip.getBoolean("accepted", false))
                .put("reasons", clip.getJsonArray("reasons", new JsonArray()))
                .put("text", clip.getString("text"))
                .put("source", clip.getString("source"))
                .put("confidence", clip.getDouble("confidence"))
                .put("trainable", clip.getBoolean("trainable", false))
                .put("note", clip.getString("note"));
        if (clip.getJsonObject("audio") != null) {
            v.put("audio", "/v1/voices/" + clip.getString("voiceId") + "/clips/" + clip.getString("clipId") + "/audio");
        }
        return v;
    }

    private static List<String> reasons(JsonObject clip) {
        List<String> out = new ArrayList<>();
        clip.getJsonArray("reasons", new JsonArray()).forEach(r -> out.add(String.valueOf(r)));
        return out;
    }

    private static double orInfinity(Double v) {
        return v == null ? Double.NEGATIVE_INFINITY : v;
    }

    private static double round(double v) {
        return Math.round(v * 100) / 100.0;
    }
}
