package dev.voxpipe.core.serde;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.voxpipe.schemas.RawAudioUploaded;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The client's HTTP behaviour against a real HTTP server that answers like a registry would. */
class SchemaRegistryClientTest {

    private HttpServer server;
    private final AtomicInteger calls = new AtomicInteger();
    private final List<String> authorizations = new CopyOnWriteArrayList<>();
    private volatile int failuresBeforeSuccess;

    @BeforeEach
    void start() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/subjects/", this::register);
        server.createContext("/schemas/ids/", exchange -> answer(exchange, 404,
                "{\"error_code\":40403,\"message\":\"Schema not found\"}"));
        server.start();
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    private void register(HttpExchange exchange) throws IOException {
        calls.incrementAndGet();
        authorizations.add(String.valueOf(exchange.getRequestHeaders().getFirst("Authorization")));
        exchange.getRequestBody().readAllBytes();
        if (failuresBeforeSuccess > 0) {
            failuresBeforeSuccess--;
            answer(exchange, 503, "busy");
        } else {
            answer(exchange, 200, "{\"id\":42}");
        }
    }

    private static void answer(HttpExchange exchange, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.sendResponseHeaders(status, bytes.length);
        exchange.getResponseBody().write(bytes);
        exchange.close();
    }

    private SchemaRegistryClient client(String auth, int attempts) {
        String url = "http://127.0.0.1:" + server.getAddress().getPort();
        return new HttpSchemaRegistryClient(new SchemaRegistryConfig(url, auth, Duration.ofSeconds(2),
                Duration.ofSeconds(2), attempts, Duration.ofMillis(10), true));
    }

    @Test
    void sendsBasicAuthAndCachesTheId() {
        SchemaRegistryClient client = client("user:secret", 3);
        assertEquals(42, client.register("t-value", RawAudioUploaded.getClassSchema()));
        assertEquals(42, client.register("t-value", RawAudioUploaded.getClassSchema()));
        assertEquals(1, calls.get(), "second registration must come from the cache");
        assertEquals("Basic dXNlcjpzZWNyZXQ=", authorizations.get(0));
    }

    @Test
    void retriesServerErrorsAFewTimes() {
        failuresBeforeSuccess = 2;
        assertEquals(42, client(null, 3).register("t-value", RawAudioUploaded.getClassSchema()));
        assertEquals(3, calls.get());
    }

    @Test
    void givesUpAfterTheBoundedNumberOfAttempts() {
        failuresBeforeSuccess = 100;
        var e = assertThrows(SchemaRegistryException.Unavailable.class,
                () -> client(null, 3).register("t-value", RawAudioUploaded.getClassSchema()));
        assertEquals(3, calls.get());
        assertTrue(e.getMessage().contains("failed 3 times") && e.getMessage().contains("HTTP 503"), e.getMessage());
    }

    @Test
    void unknownIdSaysWhichId() {
        var e = assertThrows(SchemaRegistryException.UnknownSchemaId.class, () -> client(null, 3).schemaById(77));
        assertEquals(77, e.schemaId());
        assertTrue(e.getMessage().contains("schema id 77"), e.getMessage());
    }

    @Test
    void unreachableRegistrySaysItIsUnreachable() throws IOException {
        int closedPort;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closedPort = s.getLocalPort();
        }
        SchemaRegistryClient client = new HttpSchemaRegistryClient(new SchemaRegistryConfig(
                "http://127.0.0.1:" + closedPort, null, Duration.ofMillis(500), Duration.ofSeconds(1), 2,
                Duration.ofMillis(10), true));
        var e = assertThrows(SchemaRegistryException.Unavailable.class, () -> client.schemaById(1));
        assertTrue(e.getMessage().contains("unreachable") && e.getMessage().contains(":" + closedPort), e.getMessage());
    }
}
