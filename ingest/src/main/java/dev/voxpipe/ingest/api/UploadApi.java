package dev.voxpipe.ingest.api;

import dev.voxpipe.core.topics.Topics;
import dev.voxpipe.ingest.auth.Principal;
import dev.voxpipe.ingest.upload.BodyInputStream;
import dev.voxpipe.ingest.upload.FormatSniffing;
import dev.voxpipe.ingest.views.ViewDocs;
import dev.voxpipe.ingest.views.ViewStores;
import dev.voxpipe.ingest.views.Views;
import dev.voxpipe.schemas.RawAudioUploaded;
import dev.voxpipe.schemas.common.AudioFormat;
import dev.voxpipe.schemas.common.BlobRef;
import dev.voxpipe.schemas.common.ConsentAttestation;
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
    private static final long IDLE_TIMEOUT_MS = 60_000;
    private static final int MAX_TRANSCRIPT = 100_000;

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
        long max = services.settings().maxUploadBytes();
        String lengthHeader = request.getHeader("Content-Length");
        if (lengthHeader != null) {
            try {
                if (Long.parseLong(lengthHeader.strip()) > max) throw tooLarge(max);
            } catch (NumberFormatException e) {
                throw ApiException.badRequest("Content-Length is not a number");
            }
        }
        String transcriptParam = request.getParam("transcript");
        if (transcriptParam != null && transcriptParam.length() > MAX_TRANSCRIPT) {
            throw ApiException.invalid("the transcript is longer than " + MAX_TRANSCRIPT + " characters", new JsonObject().put("field", "transcript"));
        }
        String contentType = request.getHeader("Content-Type");
        boolean multipart = contentType != null && contentType.toLowerCase(Locale.ROOT).startsWith("multipart/form-data");
        Context context = ctx.vertx().getOrCreateContext();
        Promise<Void> requestEnded = Promise.promise();
        Future<Stored> stored;
        if (multipart) {
            Promise<Stored> storedPromise = Promise.promise();
            stored = storedPromise.future();
            AtomicBoolean sawFile = new AtomicBoolean();
            request.setExpectMultipart(true);
            request.uploadHandler(part -> {
                if (sawFile.compareAndSet(false, true)) {
                    String declared = part.contentType() + (part.filename() == null ? "" : "; filename=" + part.filename());
                    store(context, part, declared, max).onComplete(storedPromise);
                } else {
                    part.handler(b -> {}); // only the first file is a sample; drain the rest
                }
            });
            request.endHandler(v -> {
                requestEnded.tryComplete();
                if (!sawFile.get()) storedPromise.tryFail(ApiException.badRequest("the form has no file part"));
            });
            request.exceptionHandler(e -> storedPromise.tryFail(new IOException("the upload was interrupted", e)));
            request.resume();
        } else {
            requestEnded.complete();
            stored = store(context, request, contentType == null ? "application/octet-stream" : contentType, max);
        }
        stored.compose(s -> requestEnded.future().map(v -> s)).compose(s -> {
            String transcript = transcriptParam;
            if (multipart && transcript == null) transcript = request.formAttributes().get("transcript");
            if (transcript != null && transcript.length() > MAX_TRANSCRIPT) {
                return Future.failedFuture(ApiException.invalid("the transcript is longer than " + MAX_TRANSCRIPT + " characters",
                        new JsonObject().put("field", "transcript")));
            }
            JsonObject consent = voice.getJsonObject("consent");
            String uploadId = Ids.next("upl");
            RawAudioUploaded event = RawAudioUploaded.newBuilder()
                    .setTenantId(principal.tenantId()).setVoiceId(voiceId).setUploadId(uploadId).setBlob(s.blob())
                    .setDeclaredFormat(s.blob().getContentType() == null ? "unknown" : s.blob().getContentType())
                    .setSniffedFormat(s.format()).setTranscript(transcript == null || transcript.isBlank() ? null : transcript)
                    .setConsent(ConsentAttestation.newBuilder().setAttestedBy(consent.getString("attestedBy"))
                            .setStatement(consent.getString("statement"))
                            .setAttestedAt(Instant.parse(consent.getString("attestedAt"))).build())
                    .setEventTime(Instant.now()).build();
            return services.publisher().publish(context, Topics.AUDIO_UPLOADED, voiceId, event).map(md -> event);
        }).onSuccess(event -> {
            JsonObject doc = ViewDocs.upload(event);
            views.remember(ViewStores.UPLOADS, "u/" + event.getUploadId(), doc);
            views.remember(ViewStores.UPLOADS, "v/" + voiceId + "/" + event.getUploadId(), new JsonObject());
            services.metrics().uploadAccepted(event.getBlob().getSizeBytes());
            ctx.response().putHeader("Location", "/v1/voices/" + voiceId + "/samples/" + event.getUploadId());
            Requests.json(ctx, 202, Requests.withoutTenant(doc));
        }).onFailure(e -> {
            ApiException api = switch (e) {
                case ApiException a -> a;
                case BodyInputStream.TooLargeException t -> tooLarge(max);
                case UnsupportedAudio u -> new ApiException(415, "unsupported_media_type",
                        "the body is not audio the pipeline can read (sniffed from its bytes; WAV, FLAC, MP3, Ogg Opus/Vorbis)",
                        new JsonObject().put("declaredContentType", contentType), null);
                case EmptyUpload x -> ApiException.badRequest("the upload is empty");
                case IOException io -> ApiException.badRequest("the upload did not complete: " + io.getMessage());
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

    private static ApiException tooLarge(long max) {
        return new ApiException(413, "payload_too_large", "the upload is larger than the limit of " + max + " bytes",
                new JsonObject().put("maxBytes", max), null);
    }

    private Future<Stored> store(Context context, ReadStream<Buffer> body, String declared, long max) {
        BodyInputStream in = new BodyInputStream(context, body, HIGH_WATER, max, IDLE_TIMEOUT_MS).attach();
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

    /** An upload with what the feature worker said about it, when it said anything. */
    private JsonObject withStatus(JsonObject upload) {
        JsonObject result = Requests.withoutTenant(upload);
        JsonObject dataset = views.get(ViewStores.DATASETS, upload.getString("voiceId")).orElse(null);
        String state = "RECEIVED"; // stored and announced; REJECTED once the feature worker says so
        String reason = null;
        if (dataset != null) {
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
