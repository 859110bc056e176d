package dev.voxpipe.ingest.api;

import dev.voxpipe.core.topics.Topics;
import dev.voxpipe.ingest.auth.Principal;
import dev.voxpipe.ingest.views.ViewStores;
import dev.voxpipe.ingest.views.Views;
import dev.voxpipe.schemas.TrainingJob;
import dev.voxpipe.schemas.TrainingMode;
import dev.voxpipe.schemas.VoiceCreated;
import dev.voxpipe.schemas.common.ConsentAttestation;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;

/** Voices: create (with the owner's consent), list, describe, and request training. */
final class VoiceApi {

    private final Services services;
    private final Views views;
    private final io.vertx.core.WorkerExecutor workers;

    VoiceApi(Services services, io.vertx.core.WorkerExecutor workers) {
        this.services = services;
        this.views = services.views();
        this.workers = workers;
    }

    /**
     * {@code DELETE /v1/voices/{id}}: the voice and everything it owns (see {@link dev.voxpipe.ingest.erase.Eraser}).
     * 200 with what was deleted; 404 afterwards for the voice and its uploads, jobs and syntheses.
     */
    void delete(RoutingContext ctx) {
        Principal principal = Requests.principal(ctx);
        JsonObject voice = Requests.voice(views, principal, ctx.pathParam("voiceId"));
        String voiceId = voice.getString("voiceId");
        io.vertx.core.Context context = ctx.vertx().getOrCreateContext();
        workers.executeBlocking(() -> services.eraser().eraseVoice(context, voice, principal), false)
                .onSuccess(outcome -> {
                    // this instance's read-your-writes memory must not answer for the voice any more
                    views.forget(ViewStores.VOICES, "v/" + voiceId);
                    views.forget(ViewStores.VOICES, "t/" + principal.tenantId() + "/" + voiceId);
                    views.forgetPrefix(ViewStores.UPLOADS, "v/" + voiceId + "/");
                    views.forgetPrefix(ViewStores.JOBS, "v/" + voiceId + "/");
                    Requests.json(ctx, 200, outcome.toJson());
                })
                .onFailure(ctx::fail);
    }

    void create(RoutingContext ctx) {
        Principal principal = Requests.principal(ctx);
        JsonObject body = Requests.jsonBody(ctx);
        String name = Requests.string(body, "name", true, 200);
        String language = Requests.string(body, "language", false, 16);
        if (language == null) language = "en";
        Languages.require(language, "language"); // the voice's language is its synthesis default
        Object consentValue = body.getValue("consent");
        if (consentValue == null) {
            throw ApiException.invalid("'consent' is required: no voice is cloned without its owner's attestation",
                    new JsonObject().put("field", "consent"));
        }
        if (!(consentValue instanceof JsonObject consent)) throw ApiException.badRequest("'consent' must be an object");
        String attestedBy = Requests.string(consent, "attestedBy", true, 200);
        String statement = Requests.string(consent, "statement", true, 4000);
        Instant now = Instant.now().truncatedTo(java.time.temporal.ChronoUnit.MILLIS); // what Avro keeps
        String voiceId = Idempotency.resourceId(ctx, "voice");
        if (Idempotency.resumed(ctx)) { // an earlier attempt with this key had an unknown outcome: did it land?
            JsonObject existing = views.get(ViewStores.VOICES, "v/" + voiceId).orElse(null);
            if (existing != null && principal.tenantId().equals(existing.getString("tenantId"))) {
                ctx.response().putHeader("Location", "/v1/voices/" + voiceId);
                Requests.json(ctx, 201, Requests.withoutTenant(existing));
                return;
            }
        }
        VoiceCreated event = VoiceCreated.newBuilder()
                .setTenantId(principal.tenantId()).setVoiceId(voiceId).setName(name).setLanguage(language)
                .setConsent(ConsentAttestation.newBuilder().setAttestedBy(attestedBy).setStatement(statement).setAttestedAt(now)
                        .setAttestedWithKey(principal.keyLabel()).build())
                .setCreatedAt(now).build();
        Idempotency.beforePublish(ctx)
                .compose(v -> services.publisher().publish(ctx.vertx().getOrCreateContext(), Topics.VOICES, voiceId, event))
                .onSuccess(md -> {
                    JsonObject doc = dev.voxpipe.ingest.views.ViewDocs.voice(event);
                    views.remember(ViewStores.VOICES, "v/" + voiceId, doc);
                    views.remember(ViewStores.VOICES, "t/" + principal.tenantId() + "/" + voiceId, new JsonObject());
                    ctx.response().putHeader("Location", "/v1/voices/" + voiceId);
                    Requests.json(ctx, 201, Requests.withoutTenant(doc));
                })
                .onFailure(ctx::fail);
    }

    /** {@code GET /v1/voices/{id}/consent}: the consent record. */
    void consent(RoutingContext ctx) {
        JsonObject voice = Requests.voice(views, Requests.principal(ctx), ctx.pathParam("voiceId"));
        Requests.json(ctx, 200, voice.getJsonObject("consent").copy().put("voiceId", voice.getString("voiceId")));
    }

    /**
     * {@code DELETE /v1/voices/{id}/consent}: revokes the consent. The voice is re-published with
     * the revocation (who, when), so every view and worker sees it: the API refuses new uploads,
     * training and synthesis (409 {@code consent_revoked}) and the workers refuse queued work.
     * Revoking twice answers the first revocation.
     */
    void revokeConsent(RoutingContext ctx) {
        Principal principal = Requests.principal(ctx);
        JsonObject voice = Requests.voice(views, principal, ctx.pathParam("voiceId"));
        String voiceId = voice.getString("voiceId");
        if (dev.voxpipe.ingest.views.ViewDocs.consentRevoked(voice)) {
            Requests.json(ctx, 200, voice.getJsonObject("consent").copy().put("voiceId", voiceId));
            return;
        }
        ConsentAttestation revoked = ConsentAttestation.newBuilder(dev.voxpipe.ingest.views.ViewDocs.consent(voice.getJsonObject("consent")))
                .setRevokedAt(Instant.now().truncatedTo(java.time.temporal.ChronoUnit.MILLIS)).setRevokedWithKey(principal.keyLabel()).build();
        VoiceCreated event = VoiceCreated.newBuilder()
                .setTenantId(principal.tenantId()).setVoiceId(voiceId).setName(voice.getString("name"))
                .setLanguage(voice.getString("language")).setConsent(revoked)
                .setCreatedAt(Instant.parse(voice.getString("createdAt"))).build();
        services.publisher().publish(ctx.vertx().getOrCreateContext(), Topics.VOICES, voiceId, event)
                .onSuccess(md -> {
                    JsonObject doc = dev.voxpipe.ingest.views.ViewDocs.voice(event);
                    views.remember(ViewStores.VOICES, "v/" + voiceId, doc);
                    org.slf4j.LoggerFactory.getLogger("dev.voxpipe.audit").info(
                            "consent revoked: voice={} key={}", voiceId, principal.keyLabel());
                    Requests.json(ctx, 200, doc.getJsonObject("consent").copy().put("voiceId", voiceId));
                })
                .onFailure(ctx::fail);
    }

    void list(RoutingContext ctx) {
        Principal principal = Requests.principal(ctx);
        int limit = Requests.pageSize(ctx, services.settings().defaultPageSize(), services.settings().maxPageSize());
        String after = ctx.request().getParam("after");
        if (after != null && !Ids.plausible(after)) throw ApiException.invalid("'after' is not a voice id", new JsonObject().put("field", "after"));
        String prefix = "t/" + principal.tenantId() + "/";
        TreeSet<String> ids = new TreeSet<>();
        for (Map.Entry<String, String> e : views.scan(ViewStores.VOICES, prefix, after == null ? null : prefix + after, limit + 1)) {
            ids.add(e.getKey().substring(prefix.length()));
        }
        for (String key : views.recentKeys(ViewStores.VOICES, prefix)) {
            String id = key.substring(prefix.length());
            if (after == null || id.compareTo(after) > 0) ids.add(id);
        }
        List<String> page = new ArrayList<>(ids).subList(0, Math.min(ids.size(), limit));
        JsonArray items = new JsonArray();
        for (String id : page) {
            views.get(ViewStores.VOICES, "v/" + id).ifPresent(v -> items.add(Requests.withoutTenant(v)));
        }
        JsonObject result = new JsonObject().put("items", items)
                .put("next", ids.size() > limit ? page.get(page.size() - 1) : null);
        Requests.json(ctx, 200, result);
    }

    void get(RoutingContext ctx) {
        Principal principal = Requests.principal(ctx);
        String voiceId = ctx.pathParam("voiceId");
        JsonObject voice = Requests.voice(views, principal, voiceId);
        JsonObject result = Requests.withoutTenant(voice);
        double min = services.settings().minTrainingSeconds();
        JsonObject dataset = views.get(ViewStores.DATASETS, voiceId).map(Requests::withoutTenant)
                .orElse(new JsonObject().put("usableSeconds", 0.0).put("clipsAccepted", 0).put("clipsRejected", 0)
                        .put("rejections", new JsonArray()).put("uploadsRejected", new JsonArray()));
        ClipApi.liveLabels(views, voiceId, principal.tenantId()).ifPresent(l -> dataset.put("labels", l)); // issue 20: edits included
        dataset.put("minimumTrainingSeconds", min)
                .put("readyForTraining", dataset.getDouble("usableSeconds", 0.0) >= min);
        result.put("dataset", dataset);
        JsonArray versions = modelVersions(voiceId);
        JsonArray jobs = jobs(voiceId);
        String modelState = !versions.isEmpty() ? "READY"
                : jobs.stream().anyMatch(j -> isActive((JsonObject) j)) ? "TRAINING" : "NONE";
        result.put("model", new JsonObject().put("state", modelState)
                .put("latestVersion", versions.isEmpty() ? null : versions.getJsonObject(versions.size() - 1).getInteger("version"))
                // the served model still holds uploads deleted since it was trained: train again to leave them out
                .put("latestTrainedOnDeletedUploads", versions.isEmpty() ? new JsonArray()
                        : versions.getJsonObject(versions.size() - 1).getJsonArray("trainedOnDeletedUploads"))
                .put("sampleUrl", versions.stream().anyMatch(v -> ((JsonObject) v).getBoolean("hasSample", false))
                        ? "/v1/voices/" + voiceId + "/sample" : null)
                .put("versions", versions));
        result.put("trainingJobs", jobs);
        Requests.json(ctx, 200, result);
    }

    JsonArray modelVersions(String voiceId) {
        java.util.Set<String> deleted = deletedUploads(views, voiceId);
        JsonArray versions = new JsonArray();
        for (Map.Entry<String, String> e : views.scan(ViewStores.MODELS, voiceId + "/", null, 1000)) {
            JsonObject model = new JsonObject(e.getValue());
            versions.add(Requests.withoutTenant(model).put("hasSample", model.getString("sampleKey") != null)
                    .put("trainedOnDeletedUploads", trainedOnDeletedUploads(model, deleted)));
        }
        return versions;
    }

    /** The voice's uploads deleted one by one (DELETE .../samples/{id}) while the voice lives. */
    static java.util.Set<String> deletedUploads(Views views, String voiceId) {
        String prefix = ViewStores.deletedUploadKey(voiceId, "");
        java.util.Set<String> ids = new java.util.TreeSet<>();
        for (Map.Entry<String, String> e : views.scan(ViewStores.UPLOADS, prefix, null, 100_000)) {
            ids.add(e.getKey().substring(prefix.length()));
        }
        return ids;
    }

    /**
     * Which of the uploads a model was made from have been deleted since: it still holds what it learned from them
     * (a fine-tuned voice carries its clips' log-mel frames), so it should be trained again.
     */
    static JsonArray trainedOnDeletedUploads(JsonObject model, java.util.Set<String> deleted) {
        JsonArray out = new JsonArray();
        for (Object id : model.getJsonArray("uploadIds", new JsonArray())) {
            if (deleted.contains(String.valueOf(id))) out.add(id);
        }
        return out;
    }

    private JsonArray jobs(String voiceId) {
        JsonArray jobs = new JsonArray();
        TreeSet<String> ids = new TreeSet<>();
        String prefix = "v/" + voiceId + "/";
        for (Map.Entry<String, String> e : views.scan(ViewStores.JOBS, prefix, null, 1000)) ids.add(e.getKey().substring(prefix.length()));
        for (String key : views.recentKeys(ViewStores.JOBS, prefix)) ids.add(key.substring(prefix.length()));
        for (String jobId : ids) {
            views.get(ViewStores.JOBS, "j/" + jobId).ifPresent(job -> jobs.add(JobApi.status(views, job, services.settings().trainingHeartbeatTimeout())));
        }
        return jobs;
    }

    /**
     * A QUEUED job nobody reported on for this long no longer blocks a new one. A RUNNING job whose
     * worker went silent is STALLED after the heartbeat timeout and blocks nothing (issue 22).
     */
    private static final java.time.Duration STALE_JOB = java.time.Duration.ofMinutes(10);

    static boolean isActive(JsonObject jobStatus) {
        String state = jobStatus.getString("state");
        if (!state.equals("QUEUED") && !state.equals("RUNNING") && !state.equals("DEFERRED")) return false;
        JsonObject progress = jobStatus.getJsonObject("progress");
        if (state.equals("DEFERRED") && progress != null && progress.getString("deferredUntil") != null) {
            try { // waiting for its window is activity: the job blocks a new one until it has had time to start
                return Instant.parse(progress.getString("deferredUntil")).isAfter(Instant.now().minus(STALE_JOB));
            } catch (java.time.format.DateTimeParseException e) {
                return true;
            }
        }
        String last = progress != null && progress.getString("updatedAt") != null ? progress.getString("updatedAt")
                : jobStatus.getString("requestedAt");
        try {
            return last == null || Instant.parse(last).isAfter(Instant.now().minus(STALE_JOB));
        } catch (java.time.format.DateTimeParseException e) {
            return true;
        }
    }

    /** The furthest a deadline may lie ahead: public grid forecasts reach 48 h. */
    static final java.time.Duration MAX_DEADLINE = java.time.Duration.ofDays(7);

    /** An ISO-8601 instant in the future and at most {@link #MAX_DEADLINE} ahead, or null when absent. */
    static Instant deadline(String text) {
        if (text == null) return null;
        Instant deadline;
        try {
            deadline = java.time.OffsetDateTime.parse(text).toInstant();
        } catch (java.time.format.DateTimeParseException e) {
            throw ApiException.invalid("'deadline' must be an ISO-8601 time with an offset, e.g. 2026-11-30T06:00:00Z",
                    new JsonObject().put("field", "deadline"));
        }
        Instant now = Instant.now();
        if (!deadline.isAfter(now) || deadline.isAfter(now.plus(MAX_DEADLINE))) {
            throw ApiException.invalid("'deadline' must be in the future and at most 7 days ahead",
                    new JsonObject().put("field", "deadline"));
        }
        return deadline;
    }

    /** GET /v1/voices/{id}/sample: the newest model's final audition. */
    void sample(RoutingContext ctx) {
        String voiceId = ctx.pathParam("voiceId");
        Requests.voice(views, Requests.principal(ctx), voiceId);
        String key = null;
        int newest = -1;
        for (Map.Entry<String, String> e : views.scan(ViewStores.MODELS, voiceId + "/", null, 1000)) {
            JsonObject model = new JsonObject(e.getValue());
            if (model.getString("sampleKey") != null && model.getInteger("version", 0) > newest) {
                newest = model.getInteger("version", 0);
                key = model.getString("sampleKey");
            }
        }
        if (key == null) throw ApiException.notFound("sample", voiceId);
        JobApi.sendBlob(ctx, workers, services, key, "sample");
    }

    void train(RoutingContext ctx) {
        Principal principal = Requests.principal(ctx);
        String voiceId = ctx.pathParam("voiceId");
        JsonObject voice = Requests.voice(views, principal, voiceId);
        Requests.requireConsent(voice);
        if (Idempotency.resumed(ctx)) { // an earlier attempt with this key had an unknown outcome: did its job land?
            String reserved = Idempotency.resourceId(ctx, "job");
            JsonObject existing = views.get(ViewStores.JOBS, "j/" + reserved).orElse(null);
            if (existing != null && principal.tenantId().equals(existing.getString("tenantId"))) {
                ctx.response().putHeader("Location", "/v1/jobs/" + reserved);
                Requests.json(ctx, 202, JobApi.status(views, existing, services.settings().trainingHeartbeatTimeout()));
                return;
            }
        }
        JsonObject body = Requests.optionalJsonBody(ctx);
        Double maxSteps = Requests.number(body, "maxSteps");
        if (maxSteps != null && (maxSteps < 0 || maxSteps > 10_000_000 || maxSteps != Math.floor(maxSteps))) {
            throw ApiException.invalid("'maxSteps' must be a whole number from 0 to 10000000", new JsonObject().put("field", "maxSteps"));
        }
        String modeText = Requests.string(body, "mode", false, 20);
        TrainingMode mode;
        try {
            mode = modeText == null ? TrainingMode.FEW_SHOT : TrainingMode.valueOf(modeText.toUpperCase(Locale.ROOT).replace('-', '_'));
        } catch (IllegalArgumentException e) {
            throw ApiException.invalid("'mode' must be FEW_SHOT or ZERO_SHOT", new JsonObject().put("field", "mode"));
        }
        String baseModel = Requests.string(body, "baseModel", false, 100);
        Instant deadline = deadline(Requests.string(body, "deadline", false, 40));
        double min = services.settings().minTrainingSeconds();
        JsonObject dataset = views.get(ViewStores.DATASETS, voiceId).orElse(new JsonObject());
        double usable = dataset.getDouble("usableSeconds", 0.0);
        if (usable < min) {
            throw new ApiException(409, "insufficient_audio",
                    String.format(Locale.ROOT, "the voice has %.1f s of usable audio; training needs at least %.1f s", usable, min),
                    new JsonObject().put("usableSeconds", usable).put("requiredSeconds", min)
                            .put("missingSeconds", min - usable)
                            .put("clipsAccepted", dataset.getInteger("clipsAccepted", 0))
                            .put("clipsRejected", dataset.getInteger("clipsRejected", 0)), null);
        }
        String jobId = Idempotency.resourceId(ctx, "job");
        // Claim the voice before checking for an active job: the check and the publication are
        // separate steps, and two concurrent requests must not both pass the check.
        TrainingClaims claims = services.trainingClaims();
        if (!claims.tryClaim(voiceId, jobId)) {
            throw new ApiException(409, "training_in_progress", "another training request for this voice is being queued",
                    new JsonObject().put("reason", "concurrent_request"), null);
        }
        try {
            for (Object j : jobs(voiceId)) {
                JsonObject job = (JsonObject) j;
                if (isActive(job)) {
                    throw new ApiException(409, "training_in_progress", "the voice already has a training job in progress",
                            new JsonObject().put("reason", "job_active").put("jobId", job.getString("jobId"))
                                    .put("state", job.getString("state")), null);
                }
            }
        } catch (RuntimeException e) {
            claims.release(voiceId, jobId);
            throw e;
        }
        TrainingJob event = TrainingJob.newBuilder().setJobId(jobId).setTenantId(principal.tenantId()).setVoiceId(voiceId)
                .setEpoch(0).setMode(mode).setBaseModel(baseModel == null ? "base" : baseModel)
                .setMaxSteps(maxSteps == null ? 0 : maxSteps.intValue()).setUsableSeconds(usable)
                .setDeadline(deadline).setRequestedAt(Instant.now()).setLanguage(voice.getString("language")).build();
        Idempotency.beforePublish(ctx)
                .compose(v -> services.publisher().publish(ctx.vertx().getOrCreateContext(), Topics.TRAINING_JOBS, jobId, event))
                .onComplete(done -> {
                    if (done.succeeded()) {
                        JsonObject doc = dev.voxpipe.ingest.views.ViewDocs.job(event);
                        // Remembered before the claim is released, so the next request's check sees the job.
                        views.remember(ViewStores.JOBS, "j/" + jobId, doc);
                        views.remember(ViewStores.JOBS, "v/" + voiceId + "/" + jobId, new JsonObject());
                    }
                    claims.release(voiceId, jobId);
                })
                .onSuccess(md -> {
                    ctx.response().putHeader("Location", "/v1/jobs/" + jobId);
                    Requests.json(ctx, 202, JobApi.status(views, dev.voxpipe.ingest.views.ViewDocs.job(event), services.settings().trainingHeartbeatTimeout()));
                })
                .onFailure(ctx::fail);
    }
}
