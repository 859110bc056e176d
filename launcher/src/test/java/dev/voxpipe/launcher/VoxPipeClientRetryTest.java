package dev.voxpipe.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import com.sun.net.httpserver.HttpServer;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** Issue 22: the client sends an Idempotency-Key with every POST and retries a 503 with the same key. */
class VoxPipeClientRetryTest {

    @Test
    void aPostIsRetriedAfterA503WithTheSameKeyAndEachCallHasItsOwnKey() throws Exception {
        List<String> keys = new CopyOnWriteArrayList<>();
        AtomicInteger calls = new AtomicInteger();
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/v1/voices", exchange -> {
            exchange.getRequestBody().readAllBytes();
            keys.add(exchange.getRequestHeaders().getFirst("Idempotency-Key"));
            boolean unknown = calls.incrementAndGet() % 2 == 1; // every first try: the broker stalled
            byte[] body = (unknown ? "{\"error\":\"unavailable\",\"outcome\":\"unknown\"}" : "{\"voiceId\":\"voice_1\"}")
                    .getBytes(StandardCharsets.UTF_8);
            if (unknown) exchange.getResponseHeaders().add("Retry-After", "0");
            exchange.sendResponseHeaders(unknown ? 503 : 201, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        server.start();
        try {
            VoxPipeClient client = new VoxPipeClient("http://127.0.0.1:" + server.getAddress().getPort(), "k", Duration.ofSeconds(30));
            assertEquals("voice_1", client.createVoice("A", "en", "me", "yes").get("voiceId").asText());
            assertEquals("voice_1", client.createVoice("B", "en", "me", "yes").get("voiceId").asText());
            assertEquals(4, keys.size());
            keys.forEach(k -> assertNotNull(k, "every POST carries a key"));
            assertEquals(keys.get(0), keys.get(1), "the retry reuses its key");
            assertEquals(keys.get(2), keys.get(3));
            assertNotEquals(keys.get(0), keys.get(2), "another call, another key");
        } finally {
            server.stop(0);
        }
    }

    @Test
    void aGetCarriesNoKey() throws Exception {
        List<String> keys = new CopyOnWriteArrayList<>();
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/v1/jobs", exchange -> {
            keys.add(String.valueOf(exchange.getRequestHeaders().getFirst("Idempotency-Key")));
            byte[] body = "{\"jobId\":\"job_1\"}".getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        server.start();
        try {
            new VoxPipeClient("http://127.0.0.1:" + server.getAddress().getPort(), "k").job("job_1");
            assertEquals(List.of("null"), keys);
        } finally {
            server.stop(0);
        }
    }
}
