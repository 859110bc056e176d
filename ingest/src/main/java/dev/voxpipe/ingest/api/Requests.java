package dev.voxpipe.ingest.api;

import dev.voxpipe.ingest.auth.AuthHandler;
import dev.voxpipe.ingest.auth.Principal;
import dev.voxpipe.ingest.views.ViewStores;
import dev.voxpipe.ingest.views.Views;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

/** Small helpers shared by the route handlers: bodies, tenant-checked lookups, JSON answers. */
final class Requests {

    private Requests() {}

    static JsonObject jsonBody(RoutingContext ctx) {
        String type = ctx.request().getHeader("Content-Type");
        if (type == null || !type.toLowerCase(java.util.Locale.ROOT).startsWith("application/json")) {
            throw new ApiException(415, "unsupported_media_type", "send the body as application/json",
                    new JsonObject().put("contentType", type), null);
        }
        if (ctx.body() == null || ctx.body().length() == 0) throw ApiException.badRequest("the body is empty");
        try {
            JsonObject body = ctx.body().asJsonObject();
            if (body == null) throw ApiException.badRequest("the body must be a JSON object");
            return body;
        } catch (io.vertx.core.json.DecodeException | ClassCastException e) {
            throw ApiException.badRequest("the body is not a valid JSON object");
        }
    }

    /** The body if one was sent, else an empty object (for routes whose body is optional). */
    static JsonObject optionalJsonBody(RoutingContext ctx) {
        if (ctx.body() == null || ctx.body().length() == 0) return new JsonObject();
        return jsonBody(ctx);
    }

    static String string(JsonObject body, String field, boolean required, int maxLength) {
        Object value = body.getValue(field);
        if (value == null) {
            if (required) throw ApiException.invalid("'" + field + "' is required", new JsonObject().put("field", field));
            return null;
        }
        if (!(value instanceof String s)) throw ApiException.badRequest("'" + field + "' must be a string");
        if (required && s.isBlank()) throw ApiException.invalid("'" + field + "' must not be empty", new JsonObject().put("field", field));
        if (s.length() > maxLength) {
            throw ApiException.invalid("'" + field + "' is longer than " + maxLength + " characters",
                    new JsonObject().put("field", field).put("maxLength", maxLength));
        }
        return s;
    }

    static Double number(JsonObject body, String field) {
        Object value = body.getValue(field);
        if (value == null) return null;
        if (!(value instanceof Number n)) throw ApiException.badRequest("'" + field + "' must be a number");
        return n.doubleValue();
    }

    static Principal principal(RoutingContext ctx) {
        return AuthHandler.principal(ctx);
    }

    /** The voice if it exists and belongs to the caller's tenant; 404 otherwise, never 403. */
    static JsonObject voice(Views views, Principal principal, String voiceId) {
        if (!Ids.plausible(voiceId)) throw ApiException.notFound("voice", voiceId);
        JsonObject voice = views.get(ViewStores.VOICES, "v/" + voiceId).orElse(null);
        if (voice == null || !principal.tenantId().equals(voice.getString("tenantId"))) {
            throw ApiException.notFound("voice", voiceId);
        }
        return voice;
    }

    /** 409 when the voice's consent was revoked: nothing new is done with the voice. */
    static void requireConsent(JsonObject voice) {
        if (dev.voxpipe.ingest.views.ViewDocs.consentRevoked(voice)) {
            throw new ApiException(409, "consent_revoked", "the voice's consent was revoked; no new uploads, training or synthesis",
                    new JsonObject().put("voiceId", voice.getString("voiceId")), null);
        }
    }

    /** Answers with JSON; an accepted answer to a request with an Idempotency-Key is recorded first. */
    static void json(RoutingContext ctx, int status, JsonObject body) {
        Idempotency.send(ctx, status, body);
    }

    static void sendJson(RoutingContext ctx, int status, JsonObject body) {
        ctx.response().setStatusCode(status).putHeader("Content-Type", "application/json").end(body.toBuffer());
    }

    static int pageSize(RoutingContext ctx, int defaultSize, int max) {
        String limit = ctx.request().getParam("limit");
        if (limit == null) return defaultSize;
        try {
            int n = Integer.parseInt(limit);
            if (n < 1 || n > max) throw ApiException.invalid("limit must be between 1 and " + max, new JsonObject().put("field", "limit"));
            return n;
        } catch (NumberFormatException e) {
            throw ApiException.badRequest("limit must be a whole number");
        }
    }

    /** A stored document as a response shows it: without the tenant and the internal blob keys. */
    static JsonObject withoutTenant(JsonObject doc) {
        JsonObject copy = doc.copy();
        copy.remove("tenantId");
        copy.remove("checkpointKey");
        copy.remove("sampleKey");
        copy.remove("textBlobKey");
        copy.remove("referenceKey");
        return copy;
    }
}
