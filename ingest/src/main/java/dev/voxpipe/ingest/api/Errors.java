package dev.voxpipe.ingest.api;

import io.vertx.core.Future;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.HttpException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Renders every failure as JSON {@code {error, message, details}}; stack traces go to the log only. */
public final class Errors {

    private static final Logger log = LoggerFactory.getLogger(Errors.class);

    private Errors() {}

    public static Future<Void> send(RoutingContext ctx, Throwable failure) {
        return send(ctx.response(), toApi(ctx.statusCode(), failure, ctx.request().path()));
    }

    /** Completes when the error response is written. */
    public static Future<Void> send(HttpServerResponse response, ApiException e) {
        if (response.ended() || response.closed()) return Future.succeededFuture();
        if (response.headWritten()) { // mid-stream: nothing sensible left to say, end the connection
            response.reset();
            return Future.succeededFuture();
        }
        if (e.retryAfterSeconds() != null) response.putHeader("Retry-After", Integer.toString(e.retryAfterSeconds()));
        if (e.status() == 401) response.putHeader("WWW-Authenticate", "Bearer realm=\"voxpipe\"");
        JsonObject body = new JsonObject().put("error", e.code()).put("message", e.getMessage()).put("details", e.details());
        if (e.outcome() != null) body.put("outcome", e.outcome());
        return response.setStatusCode(e.status())
                .putHeader("Content-Type", "application/json")
                .end(body.toBuffer());
    }

    /** A client's path, shortened and stripped of control characters, for an error message. */
    static String printable(String path) {
        if (path == null) return "";
        String clean = path.replaceAll("\\p{Cntrl}", "?");
        return clean.length() > 200 ? clean.substring(0, 200) + "..." : clean;
    }

    private static final long LINGER_BYTES = 8L * 1024 * 1024;
    private static final long LINGER_MS = 3000;

    /**
     * Answers an HTTP/1.1 request whose body will not be used, then closes its connection. The
     * rest of the body is read and dropped for a moment first ("lingering close"): closing a socket
     * with unread input sends a TCP reset, which can destroy the answer before the client reads it.
     */
    public static void sendAndClose(io.vertx.core.http.HttpServerRequest request, ApiException e) {
        HttpServerResponse response = request.response();
        if (request.version() == io.vertx.core.http.HttpVersion.HTTP_2 || request.isEnded()) {
            send(response, e);
            return;
        }
        if (!response.headWritten()) response.putHeader("Connection", "close");
        Future<Void> sent = send(response, e);
        var connection = request.connection();
        var context = io.vertx.core.Vertx.currentContext();
        long timer = context == null ? -1 : context.owner().setTimer(LINGER_MS, t -> connection.close());
        long[] dropped = {0};
        request.handler(buffer -> {
            dropped[0] += buffer.length();
            if (dropped[0] > LINGER_BYTES) connection.close();
        });
        request.endHandler(v -> {
            if (timer >= 0) context.owner().cancelTimer(timer);
            sent.onComplete(x -> connection.close());
        });
        request.exceptionHandler(x -> connection.close());
        request.resume();
    }

    /**
     * Answers a request the HTTP decoder could not read (Vert.x's invalid-request handler, which
     * otherwise answers with an empty body): a request line over the limit is 414, headers over
     * the limit 431, anything else 400; then the connection is closed, since the decoder cannot
     * find the next request on it.
     */
    public static void invalidRequest(io.vertx.core.http.HttpServerRequest request) {
        Throwable cause = request.decoderResult() == null ? null : request.decoderResult().cause();
        ApiException error;
        if (cause instanceof io.netty.handler.codec.http.TooLongHttpLineException) {
            error = new ApiException(414, "uri_too_long", "the request line is longer than the server accepts");
        } else if (cause instanceof io.netty.handler.codec.http.TooLongHttpHeaderException) {
            error = new ApiException(431, "headers_too_large", "the request headers are larger than the server accepts");
        } else {
            error = ApiException.badRequest("the request is not valid HTTP");
        }
        HttpServerResponse response = request.response();
        if (!response.headWritten()) response.putHeader("Connection", "close");
        send(response, error).onComplete(x -> request.connection().close());
    }

    static ApiException toApi(int status, Throwable failure, String path) {
        if (failure instanceof ApiException api) return api;
        if (failure instanceof DecodeException || (failure != null && failure.getCause() instanceof DecodeException)) {
            return ApiException.badRequest("the body is not valid JSON");
        }
        if (failure instanceof HttpException http) status = http.getStatusCode();
        return switch (status) {
            case 400 -> ApiException.badRequest("the request is malformed");
            case 404 -> new ApiException(404, "not_found", "no route " + printable(path));
            case 405 -> new ApiException(405, "method_not_allowed", "method not allowed on " + printable(path));
            case 413 -> new ApiException(413, "payload_too_large", "the request body is larger than allowed");
            case 414 -> new ApiException(414, "uri_too_long", "the request URI is longer than the server accepts");
            case 415 -> new ApiException(415, "unsupported_media_type", "unsupported content type");
            case 431 -> new ApiException(431, "headers_too_large", "the request headers are larger than the server accepts");
            case 501 -> new ApiException(501, "not_implemented", "the method is not implemented");
            default -> {
                if (failure != null && dev.voxpipe.core.fault.Faults.isTransient(failure)) {
                    log.warn("infrastructure unavailable on {}: {}", path, failure.toString());
                    yield ApiException.unavailable("a backing service (blob store, broker or registry) is unavailable; retry shortly", 5);
                }
                log.error("unexpected failure on {}", path, failure);
                yield new ApiException(500, "internal", "internal error; see the service log");
            }
        };
    }
}
