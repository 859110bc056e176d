package dev.voxpipe.ingest.kafka;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.voxpipe.core.config.VoxConfig;
import dev.voxpipe.core.serde.InMemorySchemaRegistry;
import dev.voxpipe.ingest.api.ApiException;
import dev.voxpipe.ingest.metrics.IngestMetrics;
import dev.voxpipe.schemas.IdempotencyRecord;
import dev.voxpipe.schemas.IdempotencyState;
import io.vertx.core.Vertx;
import java.net.ServerSocket;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.errors.TimeoutException;
import org.junit.jupiter.api.Test;

/**
 * Issue 22: a write waiting on a broker that is gone is answered as soon as the probe (readiness)
 * sees it gone, with an unknown outcome, not after the delivery timeout; and a write refused
 * before it left says nothing was accepted. No broker: the bootstrap address is a closed port.
 */
class EventPublisherFailFastTest {

    private static final Duration DELIVERY_TIMEOUT = Duration.ofSeconds(60);

    @Test
    void aSendWaitingOnAGoneBrokerIsAnsweredWhenTheProbeSeesItGoneAndLaterWritesAreRefusedAtOnce() throws Exception {
        int closedPort;
        try (ServerSocket s = new ServerSocket(0)) {
            closedPort = s.getLocalPort();
        }
        Vertx vertx = Vertx.vertx();
        IngestMetrics metrics = new IngestMetrics();
        try (EventPublisher publisher = new EventPublisher(VoxConfig.of(Map.of("voxpipe.kafka.bootstrap", "127.0.0.1:" + closedPort)),
                new InMemorySchemaRegistry(), DELIVERY_TIMEOUT, Duration.ofMillis(200), 5, metrics)) {
            long started = System.nanoTime();
            // the probe starts optimistic: this send leaves and waits for the broker's metadata
            Throwable failure = publisher.publish(vertx.getOrCreateContext(), "it.fail-fast", "k", record())
                    .toCompletionStage().toCompletableFuture().handle((ok, e) -> e).get(DELIVERY_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
            long elapsedMs = (System.nanoTime() - started) / 1_000_000;
            ApiException answer = assertInstanceOf(ApiException.class, failure);
            assertEquals(503, answer.status());
            assertEquals(ApiException.UNKNOWN, answer.outcome());
            // answered by the probe (about 3 s), before the producer's own 10 s metadata wait, far before the delivery timeout
            assertTrue(answer.getMessage().contains("stopped answering"), answer.getMessage());
            assertTrue(elapsedMs < DELIVERY_TIMEOUT.toMillis() / 2, "answered after " + elapsedMs + " ms");
            assertEquals(0, publisher.inFlight());
            assertFalse(publisher.available());

            // while the probe says the broker is down, a write is refused at once: nothing left
            long refusedAt = System.nanoTime();
            Throwable refused = publisher.publish(vertx.getOrCreateContext(), "it.fail-fast", "k", record())
                    .toCompletionStage().toCompletableFuture().handle((ok, e) -> e).get(5, TimeUnit.SECONDS);
            ApiException refusal = assertInstanceOf(ApiException.class, refused);
            assertEquals(ApiException.NOT_ACCEPTED, refusal.outcome());
            assertTrue((System.nanoTime() - refusedAt) / 1_000_000 < 1000, "refused at once");

            // how a send's own error is read: a timeout may have reached the log, a refused record did not
            assertEquals(ApiException.UNKNOWN, publisher.outcomeOf(new TimeoutException("expired")).outcome());
            assertEquals(ApiException.UNKNOWN, publisher.outcomeOf(new org.apache.kafka.common.errors.NetworkException("lost")).outcome());
            assertEquals(ApiException.NOT_ACCEPTED, publisher.outcomeOf(new RecordTooLargeException("big")).outcome());
        } finally {
            vertx.close().await(10, TimeUnit.SECONDS);
        }
    }

    private static IdempotencyRecord record() {
        return IdempotencyRecord.newBuilder().setTenantId("t").setRequestHash("h").setState(IdempotencyState.PENDING)
                .setResourceId("voice_x").setCreatedAt(Instant.now()).build();
    }
}
