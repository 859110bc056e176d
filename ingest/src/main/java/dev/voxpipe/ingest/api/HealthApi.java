package dev.voxpipe.ingest.api;

import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

/** Liveness, readiness, metrics (management port only) and the OpenAPI document: no API key needed. */
final class HealthApi {

    private final Services services;
    private final ApiDocs docs;

    HealthApi(Services services, ApiDocs docs) {
        this.services = services;
        this.docs = docs;
    }

    void live(RoutingContext ctx) {
        Requests.json(ctx, 200, new JsonObject().put("status", "UP"));
    }

    /** Views RUNNING, Kafka reachable and sends succeeding, and an upload slot free. */
    void ready(RoutingContext ctx) {
        boolean views = services.views().running();
        boolean kafka = services.publisher().available();
        // Every upload slot taken: this instance cannot take another upload, so a load balancer
        // should send traffic elsewhere until one ends.
        boolean uploads = !services.uploads().saturated();
        JsonObject details = new JsonObject()
                .put("views", services.views().state().name())
                .put("kafka", services.publisher().brokerReachable() ? (kafka ? "UP" : "SEND_FAILING") : "UNREACHABLE")
                .put("uploads", uploads ? "UP" : "SATURATED")
                .put("uploadsInFlight", services.uploads().inFlight())
                .put("uploadSlots", services.uploads().capacity());
        if (views && kafka && uploads) {
            Requests.json(ctx, 200, new JsonObject().put("status", "UP").put("details", details));
        } else {
            Errors.send(ctx.response(), new ApiException(503, "not_ready", "the service is not ready", details,
                    services.settings().retryAfterSeconds()));
        }
    }

    void metrics(RoutingContext ctx) {
        ctx.response().putHeader("Content-Type", "text/plain; version=0.0.4; charset=utf-8").end(services.metrics().scrape());
    }

    void openapi(RoutingContext ctx) {
        Requests.json(ctx, 200, docs.document(ApiRouter.VERSION));
    }
}
