package dev.voxpipe.ingest.api;

import dev.voxpipe.core.topics.Topics;
import dev.voxpipe.ingest.auth.Principal;
import dev.voxpipe.ingest.kafka.EventPublisher;
import dev.voxpipe.ingest.views.IdempotencyView;
import dev.voxpipe.ingest.views.ViewStores;
import dev.voxpipe.ingest.views.Views;
import dev.voxpipe.schemas.IdempotencyRecord;
import dev.voxpipe.schemas.IdempotencyState;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HexFormat;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code Idempotency-Key} header of the POST routes (issue 22). Per tenant and key, the first
 * accepted answer (status, body, Location) is kept in the compacted topic
 * {@code voxpipe.ingest.idempotency}, read back through a global store by every instance, so a retry
 * gets the same answer from any instance and after a restart; the same key with another request
 * (method, path, query, body) is 422 {@code idempotency_key_reused}.
 *
 * <p>No duplicate when an outcome is unknown: before a request publishes its event, a PENDING record
 * names the id its resource gets. A retry after a 503 {@code "outcome": "unknown"} finds it, reuses
 * the id and, when the resource already exists, answers with it instead of creating another.
 * Answers that accepted nothing (4xx, 503 not_accepted) are not kept: the key may be retried with a
 * corrected request, as with Stripe's keys. Two requests with one key at once on one instance: the
 * second is 409 {@code idempotency_key_in_use}.
 */
public final class Idempotency {

    public static final String HEADER = "Idempotency-Key";
    /** On an answer replayed from an earlier request with the same key. */
    public static final String REPLAYED_HEADER = "Idempotent-Replayed";
    static final int MAX_KEY_LENGTH = 255;
    private static final String SESSION = "voxpipe.idempotency.session";
    private static final Logger log = LoggerFactory.getLogger(Idempotency.class);

    private final Views views;
    private final EventPublisher publisher;
    private final Duration ttl;
    private final int retryAfterSeconds;
    /** Keys with a request running on this instance: store key → request hash. */
    private final ConcurrentMap<String, String> running = new ConcurrentHashMap<>();

    public Idempotency(Views views, EventPublisher publisher, Duration ttl, int retryAfterSeconds) {
        this.views = views;
        this.publisher = publisher;
        this.ttl = ttl;
        this.retryAfterSeconds = retryAfterSeconds;
    }

    /** One keyed request: where its record lives and the id its resource gets. */
    static final class Session {
        final Idempotency owner;
        final String storeKey;
        final String tenantId;
        final String requestHash;
        final String resourceId;
        /** An earlier attempt with this key wrote PENDING: its event may have landed. */
        final boolean resumed;
        final Instant createdAt;
        private Future<Void> pendingWritten;

        Session(Idempotency owner, String storeKey, String tenantId, String requestHash, String resourceId, boolean resumed, Instant createdAt) {
            this.owner = owner;
            this.storeKey = storeKey;
            this.tenantId = tenantId;
            this.requestHash = requestHash;
            this.resourceId = resourceId;
            this.resumed = resumed;
            this.createdAt = createdAt;
        }
    }

    /** The header's key; null when absent; 400 {@code idempotency_key_invalid} when it is not 1-255 visible ASCII characters. */
    static String key(RoutingContext ctx) {
        String key = ctx.request().getHeader(HEADER);
        if (key == null) return null;
        if (!validKey(key)) {
            throw new ApiException(400, "idempotency_key_invalid",
                    "the Idempotency-Key must be 1 to " + MAX_KEY_LENGTH + " visible ASCII characters (a UUID is a good key)",
                    new JsonObject().put("header", HEADER).put("maxLength", MAX_KEY_LENGTH), null);
        }
        return key;
    }

    static boolean validKey(String key) {
        if (key.isEmpty() || key.length() > MAX_KEY_LENGTH) return false;
        for (int i = 0; i < key.length(); i++) {
            char c = key.charAt(i);
            if (c < 0x21 || c > 0x7e) return false;
        }
        return true;
    }

    /** What makes two requests "the same": method, path, query and the body's bytes (or their digest for uploads). */
    static String requestHash(String method, String path, String query, byte[] bodyOrDigest) {
        MessageDigest sha = sha256();
        sha.update((method + "\n" + path + "\n" + (query == null ? "" : query) + "\n").getBytes(StandardCharsets.UTF_8));
        if (bodyOrDigest != null) sha.update(bodyOrDigest);
        return HexFormat.of().formatHex(sha.digest());
    }

    /** The store key: per tenant, and the client's key only as a digest. */
    static String storeKey(String tenantId, String key) {
        return tenantId + "/" + HexFormat.of().formatHex(sha256().digest(key.getBytes(StandardCharsets.UTF_8)));
    }

    /** The id the request's resource gets: the one an earlier attempt with the same key reserved, else a new one. */
    static String resourceId(RoutingContext ctx, String prefix) {
        Session session = ctx.get(SESSION);
        return session != null ? session.resourceId : Ids.next(prefix);
    }

    /** True when an earlier attempt with this key may have created the resource already (its outcome was unknown). */
    static boolean resumed(RoutingContext ctx) {
        Session session = ctx.get(SESSION);
        return session != null && session.resumed;
    }

    /**
     * To compose before the request publishes its event: writes PENDING (the reserved id) for a
     * keyed request, once; a no-op otherwise. If PENDING cannot be written, nothing was accepted.
     */
    static Future<Void> beforePublish(RoutingContext ctx) {
        Session session = ctx == null ? null : ctx.get(SESSION);
        if (session == null || session.resumed) return Future.succeededFuture();
        if (session.pendingWritten == null) {
            IdempotencyRecord pending = IdempotencyRecord.newBuilder().setTenantId(session.tenantId).setRequestHash(session.requestHash)
                    .setState(IdempotencyState.PENDING).setResourceId(session.resourceId).setCreatedAt(session.createdAt).build();
            session.pendingWritten = session.owner.publisher
                    .publish(ctx.vertx().getOrCreateContext(), Topics.INGEST_IDEMPOTENCY, session.storeKey, pending)
                    .<Void>mapEmpty()
                    .recover(e -> Future.failedFuture(ApiException.unavailable(
                            "the request could not be recorded in Kafka; nothing was accepted, retry later with the same Idempotency-Key",
                            session.owner.retryAfterSeconds, ApiException.NOT_ACCEPTED)))
                    .onSuccess(v -> session.owner.views.remember(ViewStores.IDEMPOTENCY, session.storeKey, IdempotencyView.doc(pending)));
        }
        return session.pendingWritten;
    }

    /** For a JSON POST, after its body handler: the key's earlier answer, a refusal, or on to the operation. */
    Handler<RoutingContext> handler(String resourcePrefix) {
        return ctx -> {
            String key = key(ctx);
            if (key == null) {
                ctx.next();
                return;
            }
            Buffer body = ctx.body() == null ? null : ctx.body().buffer();
            String hash = requestHash(ctx.request().method().name(), ctx.request().path(), ctx.request().query(),
                    body == null ? null : body.getBytes());
            begin(ctx, resourcePrefix, key, hash).onSuccess(proceed -> {
                if (proceed) ctx.next();
            }).onFailure(ctx::fail);
        };
    }

    /**
     * Looks the key up. Completes with false when the answer was replayed (the response is sent),
     * true when the request should run (its session is in the context), or fails with the refusal.
     */
    Future<Boolean> begin(RoutingContext ctx, String resourcePrefix, String key, String hash) {
        Principal principal = Requests.principal(ctx);
        String storeKey = storeKey(principal.tenantId(), key);
        String other = running.putIfAbsent(storeKey, hash);
        if (other != null) {
            return Future.failedFuture(other.equals(hash)
                    ? new ApiException(409, "idempotency_key_in_use", "a request with this Idempotency-Key is still running; retry shortly",
                            new JsonObject().put("header", HEADER), 1)
                    : reused());
        }
        ctx.addEndHandler(v -> running.remove(storeKey, hash));
        JsonObject record;
        try {
            // this instance's own COMPLETED first: the store may still show the PENDING for a few milliseconds
            record = views.recent(ViewStores.IDEMPOTENCY, storeKey).filter(r -> "COMPLETED".equals(r.getString("state")))
                    .or(() -> views.get(ViewStores.IDEMPOTENCY, storeKey)).orElse(null);
        } catch (ApiException e) {
            running.remove(storeKey, hash);
            return Future.failedFuture(e);
        }
        Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS);
        if (record != null && record.getLong("createdAtMillis", 0L) + ttl.toMillis() < now.toEpochMilli()) record = null; // expired
        if (record == null) {
            ctx.put(SESSION, new Session(this, storeKey, principal.tenantId(), hash, Ids.next(resourcePrefix), false, now));
            return Future.succeededFuture(true);
        }
        if (!hash.equals(record.getString("requestHash"))) return Future.failedFuture(reused());
        if ("COMPLETED".equals(record.getString("state"))) {
            replay(ctx, record);
            return Future.succeededFuture(false);
        }
        ctx.put(SESSION, new Session(this, storeKey, principal.tenantId(), hash, record.getString("resourceId"), true,
                Instant.ofEpochMilli(record.getLong("createdAtMillis"))));
        return Future.succeededFuture(true);
    }

    private static ApiException reused() {
        return new ApiException(422, "idempotency_key_reused",
                "this Idempotency-Key was used for a different request (method, path or body); use a new key for a new request",
                new JsonObject().put("header", HEADER), null);
    }

    private static void replay(RoutingContext ctx, JsonObject record) {
        var response = ctx.response();
        if (record.getString("location") != null) response.putHeader("Location", record.getString("location"));
        response.putHeader(REPLAYED_HEADER, "true");
        response.setStatusCode(record.getInteger("status")).putHeader("Content-Type", "application/json")
                .end(record.getString("body") == null ? "{}" : record.getString("body"));
    }

    /**
     * Sends an accepted answer; for a keyed request the answer is first recorded (COMPLETED), so a
     * retry gets it. A record that cannot be written is logged: the PENDING one still makes a
     * retry reuse the resource instead of creating another.
     */
    static void send(RoutingContext ctx, int status, JsonObject body) {
        Session session = ctx.get(SESSION);
        if (session == null || status < 200 || status > 299) {
            Requests.sendJson(ctx, status, body);
            return;
        }
        String location = ctx.response().headers().get("Location");
        IdempotencyRecord completed = IdempotencyRecord.newBuilder().setTenantId(session.tenantId).setRequestHash(session.requestHash)
                .setState(IdempotencyState.COMPLETED).setResourceId(session.resourceId).setStatus(status).setBody(body.encode())
                .setLocation(location).setCreatedAt(session.createdAt).build();
        session.owner.publisher.publish(ctx.vertx().getOrCreateContext(), Topics.INGEST_IDEMPOTENCY, session.storeKey, completed)
                .onComplete(done -> {
                    if (done.succeeded()) {
                        session.owner.views.remember(ViewStores.IDEMPOTENCY, session.storeKey, IdempotencyView.doc(completed));
                    } else {
                        log.warn("the answer of an idempotent request ({}) was not recorded; a retry reuses its resource {}",
                                ctx.request().path(), session.resourceId);
                    }
                    Requests.sendJson(ctx, status, body);
                });
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
