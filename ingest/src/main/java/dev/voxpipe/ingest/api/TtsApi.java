package dev.voxpipe.ingest.api;

import dev.voxpipe.ingest.audio.WavLayout;
import dev.voxpipe.ingest.auth.Principal;
import dev.voxpipe.ingest.views.ViewStores;
import dev.voxpipe.ingest.views.Views;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.WorkerExecutor;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.io.InputStream;

/**
 * GPT-SoVITS {@code api_v2}'s {@code GET/POST /tts} on VoxPipe's pipeline: the request becomes a
 * synthesis ({@link SynthesisApi#enqueue}, the same path as {@code POST /v1/synthesis}: consent,
 * tenancy, validation, Kafka), and the answer is its audio. Without {@code streaming_mode} the
 * body is the finished file; with it, a WAV header goes out with the first chunk's audio, then each
 * following chunk's PCM as soon as it is synthesised, in order, with {@code fragment_interval} of
 * silence between chunks. Refusals are HTTP 400 with {@code {"message": ...}} as GPT-SoVITS gives them
 * (plus VoxPipe's {@code error} code); a synthesis that fails is 400 {@code {"message": "tts failed", "Exception": ...}}.
 */
final class TtsApi {

    private static final long POLL_MS = 10;
    private static final long MAX_WAIT_MS = 30L * 60 * 1000;

    private final Services services;
    private final Views views;
    private final WorkerExecutor workers;
    private final SynthesisApi synthesis;

    TtsApi(Services services, WorkerExecutor workers, SynthesisApi synthesis) {
        this.services = services;
        this.views = services.views();
        this.workers = workers;
        this.synthesis = synthesis;
    }

    void handle(RoutingContext ctx) {
        HttpServerResponse response = ctx.response();
        TtsRequest request;
        JsonObject body;
        Principal principal = Requests.principal(ctx);
        try {
            if (ctx.request().method() == HttpMethod.POST) {
                JsonObject json;
                try {
                    json = ctx.body().asJsonObject();
                } catch (DecodeException | ClassCastException e) {
                    throw new TtsRequest.Refused("the body must be a JSON object");
                }
                if (json == null) throw new TtsRequest.Refused("the body must be a JSON object");
                request = TtsRequest.fromJson(json);
            } else {
                request = TtsRequest.fromQuery(ctx.queryParams());
            }
            body = request.synthesisBody(voiceFor(principal, request));
        } catch (TtsRequest.Refused e) {
            refuse(response, 400, "invalid_request", e.getMessage());
            return;
        } catch (ApiException e) {
            refuse(response, e);
            return;
        }
        Context context = ctx.vertx().getOrCreateContext();
        Future<JsonObject> queued;
        try {
            queued = synthesis.enqueue(context, principal, body);
        } catch (ApiException e) {
            refuse(response, e);
            return;
        }
        TtsRequest req = request;
        queued.onSuccess(doc -> {
            String requestId = doc.getString("requestId");
            response.putHeader("X-Voxpipe-Synthesis", requestId);
            if (req.streaming()) new Stream(ctx, req.mediaType(), requestId, TtsApi::failed).poll();
            else awaitWhole(ctx, context, req, requestId, System.currentTimeMillis());
        }).onFailure(e -> {
            if (e instanceof ApiException api) refuse(response, api);
            else refuse(response, 503, "unavailable", "tts failed: the request could not be queued; retry shortly");
        });
    }

    /** The voice the request speaks in; a reference clip id resolves to the voice it was uploaded to. */
    private String voiceFor(Principal principal, TtsRequest request) {
        String id = request.referenceId();
        if (request.isVoice()) return id;
        JsonObject upload = views.get(ViewStores.UPLOADS, "u/" + id).orElse(null);
        if (upload == null || !principal.tenantId().equals(upload.getString("tenantId"))) {
            throw new TtsRequest.Refused("ref_audio_path: " + id + " is not an uploaded clip of this API key");
        }
        return upload.getString("voiceId");
    }

    private void awaitWhole(RoutingContext ctx, Context context, TtsRequest req, String requestId, long started) {
        HttpServerResponse response = ctx.response();
        if (response.closed()) return;
        JsonObject completed = views.get(ViewStores.SYNTH_COMPLETED, requestId).orElse(null);
        if (completed == null) {
            if (System.currentTimeMillis() - started > MAX_WAIT_MS) {
                failed(response, "the synthesis did not finish within " + MAX_WAIT_MS / 60000 + " minutes");
                return;
            }
            ctx.vertx().setTimer(POLL_MS, t -> awaitWhole(ctx, context, req, requestId, started));
            return;
        }
        if (!completed.getBoolean("succeeded", false) || completed.getJsonObject("audio") == null) {
            failed(response, PublicReasons.synthesis(completed.getString("error")).getString("message"));
            return;
        }
        JsonObject audio = completed.getJsonObject("audio");
        String key = audio.getString("key");
        long size = audio.getLong("sizeBytes");
        boolean raw = req.mediaType().equals("raw");
        workers.executeBlocking(() -> {
            if (!raw) return new long[] {0, size};
            try (InputStream in = services.blobs().openRange(key, 0, 4096)) {
                WavLayout layout = WavLayout.read(in, size);
                return new long[] {layout.dataOffset(), layout.dataBytes()};
            }
        }, false).onSuccess(span -> {
            response.putHeader("Content-Type", "audio/" + req.mediaType()).putHeader("Content-Length", Long.toString(span[1]));
            var segments = java.util.List.<dev.voxpipe.ingest.audio.Segment>of(
                    new dev.voxpipe.ingest.audio.Segment.BlobSpan(key, span[0], span[1]));
            if (span[1] == 0) {
                response.end();
                return;
            }
            dev.voxpipe.ingest.audio.SegmentStreamer.stream(context, workers, services.blobs(), segments, 0, span[1] - 1, response)
                    .onFailure(e -> {
                        if (!response.ended()) response.reset();
                    });
        }).onFailure(e -> failed(response, "the audio could not be read"));
    }

    /**
     * {@code GET /v1/synthesis/{id}/stream}: the synthesis's audio as one chunked WAV that follows it
     * while it runs (each chunk's PCM as soon as it is synthesised, pauses as silence); a request made
     * with {@code streaming: true} has its first sentence as a chunk of its own, so audio starts early.
     */
    void streamV1(RoutingContext ctx) {
        Principal principal = Requests.principal(ctx);
        String requestId = ctx.pathParam("requestId");
        synthesis.request(principal, requestId); // 404 unless it is the caller's
        new Stream(ctx, "wav", requestId, (response, why) -> Errors.send(response, new ApiException(409, "synthesis_failed",
                "the synthesis failed: " + why, null, null))).poll();
    }

    /** Sends each finished chunk's PCM in order as soon as it is in the views. */
    private final class Stream {
        private final RoutingContext ctx;
        private final String mediaType;
        private final String requestId;
        private final java.util.function.BiConsumer<HttpServerResponse, String> failure;
        private final long started = System.currentTimeMillis();
        private int next;
        private boolean headerSent;

        Stream(RoutingContext ctx, String mediaType, String requestId, java.util.function.BiConsumer<HttpServerResponse, String> failure) {
            this.ctx = ctx;
            this.mediaType = mediaType;
            this.requestId = requestId;
            this.failure = failure;
        }

        void poll() {
            HttpServerResponse response = ctx.response();
            if (response.closed() || response.ended()) return;
            JsonObject chunk = views.get(ViewStores.SYNTH_CHUNKS, ViewStores.chunkKey(requestId, next)).orElse(null);
            if (chunk == null) {
                JsonObject completed = views.get(ViewStores.SYNTH_COMPLETED, requestId).orElse(null);
                if (completed != null && !completed.getBoolean("succeeded", false)) {
                    fail(PublicReasons.synthesis(completed.getString("error")).getString("message"));
                    return;
                }
                if (System.currentTimeMillis() - started > MAX_WAIT_MS) {
                    fail("the synthesis did not finish within " + MAX_WAIT_MS / 60000 + " minutes");
                    return;
                }
                ctx.vertx().setTimer(POLL_MS, t -> poll());
                return;
            }
            if (!chunk.getBoolean("ok", false) || chunk.getJsonObject("audio") == null) {
                fail("chunk " + next + " failed");
                return;
            }
            JsonObject audio = chunk.getJsonObject("audio");
            int count = chunk.getInteger("chunkCount", -1);
            boolean last = next == count - 1;
            int pauseMs = last ? 0 : chunk.getInteger("pauseAfterMs", 0);
            workers.executeBlocking(() -> pcm(audio.getString("key"), audio.getLong("sizeBytes")), false).onComplete(r -> {
                if (r.failed()) {
                    fail("the audio of chunk " + next + " could not be read");
                    return;
                }
                Pcm pcm = r.result();
                if (!headerSent) {
                    headerSent = true;
                    response.setChunked(true).putHeader("Content-Type", "audio/" + mediaType)
                            .putHeader("Cache-Control", "no-store");
                    if (mediaType.equals("wav")) response.write(Buffer.buffer(WavLayout.header(pcm.sampleRate(), 0xFFFFFFFFL)));
                }
                Buffer out = Buffer.buffer(pcm.bytes());
                long pauseBytes = 2L * Math.round(pauseMs * pcm.sampleRate() / 1000.0);
                if (pauseBytes > 0) out.appendBytes(new byte[(int) pauseBytes]);
                response.write(out);
                next++;
                if (last) response.end();
                else poll();
            });
        }

        private void fail(String why) {
            HttpServerResponse response = ctx.response();
            if (headerSent) {
                response.reset(); // mid-stream: the client sees a truncated stream, as with GPT-SoVITS
            } else {
                failure.accept(response, why);
            }
        }
    }

    record Pcm(byte[] bytes, int sampleRate) {}

    private Pcm pcm(String key, long size) throws Exception {
        try (InputStream in = services.blobs().open(key)) {
            byte[] wav = in.readAllBytes();
            WavLayout layout = WavLayout.read(new java.io.ByteArrayInputStream(wav), wav.length);
            if (layout.channels() != 1 || layout.bitsPerSample() != 16) throw new IllegalStateException("chunk is not 16-bit mono");
            int from = (int) layout.dataOffset();
            int length = (int) (layout.dataBytes() & ~1L);
            return new Pcm(java.util.Arrays.copyOfRange(wav, from, from + length), layout.sampleRate());
        }
    }

    private static void failed(HttpServerResponse response, String why) {
        if (response.ended() || response.closed() || response.headWritten()) return;
        response.setStatusCode(400).putHeader("Content-Type", "application/json")
                .end(new JsonObject().put("message", "tts failed").put("Exception", why).toBuffer());
    }

    private static void refuse(HttpServerResponse response, ApiException e) {
        // GPT-SoVITS answers every refusal with 400; authentication, rate limits and outages keep their statuses
        int status = e.status() == 401 || e.status() == 403 || e.status() == 429 || e.status() >= 500 ? e.status() : 400;
        if (e.retryAfterSeconds() != null && !response.headWritten()) response.putHeader("Retry-After", e.retryAfterSeconds().toString());
        refuse(response, status, e.code(), e.getMessage());
    }

    private static void refuse(HttpServerResponse response, int status, String code, String message) {
        if (response.ended() || response.closed() || response.headWritten()) return;
        response.setStatusCode(status).putHeader("Content-Type", "application/json")
                .end(new JsonObject().put("message", message).put("error", code).toBuffer());
    }
}
