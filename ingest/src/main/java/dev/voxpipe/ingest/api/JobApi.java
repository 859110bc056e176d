package dev.voxpipe.ingest.api;

import dev.voxpipe.ingest.auth.Principal;
import dev.voxpipe.ingest.views.ViewStores;
import dev.voxpipe.ingest.views.Views;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

/** Training jobs: state, step, loss and ETA, also as Server-Sent Events. */
final class JobApi {

    private final Services services;
    private final Views views;

    JobApi(Services services) {
        this.services = services;
        this.views = services.views();
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
            if ("FAILED".equals(p.getString("state"))) result.put("reason", PublicReasons.training(workerMessage));
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
