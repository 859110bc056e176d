package dev.voxpipe.ingest.api;

import dev.voxpipe.ingest.auth.Principal;
import dev.voxpipe.ingest.views.ViewStores;
import dev.voxpipe.ingest.views.Views;
import io.vertx.core.WorkerExecutor;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.io.InputStream;

/** Training jobs: state, step, loss and ETA, also as Server-Sent Events; the auditions rendered while training. */
final class JobApi {

    private final Services services;
    private final Views views;
    private final WorkerExecutor workers;

    JobApi(Services services, WorkerExecutor workers) {
        this.services = services;
        this.views = services.views();
        this.workers = workers;
    }

    /** The API path of one audition's audio. */
    static String auditionUrl(String jobId, JsonObject audition) {
        return "/v1/jobs/" + jobId + "/auditions/" + audition.getInteger("step") + "/" + audition.getInteger("index");
    }

    /** Auditions as the API shows them: with their audio URL, without the internal blob key. */
    static JsonArray publicAuditions(String jobId, JsonArray stored) {
        JsonArray out = new JsonArray();
        if (stored == null) return out;
        for (Object o : stored) {
            JsonObject a = ((JsonObject) o).copy();
            a.remove("key");
            out.add(a.put("url", auditionUrl(jobId, (JsonObject) o)));
        }
        return out;
    }

    /**
     * The job as the API shows it. A RUNNING job whose worker has not been heard from (progress or
     * heartbeat) for {@code heartbeatTimeout} is {@code STALLED}, with {@code stalledSince} (its last
     * report): its worker was killed or cut off. It no longer blocks a new training request; if a
     * worker takes it up again it is RUNNING again.
     */
    static JsonObject status(Views views, JsonObject job, java.time.Duration heartbeatTimeout) {
        return status(views, job, heartbeatTimeout, System.currentTimeMillis());
    }

    static JsonObject status(Views views, JsonObject job, java.time.Duration heartbeatTimeout, long nowMillis) {
        JsonObject result = Requests.withoutTenant(job);
        JsonObject progress = views.get(ViewStores.PROGRESS, job.getString("jobId")).orElse(null);
        if (progress == null) {
            result.put("state", "QUEUED").put("progress", null);
        } else {
            JsonObject p = Requests.withoutTenant(progress);
            p.remove("eventMillis");
            p.remove("progressedMillis");
            // No internals: the worker's id is a host name and its message may hold exception text.
            p.remove("workerId");
            String workerMessage = (String) p.remove("message");
            // the list is GET /v1/jobs/{id}/auditions; the status only counts them
            JsonArray auditions = (JsonArray) p.remove("auditions");
            p.put("auditions", auditions == null ? 0 : auditions.size());
            if ("DEFERRED".equals(p.getString("state"))) result.put("deferral", workerMessage);
            if ("FAILED".equals(p.getString("state"))) result.put("reason", PublicReasons.training(workerMessage));
            if ("SUCCEEDED".equals(p.getString("state"))) {
                JsonObject notice = PublicReasons.trainingNotice(workerMessage);
                if (notice != null) result.put("notice", notice);
            }
            String state = p.getString("state");
            long lastHeard = progress.getLong("eventMillis", 0L);
            if ("RUNNING".equals(state) && lastHeard > 0 && nowMillis - lastHeard > heartbeatTimeout.toMillis()) {
                state = "STALLED";
                result.put("stalledSince", p.getString("updatedAt"));
                p.put("etaSeconds", null); // nothing is running towards it
            }
            result.put("state", state);
            int total = p.getInteger("totalSteps", 0);
            p.put("fraction", total > 0 ? Math.min(1.0, p.getInteger("step", 0) / (double) total) : null);
            result.put("progress", p);
        }
        return result;
    }

    JsonObject load(Principal principal, String jobId) {
        if (!Ids.plausible(jobId)) throw ApiException.notFound("job", jobId);
        JsonObject job = views.get(ViewStores.JOBS, "j/" + jobId).orElse(null);
        if (job == null || !principal.tenantId().equals(job.getString("tenantId"))) throw ApiException.notFound("job", jobId);
        // a job of a deleted voice is gone for the API
        if (views.get(ViewStores.VOICES, "v/" + job.getString("voiceId")).isEmpty()) throw ApiException.notFound("job", jobId);
        return status(views, job, services.settings().trainingHeartbeatTimeout());
    }

    void get(RoutingContext ctx) {
        Requests.json(ctx, 200, load(Requests.principal(ctx), ctx.pathParam("jobId")));
    }

    /** GET /v1/jobs/{id}/auditions: every audition the job rendered, oldest step first, with audio URLs. */
    void auditions(RoutingContext ctx) {
        String jobId = ctx.pathParam("jobId");
        JsonObject status = load(Requests.principal(ctx), jobId);
        JsonArray stored = views.get(ViewStores.PROGRESS, jobId).map(p -> p.getJsonArray("auditions")).orElse(null);
        JsonArray items = publicAuditions(jobId, stored);
        Integer finalStep = "SUCCEEDED".equals(status.getString("state")) && !items.isEmpty()
                ? items.getJsonObject(items.size() - 1).getInteger("step") : null;
        Requests.json(ctx, 200, new JsonObject().put("jobId", jobId).put("state", status.getString("state"))
                .put("finalStep", finalStep).put("items", items));
    }

    /** GET /v1/jobs/{id}/auditions/{step}/{index}: one audition's WAV. */
    void auditionAudio(RoutingContext ctx) {
        String jobId = ctx.pathParam("jobId");
        load(Requests.principal(ctx), jobId); // 404 for another tenant's or a deleted voice's job
        JsonArray stored = views.get(ViewStores.PROGRESS, jobId).map(p -> p.getJsonArray("auditions")).orElse(new JsonArray());
        String step = ctx.pathParam("step");
        String index = ctx.pathParam("index");
        JsonObject audition = stored.stream().map(o -> (JsonObject) o)
                .filter(a -> String.valueOf(a.getInteger("step")).equals(step) && String.valueOf(a.getInteger("index")).equals(index))
                .findFirst().orElseThrow(() -> ApiException.notFound("audition", jobId + "/" + step + "/" + index));
        sendBlob(ctx, workers, services, audition.getString("key"), "audition");
    }

    /** Reads a small blob (an audition, a sample) on a worker thread and sends it as WAV. */
    static void sendBlob(RoutingContext ctx, WorkerExecutor workers, Services services, String key, String what) {
        workers.<byte[]>executeBlocking(() -> {
            try (InputStream in = services.blobs().open(key)) {
                return in.readAllBytes();
            }
        }, false).onSuccess(bytes -> ctx.response().putHeader("Content-Type", "audio/wav")
                .putHeader("Cache-Control", "private, max-age=3600").end(Buffer.buffer(bytes)))
                .onFailure(e -> ctx.fail(e instanceof dev.voxpipe.core.blob.NoSuchBlobException
                        ? ApiException.notFound(what, key.substring(key.lastIndexOf('/') + 1)) : e));
    }

    void events(RoutingContext ctx) {
        Principal principal = Requests.principal(ctx);
        String jobId = ctx.pathParam("jobId");
        load(principal, jobId); // 404 before the stream starts
        Sse.stream(ctx, services.settings().sseInterval(), () -> load(principal, jobId),
                status -> status.getString("state").equals("SUCCEEDED") || status.getString("state").equals("FAILED"));
    }

    static boolean stalled(JsonObject status) {
        return "STALLED".equals(status.getString("state"));
    }
}
