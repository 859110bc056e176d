package dev.voxpipe.ingest.api;

import dev.voxpipe.ingest.auth.AuthHandler;
import io.vertx.core.Vertx;
import io.vertx.core.WorkerExecutor;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;

/** Builds the router: every operation with its documentation, auth, limits, metrics and JSON errors. */
public final class ApiRouter {

    public static final String VERSION = "0.1.0";
    public static final int MAX_FORM_FIELDS = UploadApi.MAX_FORM_FIELDS;
    /** Statuses the HTTP layer or the router may produce by themselves; each is answered as JSON. */
    private static final int[] ROUTER_ERRORS = {400, 404, 405, 413, 414, 415, 431, 500, 501, 503};

    private ApiRouter() {}

    public record Built(Router router, ApiDocs docs) {}

    public static Built build(Vertx vertx, Services services, WorkerExecutor workers) {
        Router router = Router.router(vertx);
        ApiDocs docs = new ApiDocs(router);
        var settings = services.settings();

        router.route().handler(ctx -> timed(ctx, services));
        router.route("/v1/*").handler(new AuthHandler(services.apiKeys(), services.buckets(), services.metrics()));

        BodyHandler smallJson = BodyHandler.create(false).setBodyLimit(settings.maxJsonBytes());
        BodyHandler synthesisJson = BodyHandler.create(false).setBodyLimit(settings.maxSynthesisBodyBytes());

        HealthApi health = new HealthApi(services, docs);
        VoiceApi voices = new VoiceApi(services, workers);
        UploadApi uploads = new UploadApi(services, workers);
        JobApi jobs = new JobApi(services, workers);
        SynthesisApi synthesis = new SynthesisApi(services, workers, voices);
        AudioApi audio = new AudioApi(services, workers, synthesis);
        DeadLetterApi deadLetters = new DeadLetterApi(services);
        ClipApi clips = new ClipApi(services, workers);

        docs.op(HttpMethod.GET, "/health/live", "Liveness: the process answers").tag("operations").open()
                .responds(200, "Alive").handle(health::live);
        docs.op(HttpMethod.GET, "/health/ready", "Readiness: views RUNNING and Kafka reachable").tag("operations").open()
                .responds(200, "Ready").responds(503, "Not ready; see details").handle(health::ready);
        docs.op(HttpMethod.GET, "/openapi.json", "This OpenAPI document").tag("operations").open()
                .responds(200, "OpenAPI 3 document").handle(health::openapi);

        docs.op(HttpMethod.POST, "/v1/voices", "Create a voice with its owner's consent attestation").tag("voices")
                .body("application/json", ApiDocs.object(java.util.List.of("name", "consent"), "name", "string",
                        "language", "string",
                        "consent", ApiDocs.object(java.util.List.of("attestedBy", "statement"), "attestedBy", "string", "statement", "string").encode())).responds(201, "Created; body is the voice").responds(400, "Malformed JSON")
                .responds(413, "Body too large").responds(415, "Not JSON").responds(422, "Invalid or missing fields (e.g. consent)")
                .responds(503, "Kafka unavailable; retry after Retry-After; outcome says whether the voice may still be created")
                .idempotent().handle(smallJson, services.idempotency().handler("voice"), voices::create);
        docs.op(HttpMethod.GET, "/v1/voices", "List the tenant's voices, oldest first").tag("voices")
                .query("limit", "page size").query("after", "the last voice id of the previous page")
                .responds(200, "{items, next}").responds(422, "Bad paging parameters").handle(voices::list);
        docs.op(HttpMethod.GET, "/v1/voices/:voiceId", "A voice: dataset summary, model state and versions, training jobs").tag("voices")
                .responds(200, "The voice").responds(404, "No such voice in this tenant").handle(voices::get);
        docs.op(HttpMethod.POST, "/v1/voices/:voiceId/samples", "Upload a voice sample (raw audio body or multipart form; optional transcript)")
                .tag("voices").body("application/octet-stream", new JsonObject().put("type", "string").put("format", "binary"))
                .query("transcript", "what is said in the sample")
                .responds(202, "Stored and announced; body has uploadId and duplicateOf").responds(400, "Empty or interrupted upload")
                .responds(404, "No such voice in this tenant").responds(408, "The client stalled or sent slower than the minimum rate")
                .responds(409, "The voice's consent was revoked")
                .responds(413, "Larger than the upload limit, the body limit, or a form field limit")
                .responds(415, "The bytes are not a supported audio format")
                .responds(429, "This key already has its maximum of uploads in progress")
                .responds(503, "Kafka unavailable or every upload slot in use; outcome says whether the upload may still be recorded")
                .idempotent().handle(uploads::upload);
        docs.op(HttpMethod.DELETE, "/v1/voices/:voiceId", "Delete the voice and everything it owns: uploads, clips, features, models, training state, synthesised audio")
                .tag("voices").responds(200, "Deleted; body counts what was removed").responds(404, "No such voice in this tenant")
                .responds(503, "Kafka or the blob store unavailable; nothing is lost, retry").handle(voices::delete);
        docs.op(HttpMethod.GET, "/v1/voices/:voiceId/sample", "The voice's sample: the latest model's final audition (WAV)")
                .tag("voices").responds(200, "audio/wav").responds(404, "No such voice, or no model with a sample yet")
                .handle(voices::sample);
        docs.op(HttpMethod.GET, "/v1/voices/:voiceId/consent", "The voice's consent record: who attested, what, when, with which key, and its revocation")
                .tag("voices").responds(200, "The consent record").responds(404, "No such voice in this tenant").handle(voices::consent);
        docs.op(HttpMethod.DELETE, "/v1/voices/:voiceId/consent", "Revoke the voice's consent: no new uploads, training or synthesis; queued work is refused")
                .tag("voices").responds(200, "The revoked consent record").responds(404, "No such voice in this tenant")
                .responds(503, "Kafka unavailable").handle(voices::revokeConsent);
        docs.op(HttpMethod.GET, "/v1/voices/:voiceId/samples", "List a voice's uploads").tag("voices")
                .query("limit", "page size").query("after", "the last upload id of the previous page")
                .responds(200, "{items, next}").responds(404, "No such voice in this tenant").handle(uploads::list);
        docs.op(HttpMethod.GET, "/v1/voices/:voiceId/samples/:uploadId", "One upload and whether the feature worker accepted it").tag("voices")
                .responds(200, "The upload").responds(404, "No such upload in this tenant").handle(uploads::get);
        docs.op(HttpMethod.DELETE, "/v1/voices/:voiceId/samples/:uploadId", "Delete one upload: its audio, clips and features leave the blob store, and its seconds the voice's dataset")
                .tag("voices").responds(200, "Deleted; body counts what was removed").responds(404, "No such upload in this tenant")
                .responds(409, "The feature worker has not finished with the upload yet; retry when it is PROCESSED or REJECTED")
                .responds(503, "Kafka or the blob store unavailable; nothing is lost, retry").handle(uploads::delete);
        docs.op(HttpMethod.GET, "/v1/voices/:voiceId/clips", "List a voice's clips: text, label source (given, aligned, recognised, edited), confidence, audio link")
                .tag("voices").query("limit", "page size").query("after", "the last clip id of the previous page")
                .query("uploadId", "only this upload's clips")
                .responds(200, "{items, next, labels: seconds by source and confidence, as labelled now}")
                .responds(404, "No such voice in this tenant").responds(422, "Bad paging parameters").handle(clips::list);
        docs.op(HttpMethod.GET, "/v1/voices/:voiceId/clips/:clipId", "One clip with its label").tag("voices")
                .responds(200, "The clip").responds(404, "No such clip in this voice").handle(clips::get);
        docs.op(HttpMethod.GET, "/v1/voices/:voiceId/clips/:clipId/audio", "The clip's normalised audio (16-bit WAV); Range supported")
                .tag("voices").responds(200, "audio/wav").responds(206, "Partial content for a Range")
                .responds(404, "No such clip, or a rejected clip (no audio kept)").responds(416, "Range not satisfiable").handle(clips::audio);
        docs.op(HttpMethod.PATCH, "/v1/voices/:voiceId/clips/:clipId", "Fix or confirm a clip's text; its features are computed again and the next training uses it")
                .tag("voices").body("application/json", ApiDocs.object(java.util.List.of(), "text", "string", "confirmed", "boolean"))
                .responds(200, "The clip as edited (source edited, confidence 1)").responds(400, "Malformed JSON")
                .responds(404, "No such clip in this voice").responds(409, "A rejected clip, a clip without text to confirm, or revoked consent")
                .responds(415, "Not JSON").responds(422, "Neither text nor confirmed, or text too long")
                .responds(503, "Kafka unavailable").handle(smallJson, clips::patch);
        docs.op(HttpMethod.POST, "/v1/voices/:voiceId/training", "Request a fine-tune of the voice").tag("training")
                .body("application/json", ApiDocs.object(java.util.List.of(), "maxSteps", "integer",
                        "mode", "{\"type\":\"string\",\"enum\":[\"FEW_SHOT\",\"ZERO_SHOT\"]}", "baseModel", "string",
                        "deadline", "{\"type\":\"string\",\"format\":\"date-time\",\"description\":\"latest time the model should be ready; the trainer may defer the job to the cleanest grid window before it\"}")).responds(202, "Queued; body has jobId").responds(404, "No such voice in this tenant")
                .responds(409, "Not enough usable audio (numbers in details) or a job already running")
                .responds(422, "Invalid options").responds(503, "Kafka unavailable")
                .idempotent().handle(smallJson, services.idempotency().handler("job"), voices::train);
        docs.op(HttpMethod.GET, "/v1/jobs/:jobId", "Training progress: state, step, loss, ETA").tag("training")
                .responds(200, "The job").responds(404, "No such job in this tenant").handle(jobs::get);
        docs.op(HttpMethod.GET, "/v1/jobs/:jobId/events", "Training progress as Server-Sent Events").tag("training")
                .responds(200, "text/event-stream of status events, then end").responds(404, "No such job in this tenant")
                .handle(jobs::events);
        docs.op(HttpMethod.GET, "/v1/jobs/:jobId/auditions", "Audition samples rendered while training: every N steps and for the final model, each with its audio URL").tag("training")
                .responds(200, "{jobId, state, finalStep, items: [{step, index, text, durationSeconds, sizeBytes, url}]}")
                .responds(404, "No such job in this tenant").handle(jobs::auditions);
        docs.op(HttpMethod.GET, "/v1/jobs/:jobId/auditions/:step/:index", "One audition's audio (WAV)").tag("training")
                .responds(200, "audio/wav").responds(404, "No such job or audition in this tenant").handle(jobs::auditionAudio);
        docs.op(HttpMethod.POST, "/v1/synthesis", "Request speech for a text (up to a book) in a voice").tag("synthesis")
                .body("application/json", ApiDocs.object(java.util.List.of("voiceId", "text"), "voiceId", "string", "text", "string",
                        "format", "{\"type\":\"string\",\"enum\":[\"wav\",\"flac\",\"mp3\",\"ogg_opus\",\"ogg_vorbis\"]}",
                        "speed", "{\"type\":\"number\",\"minimum\":0.5,\"maximum\":2.0}", "language", "string",
                        "pitchShift", "{\"type\":\"number\",\"minimum\":-12,\"maximum\":12}",
                        "pitchRange", "{\"type\":\"number\",\"minimum\":0.25,\"maximum\":2}",
                        "modelVersion", "integer", "sentencePauseMs", "integer", "paragraphPauseMs", "integer", "streaming", "boolean",
                        "reference", ApiDocs.object(java.util.List.of(), "uploadId", "string", "audio", "string", "transcript", "string").encode()))
                .responds(202, "Queued; body has requestId and links")
                .responds(400, "Malformed JSON").responds(404, "No such voice in this tenant")
                .responds(409, "The voice has no trained model").responds(413, "Text or body over the limit")
                .responds(415, "Not JSON").responds(422, "Invalid fields (format, speed, ...); a zero-shot reference outside 3-10 s (reference_length)").responds(503, "Kafka unavailable")
                .idempotent().handle(synthesisJson, services.idempotency().handler("syn"), synthesis::submit);
        docs.op(HttpMethod.GET, "/v1/synthesis/:requestId", "Synthesis state and progress (chunks done/total, ETA)").tag("synthesis")
                .responds(200, "The status").responds(404, "No such synthesis in this tenant").handle(synthesis::get);
        docs.op(HttpMethod.DELETE, "/v1/synthesis/:requestId", "Delete the synthesis: its audio and text leave the blob store").tag("synthesis")
                .responds(200, "Deleted").responds(404, "No such synthesis in this tenant")
                .responds(503, "Kafka or the blob store unavailable; retry").handle(synthesis::delete);
        docs.op(HttpMethod.GET, "/v1/synthesis/:requestId/events", "Synthesis progress as Server-Sent Events").tag("synthesis")
                .responds(200, "text/event-stream").responds(404, "No such synthesis in this tenant").handle(synthesis::events);
        docs.op(HttpMethod.GET, "/v1/synthesis/:requestId/audio", "The audio: final file, or a growing WAV of finished chunks; Range supported")
                .tag("synthesis").responds(200, "Audio").responds(206, "Partial content for a Range")
                .responds(404, "No such synthesis in this tenant").responds(409, "No audio yet, or the synthesis failed")
                .responds(416, "Range not satisfiable").handle(audio::get);
        docs.op(HttpMethod.GET, "/v1/dead-letters", "The tenant's dead letters: which stage gave up on which record, and why").tag("operations")
                .query("voiceId", "only this voice's").query("limit", "page size").query("after", "the cursor of the previous page")
                .responds(200, "{items, next}").responds(404, "No such voice in this tenant").responds(422, "Bad paging parameters")
                .handle(deadLetters::list);

        GptSovitsRoutes.mount(router, docs, services, workers, synthesis);
        ConsoleRoutes.mount(router, docs);

        router.route().failureHandler(ApiRouter::failure);
        jsonErrors(router);
        return new Built(router, docs);
    }

    /**
     * The router's own errors (no route, a method not allowed, a path it cannot decode, ...) as
     * JSON: without these Vert.x answers them with a plain-text body.
     */
    static void jsonErrors(Router router) {
        for (int status : ROUTER_ERRORS) {
            router.errorHandler(status, ctx -> {
                String path;
                try {
                    path = ctx.request().path();
                } catch (RuntimeException e) {
                    path = "";
                }
                Errors.send(ctx.response(), Errors.toApi(status, ctx.failure(), path));
            });
        }
    }

    /**
     * The management port's router: {@code /metrics} and the health checks, for the scraper and
     * the orchestrator only. Metrics are not on the public port: even without tenant labels they
     * describe the traffic of every tenant.
     */
    public static Router management(Vertx vertx, Services services) {
        Router router = Router.router(vertx);
        HealthApi health = new HealthApi(services, null);
        router.get("/metrics").handler(health::metrics);
        router.get("/health/live").handler(health::live);
        router.get("/health/ready").handler(health::ready);
        router.route().failureHandler(ApiRouter::failure);
        jsonErrors(router);
        return router;
    }

    private static void failure(RoutingContext ctx) {
        var request = ctx.request();
        String length = request.getHeader("Content-Length");
        boolean hasBody = request.getHeader("Transfer-Encoding") != null || (length != null && !length.strip().equals("0"));
        ApiException error = Errors.toApi(ctx.statusCode(), ctx.failure(), request.path());
        if (hasBody && !request.isEnded()) Errors.sendAndClose(request, error);
        else Errors.send(ctx.response(), error);
    }

    private static void timed(RoutingContext ctx, Services services) {
        long started = System.nanoTime();
        ctx.addEndHandler(v -> {
            String route = ctx.currentRoute() == null || ctx.currentRoute().getPath() == null ? "unmatched" : ctx.currentRoute().getPath();
            services.metrics().httpRequest(ctx.request().method().name(), route, ctx.response().getStatusCode(), System.nanoTime() - started);
        });
        ctx.next();
    }
}
