package dev.voxpipe.ingest.api;

import io.vertx.core.json.JsonObject;

/**
 * A request the API refuses, with the HTTP status, a stable machine-readable code and a message
 * for people. Rendered as {@code {error, message, details}}.
 */
public final class ApiException extends RuntimeException {

    private final int status;
    private final String code;
    private final JsonObject details;
    private final Integer retryAfterSeconds;
    private final String outcome;

    /** A write's outcome: nothing was accepted; a retry (best with the same Idempotency-Key) is safe. */
    public static final String NOT_ACCEPTED = "not_accepted";
    /** A write's outcome: Kafka may or may not have it (a timeout); retry with the same Idempotency-Key. */
    public static final String UNKNOWN = "unknown";

    public ApiException(int status, String code, String message, JsonObject details, Integer retryAfterSeconds) {
        this(status, code, message, details, retryAfterSeconds, null);
    }

    public ApiException(int status, String code, String message, JsonObject details, Integer retryAfterSeconds, String outcome) {
        super(message, null, false, false); // no stack trace: it is never shown and costs time
        this.status = status;
        this.code = code;
        this.details = details == null ? new JsonObject() : details;
        this.retryAfterSeconds = retryAfterSeconds;
        this.outcome = outcome;
    }

    public ApiException(int status, String code, String message) {
        this(status, code, message, null, null);
    }

    public static ApiException badRequest(String message) {
        return new ApiException(400, "bad_request", message);
    }

    public static ApiException invalid(String message, JsonObject details) {
        return new ApiException(422, "invalid_request", message, details, null);
    }

    public static ApiException notFound(String what, String id) {
        return new ApiException(404, "not_found", "no " + what + " '" + id + "'",
                new JsonObject().put("resource", what).put("id", id), null);
    }

    public static ApiException unavailable(String message, int retryAfterSeconds) {
        return new ApiException(503, "unavailable", message, null, retryAfterSeconds);
    }

    /** The blob store is away (an unmounted volume, an unreachable S3 endpoint): nothing was stored, retry. */
    public static ApiException storageUnavailable() {
        return new ApiException(503, "storage_unavailable", "the blob store is unavailable; nothing was accepted, retry shortly",
                null, 5, NOT_ACCEPTED);
    }

    /** 503 of a write whose outcome is {@link #NOT_ACCEPTED} or {@link #UNKNOWN}. */
    public static ApiException unavailable(String message, int retryAfterSeconds, String outcome) {
        return new ApiException(503, "unavailable", message, null, retryAfterSeconds, outcome);
    }

    /** {@link #NOT_ACCEPTED}, {@link #UNKNOWN}, or null when the error is not about a write. */
    public String outcome() {
        return outcome;
    }

    public int status() {
        return status;
    }

    public String code() {
        return code;
    }

    public JsonObject details() {
        return details;
    }

    public Integer retryAfterSeconds() {
        return retryAfterSeconds;
    }
}
