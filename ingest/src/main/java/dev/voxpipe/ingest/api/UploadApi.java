package dev.voxpipe.ingest.api;

import dev.voxpipe.core.topics.Topics;
import dev.voxpipe.ingest.auth.Principal;
import dev.voxpipe.ingest.upload.BodyInputStream;
import dev.voxpipe.ingest.upload.FormatSniffing;
import dev.voxpipe.ingest.upload.UploadSlots;
import dev.voxpipe.ingest.views.ViewDocs;
import dev.voxpipe.ingest.views.ViewStores;
import dev.voxpipe.ingest.views.Views;
import dev.voxpipe.schemas.RawAudioUploaded;
import dev.voxpipe.schemas.common.AudioFormat;
import dev.voxpipe.schemas.common.BlobRef;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.WorkerExecutor;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.core.streams.ReadStream;
import io.vertx.ext.web.RoutingContext;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.time.Instant;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Voice samples: the body (raw, or the first file part of a multipart form) streams through a
 * bounded queue to the blob store on a worker thread; the format is sniffed from the first bytes;
 * the upload is acknowledged only once its RawAudioUploaded event is committed to Kafka.
 */
final class UploadApi {

    private static final long HIGH_WATER = 1024 * 1024;
    private static final int MAX_TRANSCRIPT = 100_000;
    /** Form fields per multipart body (Vert.x's decoder); a sample needs two (file, transcript). */
    static final int MAX_FORM_FIELDS = 16;

    private final Services services;
    private final Views views;
    private final WorkerExecutor workers;

    UploadApi(Services services, WorkerExecutor workers) {
        this.services = services;
        this.views = services.views();
        this.workers = workers;
    }

    private record Stored(BlobRef blob, AudioFormat format) {}

    private static final class UnsupportedAudio extends IOException {
        UnsupportedAudio() {
            super("the body is not audio in a format the pipeline reads", null);
        }
    }

    private static final class EmptyUpload extends IOException {
        EmptyUpload() {
            super("the upload is empty", null);
        }
    }

    void upload(RoutingContext ctx) {
        HttpServerRequest request = ctx.request();
        request.pause();
        Principal principal = Requests.principal(ctx);
        String voiceId = ctx.pathParam("voiceId");
        JsonObject voice = Requests.voice(views, principal, voiceId);
        Requests.requireConsent(voice);
        String idempotencyKey = Idempotency.key(ctx); // a malformed key is refused before any byte is read
        var settings = services.settings();
        long max = settings.maxUploadBytes();
        String contentType = request.getHeader("Content-Type");
        boolean multipart = contentType != null && contentType.toLowerCase(Locale.ROOT).startsWith("multipart/form-data");
        long maxBody = multipart ? settings.maxMultipartBytes() : max;
        String lengthHeader = request.getHeader("Content-Length");
        if (lengthHeader != null) {
            try {
                if (Long.parseLong(lengthHeader.strip()) > maxBody) throw tooLarge(max, maxBody);
            } catch (NumberFormatException e) {
                throw ApiException.badRequest("Content-Length is not a number");
            }
        }
        String transcriptParam = request.getParam("transcript");
        if (transcriptParam != null && transcriptParam.length() > MAX_TRANSCRIPT) {
            throw ApiException.invalid("the transcript is longer than " + MAX_TRANSCRIPT + " characters", new JsonObject().put("field", "transcript"));
        }
        // A slot per upload, per key and overall, before any byte is read: an upload holds a blob
        // thread while its body streams, and no key may hold them all.
        UploadSlots.Refusal[] refusal = new UploadSlots.Refusal[1];
        UploadSlots.Slot slot = services.uploads().tryAcquire(principal.keyHash(), refusal).orElse(null);
        if (slot == null) {
            services.metrics().uploadRefused(refusal[0] == UploadSlots.Refusal.PER_KEY ? "per_key" : "saturated");
            throw refusal[0] == UploadSlots.Refusal.PER_KEY
                    ? new ApiException(429, "too_many_uploads", "this API key already has " + services.uploads().perKeyLimit()
                            + " uploads in progress; wait for one to finish",
                            new JsonObject().put("maxConcurrentUploads", services.uploads().perKeyLimit()), settings.retryAfterSeconds())
                    : new ApiException(503, "uploads_saturated", "the service has every upload slot in use; retry shortly",
                            new JsonObject(), settings.retryAfterSeconds());
        }
        ctx.addEndHandler(v -> slot.release());
        Context context = ctx.vertx().getOrCreateContext();
        Promise<Void> requestEnded = Promise.promise();
        Future<Stored> stored;
        if (multipart) {
            Promise<Stored> storedPromise = Promise.promise();
            stored = storedPromise.future();
            AtomicBoolean sawFile = new AtomicBoolean();
            long[] bodyBytes = {0};
            request.setExpectMultipart(true);
            // The whole body is counted, whatever part it is in: a second file part or a padded
            // form is no way past the limit (issue 18, finding 5).
            request.handler(buffer -> {
                bodyBytes[0] += buffer.length();
                if (bodyBytes[0] > maxBody) {
                    // the file part may be stored already: fail the wait for the body's end too
                    BodyInputStream.TooLargeException tooLarge = new BodyInputStream.TooLargeException(maxBody);
                    storedPromise.tryFail(tooLarge);
                    requestEnded.tryFail(tooLarge);
                }
            });
            request.uploadHandler(part -> {
                if (sawFile.compareAndSet(false, true)) {
                    String declared = part.contentType() + (part.filename() == null ? "" : "; filename=" + part.filename());
                    Future<Stored> file = store(context, part, declared, max);
                    file.onComplete(done -> {
                        slot.release(); // the blob thread is free again
                        if (done.succeeded()) storedPromise.tryComplete(done.result());
                        else storedPromise.tryFail(done.cause());
                    });
                } else {
                    part.handler(b -> {}); // only the first file is a sample; the rest counts toward the body limit
                }
            });
            request.endHandler(v -> {
                requestEnded.tryComplete();
                if (!sawFile.get()) storedPromise.tryFail(ApiException.badRequest("the form has no file part"));
            });
            request.exceptionHandler(e -> {
                Throwable failure = formFailure(e);
                storedPromise.tryFail(failure);
                requestEnded.tryFail(failure);
            });
            request.resume();
        } else {
            requestEnded.complete();
            stored = store(context, request, contentType == null ? "application/octet-stream" : contentType, max)
                    .andThen(done -> slot.release());
        }
        stored.compose(s -> requestEnded.future().map(v -> s)).compose(s -> {
            String transcript = transcriptParam;
            if (multipart && transcript == null) transcript = request.formAttributes().get("transcript");
            if (transcript != null && transcript.length() > MAX_TRANSCRIPT) {
                return Future.failedFuture(ApiException.invalid("the transcript is longer than " + MAX_TRANSCRIPT + " characters",
                        new JsonObject().put("field", "transcript")));
            }
            String finalTranscript = transcript;
            // The same request: the same bytes (their digest) and transcript, on the same path and query.
            Future<Boolean> proceed = idempotencyKey == null ? Future.succeededFuture(true)
                    : services.idempotency().begin(ctx, "upl", idempotencyKey, Idempotency.requestHash(request.method().name(),
                            request.path(), request.query(), (s.blob().getSha256() + "\n" + (transcript == null ? "" : transcript))
                                    .getBytes(java.nio.charset.StandardCharsets.UTF_8)));
            return proceed.compose(go -> {
                if (!go) return Future.<Accepted>succeededFuture(null); // the key's first answer was replayed
                String uploadId = Idempotency.resourceId(ctx, "upl");
                if (Idempotency.resumed(ctx)) { // an earlier attempt with this key had an unknown outcome: did it land?
                    JsonObject existing = views.get(ViewStores.UPLOADS, "u/" + uploadId).orElse(null);
                    if (existing != null && principal.tenantId().equals(existing.getString("tenantId"))) {
                        return Future.succeededFuture(new Accepted(existing, uploadId, existing.getString("sha256"), 0, false));
                    }
                }
                JsonObject consent = voice.getJsonObject("consent");
                RawAudioUploaded event = RawAudioUploaded.newBuilder()
                        .setTenantId(principal.tenantId()).setVoiceId(voiceId).setUploadId(uploadId).setBlob(s.blob())
                        .setDeclaredFormat(s.blob().getContentType() == null ? "unknown" : s.blob().getContentType())
                        .setSniffedFormat(s.format()).setTranscript(finalTranscript == null || finalTranscript.isBlank() ? null : finalTranscript)
                        .setConsent(ViewDocs.consent(consent))
                        .setEventTime(Instant.now()).build();
                return Idempotency.beforePublish(ctx)
                        .compose(v -> services.publisher().publish(context, Topics.AUDIO_UPLOADED, voiceId, event))
                        .map(md -> new Accepted(ViewDocs.upload(event), uploadId, event.getBlob().getSha256(), event.getBlob().getSizeBytes(), true));
            });
        }).onSuccess(accepted -> {
            if (accepted == null) return;
            JsonObject answer = Requests.withoutTenant(accepted.doc());
            String duplicateOf = duplicateOf(voiceId, accepted.uploadId(), accepted.sha256());
            if (accepted.fresh()) {
                views.remember(ViewStores.UPLOADS, "u/" + accepted.uploadId(), accepted.doc());
                views.remember(ViewStores.UPLOADS, "v/" + voiceId + "/" + accepted.uploadId(), new JsonObject());
                services.metrics().uploadAccepted(accepted.sizeBytes());
            }
            ctx.response().putHeader("Location", "/v1/voices/" + voiceId + "/samples/" + accepted.uploadId());
            // The same bytes twice count once toward the training minimum (the feature worker
            // dedupes by sha256); say so at once rather than let the client believe it added audio.
            answer.put("duplicateOf", duplicateOf);
            Requests.json(ctx, 202, answer);
        }).onFailure(e -> {
            ApiException api = switch (e) {
                case ApiException a -> a;
                case BodyInputStream.TooLargeException t -> {
                    services.metrics().uploadRefused("too_large");
                    yield tooLarge(max, maxBody);
                }
                case BodyInputStream.TooSlowException slow -> {
                    services.metrics().uploadRefused("too_slow");
                    yield new ApiException(408, "upload_too_slow", slow.getMessage(),
                            new JsonObject().put("idleTimeoutMs", settings.uploadIdleTimeout().toMillis())
                                    .put("minBytesPerSecond", settings.uploadMinBytesPerSecond()), null);
                }
                case UnsupportedAudio u -> new ApiException(415, "unsupported_media_type",
                        "the body is not audio the pipeline can read (sniffed from its bytes; WAV, FLAC, MP3, Ogg Opus/Vorbis)",
                        new JsonObject().put("declaredContentType", contentType), null);
                case EmptyUpload x -> ApiException.badRequest("the upload is empty");
                // the store's outage, not the client's upload: nothing was accepted, and a retry will do
                case dev.voxpipe.core.fault.Faults.StoreUnavailableException store -> ApiException.storageUnavailable();
                case IOException io -> ApiException.badRequest("the upload did not complete");
                default -> null;
            };
            if (api == null) {
                ctx.fail(e);
                return;
            }
            // The rest of the body will not be read: answer, drain briefly, close.
            Errors.sendAndClose(request, api);
        });
    }

    /**
     * A multipart decoding failure: a form field over {@code max-form-field-bytes} or too many
     * fields is 413 with a reason; anything else is an interrupted upload (400).
     */
    private Throwable formFailure(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            String name = t.getClass().getSimpleName();
            String message = t.getMessage() == null ? "" : t.getMessage();
            if (name.contains("TooLongFormField") || name.contains("TooManyFormFields") || message.contains("exceed")
                    || message.contains("too long") || message.contains("Too many")) {
                int maxField = services.settings().maxFormFieldBytes();
                return new ApiException(413, "form_field_too_large",
                        "a form field is larger than " + maxField + " bytes, or the form has too many fields",
                        new JsonObject().put("maxFieldBytes", maxField).put("maxFields", MAX_FORM_FIELDS), null);
            }
        }
        return new IOException("the upload was interrupted", e);
    }

    /** An upload the request created ({@code fresh}), or found created by an earlier attempt with its Idempotency-Key. */
    private record Accepted(JsonObject doc, String uploadId, String sha256, long sizeBytes, boolean fresh) {}

    /** The upload an earlier upload of this voice with the same bytes, if the views know one. */

    private String duplicateOf(String voiceId, String uploadId, String sha) {
        String prefix = "v/" + voiceId + "/";
        TreeSet<String> ids = new TreeSet<>();
        for (Map.Entry<String, String> e : views.scan(ViewStores.UPLOADS, prefix, null, 10_000)) ids.add(e.getKey().substring(prefix.length()));
        for (String key : views.recentKeys(ViewStores.UPLOADS, prefix)) ids.add(key.substring(prefix.length()));
        for (String id : ids) {
            if (id.equals(uploadId)) continue;
            JsonObject other = views.get(ViewStores.UPLOADS, "u/" + id).orElse(null);
            if (other != null && sha.equals(other.getString("sha256"))) return id;
        }
        return null;
    }

    private static ApiException tooLarge(long maxUpload, long maxBody) {
        return new ApiException(413, "payload_too_large", "the upload is larger than the limit of " + maxUpload + " bytes",
                new JsonObject().put("maxBytes", maxUpload).put("maxBodyBytes", maxBody), null);
    }

    private Future<Stored> store(Context context, ReadStream<Buffer> body, String declared, long max) {
        var settings = services.settings();
        BodyInputStream in = new BodyInputStream(context, body, HIGH_WATER, max, settings.uploadIdleTimeout().toMillis(),
                settings.uploadMinBytesPerSecond(), settings.uploadRateGrace().toMillis()).attach();
        return workers.executeBlocking(() -> {
            BufferedInputStream buffered = new BufferedInputStream(in, 64 * 1024);
            buffered.mark(FormatSniffing.HEAD_BYTES);
            byte[] head = buffered.readNBytes(FormatSniffing.HEAD_BYTES);
            buffered.reset();
            if (head.length == 0) throw new EmptyUpload();
            AudioFormat format = FormatSniffing.sniff(head);
            if (format == AudioFormat.UNKNOWN) throw new UnsupportedAudio();
            BlobRef blob = services.blobs().put(buffered, declared);
            return new Stored(blob, format);
        }, false);
    }

    void get(RoutingContext ctx) {
        Principal principal = Requests.principal(ctx);
        String voiceId = ctx.pathParam("voiceId");
        Requests.voice(views, principal, voiceId);
        String uploadId = ctx.pathParam("uploadId");
        if (!Ids.plausible(uploadId)) throw ApiException.notFound("upload", uploadId);
        JsonObject upload = views.get(ViewStores.UPLOADS, "u/" + uploadId).orElse(null);
        if (upload == null || !principal.tenantId().equals(upload.getString("tenantId")) || !voiceId.equals(upload.getString("voiceId"))) {
            throw ApiException.notFound("upload", uploadId);
        }
        Requests.json(ctx, 200, withStatus(upload));
    }

    /**
     * {@code DELETE /v1/voices/{id}/samples/{uploadId}}: the upload, its clips and features leave the blob
     * store and the voice's dataset (see {@link dev.voxpipe.ingest.erase.Eraser#eraseUpload}); 200 with what
     * was deleted, 404 afterwards, 409 while the feature worker has not finished with it.
     */
    void delete(RoutingContext ctx) {
        Principal principal = Requests.principal(ctx);
        String voiceId = ctx.pathParam("voiceId");
        JsonObject voice = Requests.voice(views, principal, voiceId);
        String uploadId = ctx.pathParam("uploadId");
        if (!Ids.plausible(uploadId)) throw ApiException.notFound("upload", uploadId);
        JsonObject upload = views.get(ViewStores.UPLOADS, "u/" + uploadId).orElse(null);
        if (upload == null || !principal.tenantId().equals(upload.getString("tenantId")) || !voiceId.equals(upload.getString("voiceId"))) {
            throw ApiException.notFound("upload", uploadId);
        }
        io.vertx.core.Context context = ctx.vertx().getOrCreateContext();
        workers.executeBlocking(() -> services.eraser().eraseUpload(context, voice, upload, principal), false)
                .onSuccess(outcome -> {
                    // this instance's read-your-writes memory must not answer for the upload any more
                    views.forget(ViewStores.UPLOADS, "u/" + uploadId);
                    views.forget(ViewStores.UPLOADS, "v/" + voiceId + "/" + uploadId);
                    Requests.json(ctx, 200, outcome.toJson());
                })
                .onFailure(ctx::fail);
    }

    void list(RoutingContext ctx) {
        Principal principal = Requests.principal(ctx);
        String voiceId = ctx.pathParam("voiceId");
        Requests.voice(views, principal, voiceId);
        int limit = Requests.pageSize(ctx, services.settings().defaultPageSize(), services.settings().maxPageSize());
        String after = ctx.request().getParam("after");
        String prefix = "v/" + voiceId + "/";
        TreeSet<String> ids = new TreeSet<>();
        for (Map.Entry<String, String> e : views.scan(ViewStores.UPLOADS, prefix, after == null ? null : prefix + after, limit + 1)) {
            ids.add(e.getKey().substring(prefix.length()));
        }
        for (String key : views.recentKeys(ViewStores.UPLOADS, prefix)) {
            String id = key.substring(prefix.length());
            if (after == null || id.compareTo(after) > 0) ids.add(id);
        }
        JsonArray items = new JsonArray();
        String last = null;
        for (String id : ids) {
            if (items.size() == limit) break;
            views.get(ViewStores.UPLOADS, "u/" + id).ifPresent(u -> items.add(withStatus(u)));
            last = id;
        }
        Requests.json(ctx, 200, new JsonObject().put("items", items).put("next", ids.size() > limit ? last : null));
    }

    /**
     * An upload with what the feature worker said about it: RECEIVED (stored and announced), then
     * PROCESSED (with its clips and usable seconds) or REJECTED (with the reason).
     */
    private JsonObject withStatus(JsonObject upload) {
        JsonObject result = Requests.withoutTenant(upload);
        JsonObject dataset = views.get(ViewStores.DATASETS, upload.getString("voiceId")).orElse(null);
        String state = "RECEIVED"; // stored and announced; PROCESSED or REJECTED once the feature worker says so
        String reason = null;
        JsonObject outcome = dataset == null ? null
                : dataset.getJsonObject("uploadOutcomes", new JsonObject()).getJsonObject(upload.getString("uploadId"));
        if (outcome != null) {
            return result.put("state", outcome.getString("state"))
                    .put("rejectionReason", outcome.getString("reason"))
                    .put("clipsAccepted", outcome.getInteger("clipsAccepted"))
                    .put("clipsRejected", outcome.getInteger("clipsRejected"))
                    .put("usableSeconds", outcome.getDouble("usableSeconds"))
                    .put("processedAt", outcome.getString("processedAt"))
                    .put("labelNote", outcome.getString("labelNote")); // issue 20: why its clips got no text, or only some
        }
        if (dataset != null) { // summaries written before uploads had their own outcome
            for (Object entry : dataset.getJsonArray("uploadsRejected", new JsonArray())) {
                String s = entry.toString();
                if (s.startsWith(upload.getString("uploadId") + ":")) {
                    state = "REJECTED";
                    reason = s.substring(s.indexOf(':') + 1).strip();
                }
            }
        }
        return result.put("state", state).put("rejectionReason", reason);
    }
}
