package dev.voxpipe.ingest.api;

import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.time.Duration;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * Server-Sent Events from a view: polls the status on the event loop's timer (a local store read)
 * and sends an {@code status} event whenever it changes, then {@code end} at a final state.
 * A comment line every 15 s keeps proxies from closing an idle stream.
 */
final class Sse {

    private static final long HEARTBEAT_MS = 15_000;

    private Sse() {}

    static void stream(RoutingContext ctx, Duration interval, Supplier<JsonObject> status, Predicate<JsonObject> terminal) {
        HttpServerResponse response = ctx.response();
        response.setChunked(true)
                .putHeader("Content-Type", "text/event-stream")
                .putHeader("Cache-Control", "no-cache")
                .putHeader("X-Accel-Buffering", "no");
        var vertx = ctx.vertx();
        long[] timer = new long[1];
        String[] last = new String[1];
        long[] lastSent = {System.currentTimeMillis()};
        int[] id = {0};
        Runnable tick = () -> {
            if (response.closed() || response.ended()) {
                vertx.cancelTimer(timer[0]);
                return;
            }
            JsonObject now;
            try {
                now = status.get();
            } catch (ApiException e) {
                response.write("event: error\ndata: " + new JsonObject().put("error", e.code()).put("message", e.getMessage()).encode() + "\n\n");
                if (e.status() == 404) {
                    vertx.cancelTimer(timer[0]);
                    response.end();
                }
                return;
            }
            String encoded = now.encode();
            if (!encoded.equals(last[0])) {
                last[0] = encoded;
                lastSent[0] = System.currentTimeMillis();
                response.write("id: " + (++id[0]) + "\nevent: status\ndata: " + encoded + "\n\n");
            } else if (System.currentTimeMillis() - lastSent[0] > HEARTBEAT_MS) {
                lastSent[0] = System.currentTimeMillis();
                response.write(": keep-alive\n\n");
            }
            if (terminal.test(now)) {
                vertx.cancelTimer(timer[0]);
                response.end("event: end\ndata: " + encoded + "\n\n");
            }
        };
        timer[0] = vertx.setPeriodic(Math.max(50, interval.toMillis()), t -> tick.run());
        response.closeHandler(v -> vertx.cancelTimer(timer[0]));
        tick.run();
    }
}
