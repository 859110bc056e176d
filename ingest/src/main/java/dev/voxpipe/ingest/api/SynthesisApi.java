package dev.voxpipe.ingest.api;

import dev.voxpipe.core.topics.Topics;
import dev.voxpipe.ingest.auth.Principal;
import dev.voxpipe.ingest.views.ViewStores;
import dev.voxpipe.ingest.views.Views;
import dev.voxpipe.schemas.SynthesisRequest;
import dev.voxpipe.schemas.common.AudioFormat;
import dev.voxpipe.schemas.common.BlobRef;
import dev.voxpipe.schemas.common.ReferenceClip;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.WorkerExecutor;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Locale;

/** Synthesis requests: submit (text inline or, for books, in the blob store), status with ETA, SSE. */
final class SynthesisApi {

    private final Services services;
    private final Views views;
    private final WorkerExecutor workers;
    private final VoiceApi voices;
    private final ReferenceClips references;

    SynthesisApi(Services services, WorkerExecutor workers, VoiceApi voices) {
        this.services = services;
        this.views = services.views();
        this.workers = workers;
        this.voices = voices;
        this.references = new ReferenceClips(services);
    }

    static AudioFormat format(String text) {
        if (text == null) return AudioFormat.WAV;
        return switch (text.toLowerCase(Locale.ROOT)) {
            case "wav" -> AudioFormat.WAV;
            case "flac" -> AudioFormat.FLAC;
            case "mp3" -> AudioFormat.MP3;
            case "opus", "ogg_opus", "ogg-opus" -> AudioFormat.OGG_OPUS;
            case "ogg", "vorbis", "ogg_vorbis", "ogg-vorbis" -> AudioFormat.OGG_VORBIS;
            default -> throw ApiException.invalid("'format' must be one of wav, flac, mp3, ogg_opus, ogg_vorbis",
                    new JsonObject().put("field", "format"));
        };
    }

    void submit(RoutingContext ctx) {
        Principal principal = Requests.principal(ctx);
        JsonObject body = Requests.jsonBody(ctx);
        String requestId = Idempotency.resourceId(ctx, "syn");
        if (Idempotency.resumed(ctx)) { // an earlier attempt with this key had an unknown outcome: did it land?
            JsonObject existing = views.get(ViewStores.SYNTH_REQUESTS, requestId).orElse(null);
            if (existing != null && principal.tenantId().equals(existing.getString("tenantId"))) {
                ctx.response().putHeader("Location", "/v1/synthesis/" + requestId);
                Requests.json(ctx, 202, queued(existing));
                return;
            }
        }
        enqueue(ctx.vertx().getOrCreateContext(), principal, body, requestId, () -> Idempotency.beforePublish(ctx)).onSuccess(doc -> {
            ctx.response().putHeader("Location", "/v1/synthesis/" + doc.getString("requestId"));
            Requests.json(ctx, 202, queued(doc));
        }).onFailure(ctx::fail);
    }

    /**
     * Validates a synthesis request body (throws {@link ApiException} when it is refused) and
     * publishes it; the future completes with the request's document once Kafka committed it.
     * {@code POST /v1/synthesis} and the GPT-SoVITS-compatible {@code /tts} both enqueue here.
     */
    Future<JsonObject> enqueue(Context context, Principal principal, JsonObject body) {
        return enqueue(context, principal, body, Ids.next("syn"), Future::succeededFuture);
    }

    /** As above, with the request's id chosen by the caller and a step to complete before the event is published. */
    Future<JsonObject> enqueue(Context context, Principal principal, JsonObject body, String requestId,
                               java.util.function.Supplier<Future<Void>> beforePublish) {
        String voiceId = Requests.string(body, "voiceId", true, 64);
        Object textValue = body.getValue("text");
        if (textValue == null) throw ApiException.invalid("'text' is required", new JsonObject().put("field", "text"));
        if (!(textValue instanceof String text)) throw ApiException.badRequest("'text' must be a string");
        int maxChars = services.settings().maxTextChars();
        if (text.length() > maxChars) {
            throw new ApiException(413, "text_too_long", "the text has " + text.length() + " characters; the limit is " + maxChars,
                    new JsonObject().put("characters", text.length()).put("maxCharacters", maxChars), null);
        }
        if (text.isBlank()) throw ApiException.invalid("'text' must not be empty", new JsonObject().put("field", "text"));
        AudioFormat format = format(Requests.string(body, "format", false, 20));
        Double speed = Requests.number(body, "speed");
        if (speed == null) speed = 1.0;
        if (speed < 0.5 || speed > 2.0) throw ApiException.invalid("'speed' must be from 0.5 to 2.0", new JsonObject().put("field", "speed"));
        double pitchShift = bounded(body, "pitchShift", 0, -12, 12, "semitones");
        double pitchRange = bounded(body, "pitchRange", 1, 0.25, 2, "times the voice's range");
        int sentencePause = pause(body, "sentencePauseMs", 300, 5000);
        int paragraphPause = pause(body, "paragraphPauseMs", 800, 10000);
        Double modelVersion = Requests.number(body, "modelVersion");
        if (modelVersion != null && (modelVersion < 1 || modelVersion != Math.floor(modelVersion) || modelVersion > Integer.MAX_VALUE)) {
            throw ApiException.invalid("'modelVersion' must be a whole number from 1", new JsonObject().put("field", "modelVersion"));
        }
        String requestedLanguage = Requests.string(body, "language", false, 16);
        if (requestedLanguage != null) Languages.require(requestedLanguage, "language");
        JsonObject voice = Requests.voice(views, principal, voiceId);
        Requests.requireConsent(voice);
        String language = requestedLanguage;
        if (language == null) {
            language = voice.getString("language", "en");
            if (!Languages.supported(language)) {
                throw ApiException.invalid("the voice's language '" + Errors.printable(language) + "' cannot be synthesised; pass 'language' (en, zh or auto)",
                        new JsonObject().put("field", "language"));
            }
        }
        Object referenceValue = body.getValue("reference");
        Object streamingValue = body.getValue("streaming");
        if (streamingValue != null && !(streamingValue instanceof Boolean)) {
            throw ApiException.invalid("'streaming' must be true or false", new JsonObject().put("field", "streaming"));
        }
        boolean streaming = Boolean.TRUE.equals(streamingValue);
        java.util.concurrent.Callable<ReferenceClip> referenceTask = null;
        if (referenceValue != null) {
            if (modelVersion != null) {
                throw ApiException.invalid("'modelVersion' and 'reference' exclude each other: a zero-shot synthesis uses no trained model",
                        new JsonObject().put("field", "modelVersion"));
            }
            referenceTask = references.prepare(principal, voiceId, referenceValue, requestId);
        } else if (views.get(ViewStores.MODELS, ViewStores.latestModelKey(voiceId)).isEmpty()) {
            throw new ApiException(409, "voice_not_ready", "the voice has no trained model yet; train it first",
                    new JsonObject().put("voiceId", voiceId), null);
        }
        if (modelVersion != null && views.get(ViewStores.MODELS, ViewStores.modelKey(voiceId, modelVersion.intValue())).isEmpty()) {
            throw ApiException.invalid("the voice has no model version " + modelVersion.intValue(),
                    new JsonObject().put("field", "modelVersion"));
        }
        byte[] utf8 = text.getBytes(StandardCharsets.UTF_8);
        Future<BlobRef> textBlob = utf8.length <= services.settings().inlineTextBytes() ? Future.succeededFuture(null)
                : workers.executeBlocking(() -> services.blobs().put(new ByteArrayInputStream(utf8), "text/plain; charset=utf-8"), false);
        final String lang = language;
        final double spd = speed;
        java.util.concurrent.Callable<ReferenceClip> task = referenceTask;
        Future<ReferenceClip> reference = task == null ? Future.succeededFuture(null) : workers.executeBlocking(task, false);
        return reference.compose(ref -> textBlob.compose(blob -> {
            SynthesisRequest event = SynthesisRequest.newBuilder()
                    .setRequestId(requestId).setTenantId(principal.tenantId()).setVoiceId(voiceId)
                    .setModelVersion(modelVersion == null ? null : modelVersion.intValue())
                    .setText(blob == null ? text : null).setTextBlob(blob)
                    .setLanguage(lang).setFormat(format).setSpeed(spd)
                    .setPitchShift(pitchShift).setPitchRange(pitchRange)
                    .setSentencePauseMs(sentencePause).setParagraphPauseMs(paragraphPause)
                    .setReference(ref).setStreaming(streaming)
                    .setEventTime(Instant.now()).build();
            return beforePublish.get().compose(v -> services.publisher().publish(context, Topics.SYNTHESIS_REQUESTS, requestId, event))
                    .map(md -> dev.voxpipe.ingest.views.ViewDocs.synthesisRequest(event, text.length()));
        })).onSuccess(doc -> views.remember(ViewStores.SYNTH_REQUESTS, requestId, doc));
    }

    /** A number field within [min, max], or its default when absent; 422 naming the field and the limits otherwise. */
    private static double bounded(JsonObject body, String field, double defaultValue, double min, double max, String unit) {
        Double value = Requests.number(body, field);
        if (value == null) return defaultValue;
        if (!(value >= min && value <= max)) {
            throw ApiException.invalid("'" + field + "' must be from " + min + " to " + max + " (" + unit + ")",
                    new JsonObject().put("field", field));
        }
        return value;
    }

    private static int pause(JsonObject body, String field, int defaultMs, int maxMs) {
        Double value = Requests.number(body, field);
        if (value == null) return defaultMs;
        if (value < 0 || value > maxMs) throw ApiException.invalid("'" + field + "' must be from 0 to " + maxMs, new JsonObject().put("field", field));
        return value.intValue();
    }

    /** The answer to a submission: nothing can have happened to it yet, so no store reads. */
    private static JsonObject queued(JsonObject request) {
        JsonObject result = Requests.withoutTenant(request);
        result.remove("requestedMillis");
        String base = "/v1/synthesis/" + request.getString("requestId");
        return result.put("state", "QUEUED")
                .put("progress", new JsonObject().put("chunksDone", 0).put("chunksSynthesized", 0).put("chunksTotal", null).put("chunksFailed", 0)
                        .put("fraction", null).put("etaSeconds", null))
                .put("links", new JsonObject().put("self", base).put("events", base + "/events").put("audio", base + "/audio"));
    }

    /** The request document if it belongs to the caller; 404 otherwise. */
    JsonObject request(Principal principal, String requestId) {
        if (!Ids.plausible(requestId)) throw ApiException.notFound("synthesis", requestId);
        JsonObject request = views.get(ViewStores.SYNTH_REQUESTS, requestId).orElse(null);
        if (request == null || !principal.tenantId().equals(request.getString("tenantId"))) {
            throw ApiException.notFound("synthesis", requestId);
        }
        // a deleted synthesis, or one of a deleted voice, is gone for the API
        boolean deleted = views.get(ViewStores.SYNTH_COMPLETED, requestId).map(c -> c.getBoolean("deleted", false)).orElse(false);
        if (deleted || views.get(ViewStores.VOICES, "v/" + request.getString("voiceId")).isEmpty()) {
            throw ApiException.notFound("synthesis", requestId);
        }
        return request;
    }

    JsonObject status(JsonObject request) {
        String requestId = request.getString("requestId");
        JsonObject result = Requests.withoutTenant(request);
        result.remove("requestedMillis");
        JsonObject summary = views.get(ViewStores.SYNTH_CHUNKS, "s/" + requestId).orElse(null);
        JsonObject completed = views.get(ViewStores.SYNTH_COMPLETED, requestId).orElse(null);
        int done = summary == null ? 0 : summary.getInteger("done", 0);
        // issue 22: the total as soon as the split is committed; progress chunk by chunk from the
        // synth worker's signal, ahead of the committed results (done), which the audio follows
        Integer total = summary == null ? null : summary.getInteger("total");
        JsonObject provisional = views.get(ViewStores.SYNTH_PROGRESS, "s/" + requestId).orElse(null);
        if (total == null) total = splitTotal(requestId);
        if (total == null && provisional != null) total = provisional.getInteger("total");
        if (completed != null && completed.getInteger("chunkCount") != null && completed.getInteger("chunkCount") > 0) {
            total = completed.getInteger("chunkCount");
        }
        int synthesized = Math.max(done, provisional == null ? 0 : provisional.getInteger("synthesized", 0));
        if (total != null) synthesized = Math.min(synthesized, total);
        if (completed != null && completed.getBoolean("succeeded") && total != null) synthesized = total;
        String state = completed != null ? (completed.getBoolean("succeeded") ? "SUCCEEDED" : "FAILED")
                : synthesized > 0 ? "IN_PROGRESS" : "QUEUED";
        JsonObject progress = new JsonObject()
                .put("chunksDone", done)
                .put("chunksSynthesized", synthesized)
                .put("chunksTotal", total)
                .put("chunksFailed", summary == null ? 0 : summary.getInteger("failed", 0))
                .put("fraction", total == null || total == 0 ? null : Math.min(1.0, synthesized / (double) total));
        Double eta = null;
        if (completed == null && total != null && synthesized > 0) {
            double elapsed = Math.max(0.001, (System.currentTimeMillis() - request.getLong("requestedMillis", 0L)) / 1000.0);
            eta = Math.max(0, (total - synthesized) * elapsed / synthesized);
        } else if (completed != null) {
            eta = 0.0;
        }
        progress.put("etaSeconds", eta);
        result.put("state", state).put("progress", progress);
        String base = "/v1/synthesis/" + requestId;
        result.put("links", new JsonObject().put("self", base).put("events", base + "/events").put("audio", base + "/audio"));
        if (completed != null) {
            JsonObject r = Requests.withoutTenant(completed);
            JsonObject audio = r.getJsonObject("audio");
            r.remove("audio");
            String workerError = (String) r.remove("error");
            if (!completed.getBoolean("succeeded", false)) r.put("reason", PublicReasons.synthesis(workerError));
            r.put("sizeBytes", audio == null ? null : audio.getLong("sizeBytes"));
            result.put("result", r);
        }
        return result;
    }

    /** The number of chunks the request was split into, once the split is committed; null before. */
    private Integer splitTotal(String requestId) {
        return views.getRaw(ViewStores.SYNTH_SPLIT, requestId).map(Integer::valueOf).orElse(null);
    }

    /** {@code DELETE /v1/synthesis/{id}}: its audio (chunks and book) and text leave the blob store; 404 afterwards. */
    void delete(RoutingContext ctx) {
        Principal principal = Requests.principal(ctx);
        JsonObject request = request(principal, ctx.pathParam("requestId"));
        String requestId = request.getString("requestId");
        Context context = ctx.vertx().getOrCreateContext();
        workers.executeBlocking(() -> services.eraser().eraseSynthesis(context, request, principal), false)
                .onSuccess(outcome -> {
                    views.forget(ViewStores.SYNTH_REQUESTS, requestId);
                    Requests.json(ctx, 200, outcome.toJson());
                })
                .onFailure(ctx::fail);
    }

    void get(RoutingContext ctx) {
        Principal principal = Requests.principal(ctx);
        Requests.json(ctx, 200, status(request(principal, ctx.pathParam("requestId"))));
    }

    void events(RoutingContext ctx) {
        Principal principal = Requests.principal(ctx);
        String requestId = ctx.pathParam("requestId");
        request(principal, requestId);
        Sse.stream(ctx, services.settings().sseInterval(), () -> status(request(principal, requestId)),
                s -> s.getString("state").equals("SUCCEEDED") || s.getString("state").equals("FAILED"));
    }
}
