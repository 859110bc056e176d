package dev.voxpipe.ingest.auth;

import dev.voxpipe.ingest.api.ApiException;
import dev.voxpipe.ingest.api.Errors;
import dev.voxpipe.ingest.metrics.IngestMetrics;
import io.vertx.core.Handler;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.RoutingContext;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * Authenticates {@code Authorization: Bearer <key>} (or {@code X-Api-Key}), checks the key's scope
 * and takes a token from its bucket. Puts the {@link Principal} in the context under {@link #PRINCIPAL}.
 */
public final class AuthHandler implements Handler<RoutingContext> {

    public static final String PRINCIPAL = "voxpipe.principal";

    private final ApiKeys keys;
    private final ConcurrentMap<String, TokenBucket> buckets;
    private final IngestMetrics metrics;

    public AuthHandler(ApiKeys keys, ConcurrentMap<String, TokenBucket> sharedBuckets, IngestMetrics metrics) {
        this.keys = keys;
        this.buckets = sharedBuckets == null ? new ConcurrentHashMap<>() : sharedBuckets;
        this.metrics = metrics;
    }

    @Override
    public void handle(RoutingContext ctx) {
        String presented = presentedKey(ctx);
        if (presented == null) {
            Errors.send(ctx.response(), new ApiException(401, "unauthenticated",
                    "an API key is required: send 'Authorization: Bearer <key>'"));
            return;
        }
        Principal principal = keys.lookup(presented).orElse(null);
        if (principal == null) {
            Errors.send(ctx.response(), new ApiException(401, "unauthenticated", "the API key is not valid"));
            return;
        }
        if (principal.scope() == Principal.Scope.READ && ctx.request().method() != HttpMethod.GET
                && ctx.request().method() != HttpMethod.HEAD) {
            Errors.send(ctx.response(), new ApiException(403, "forbidden", "this API key may only read"));
            return;
        }
        long now = System.nanoTime();
        // Keyed by hash and limits: a key whose limits change in a reloaded key file gets a fresh bucket.
        TokenBucket bucket = buckets.computeIfAbsent(principal.keyHash() + "/" + principal.ratePerSecond() + "/" + principal.burst(),
                k -> new TokenBucket(principal.ratePerSecond(), principal.burst(), now));
        long waitNanos = bucket.tryTake(now);
        if (waitNanos > 0) {
            metrics.rateLimited();
            int seconds = (int) Math.max(1, Math.min(3600, Math.ceil(waitNanos / 1e9)));
            Errors.send(ctx.response(), new ApiException(429, "rate_limited",
                    "too many requests for this API key (" + principal.ratePerSecond() + "/s, burst " + principal.burst() + ")",
                    null, seconds));
            return;
        }
        ctx.put(PRINCIPAL, principal);
        ctx.next();
    }

    private static String presentedKey(RoutingContext ctx) {
        String authorization = ctx.request().getHeader("Authorization");
        if (authorization != null && authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return authorization.substring(7).strip();
        }
        String header = ctx.request().getHeader("X-Api-Key");
        return header == null ? null : header.strip();
    }

    public static Principal principal(RoutingContext ctx) {
        Principal p = ctx.get(PRINCIPAL);
        if (p == null) throw new IllegalStateException("route is not behind AuthHandler");
        return p;
    }
}
