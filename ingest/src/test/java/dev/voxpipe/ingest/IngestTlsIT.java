package dev.voxpipe.ingest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.voxpipe.core.config.VoxConfig;
import dev.voxpipe.localstack.LocalStack;
import dev.voxpipe.localstack.LocalStackExtension;
import dev.voxpipe.localstack.SelfSignedCert;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * HTTPS on ingest's API port (issue 18, "TLS in front of ingest"): with {@code voxpipe.ingest.tls.cert}
 * and {@code .key} set (PEM, as compose sets them) the API answers over TLS to a client that trusts the
 * certificate, and a plain-HTTP request gets no HTTP answer at all. The certificate is a throwaway one
 * made by the JDK's keytool.
 */
@ExtendWith(LocalStackExtension.class)
class IngestTlsIT {

    @Test
    void theApiAnswersOverHttpsAndRefusesPlainHttp(LocalStack stack, @TempDir Path dir) throws Exception {
        SelfSignedCert cert = SelfSignedCert.create(dir.resolve("tls"));
        Map<String, String> config = TestSupport.config(stack.bootstrapServers(), stack.registryUrl(), dir,
                "ingest-tls-" + UUID.randomUUID());
        config.put("voxpipe.ingest.tls.cert", cert.certPem().toString());
        config.put("voxpipe.ingest.tls.key", cert.keyPem().toString());
        try (IngestApp app = TestSupport.start(config)) {
            HttpClient https = HttpClient.newBuilder().sslContext(cert.trustingContext())
                    .connectTimeout(Duration.ofSeconds(5)).build();
            HttpResponse<String> live = https.send(HttpRequest.newBuilder(
                    URI.create("https://localhost:" + app.port() + "/health/live")).timeout(Duration.ofSeconds(10)).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(200, live.statusCode(), live.body());
            // an authenticated API call over TLS, with the host name checked against the certificate's SAN
            HttpResponse<String> voices = https.send(HttpRequest.newBuilder(
                    URI.create("https://127.0.0.1:" + app.port() + "/v1/voices"))
                    .header("Authorization", "Bearer " + TestSupport.KEY_A).timeout(Duration.ofSeconds(10)).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(200, voices.statusCode(), voices.body());
            assertTrue(new JsonObject(voices.body()).containsKey("items"), voices.body());

            // a client that does not trust the certificate does not get through
            HttpClient untrusting = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
            assertThrows(IOException.class, () -> untrusting.send(HttpRequest.newBuilder(
                    URI.create("https://localhost:" + app.port() + "/health/live")).timeout(Duration.ofSeconds(10)).build(),
                    HttpResponse.BodyHandlers.ofString()));

            // plain HTTP on the same port: the TLS layer drops it; no HTTP status line ever comes back
            String answer = rawHttp(app.port());
            assertFalse(answer.startsWith("HTTP/"), "plain HTTP was answered: " + answer);
            HttpClient plain = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
            assertThrows(IOException.class, () -> plain.send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + app.port() + "/health/live")).timeout(Duration.ofSeconds(10)).build(),
                    HttpResponse.BodyHandlers.ofString()));

            // the management port (never published) stays plain HTTP for the scraper and the health check
            HttpResponse<String> management = plain.send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + app.managementPort() + "/health/live")).timeout(Duration.ofSeconds(10)).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(200, management.statusCode());
        }
    }

    @Test
    void aCertificateWithoutItsKeyIsABadConfigurationThatNamesTheSetting(@TempDir Path dir) throws Exception {
        SelfSignedCert cert = SelfSignedCert.create(dir.resolve("tls"));
        IllegalArgumentException bad = assertThrows(IllegalArgumentException.class, () -> IngestSettings.from(VoxConfig.of(Map.of(
                "voxpipe.ingest.tls.cert", cert.certPem().toString()))));
        assertTrue(bad.getMessage().contains("VOXPIPE_INGEST_TLS_KEY"), bad.getMessage());
        IllegalArgumentException missing = assertThrows(IllegalArgumentException.class, () -> IngestSettings.from(VoxConfig.of(Map.of(
                "voxpipe.ingest.tls.cert", cert.certPem().toString(), "voxpipe.ingest.tls.key", dir.resolve("nope.pem").toString()))));
        assertTrue(missing.getMessage().contains("nope.pem"), missing.getMessage());
        // off unless both are set: the local ./voxpipe serve and the tests run plain HTTP on 127.0.0.1
        assertFalse(IngestSettings.from(VoxConfig.of(Map.of())).tls());
    }

    /** Sends a plain HTTP request and returns whatever comes back before the server closes (or 5 s pass). */
    private static String rawHttp(int port) throws IOException {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 5000);
            socket.setSoTimeout(5000);
            OutputStream out = socket.getOutputStream();
            out.write("GET /health/live HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = socket.getInputStream();
            byte[] buffer = new byte[512];
            StringBuilder answer = new StringBuilder();
            try {
                int n;
                while ((n = in.read(buffer)) > 0) answer.append(new String(buffer, 0, n, StandardCharsets.ISO_8859_1));
            } catch (IOException closedOrTimedOut) {
                // a reset or a timeout: no HTTP answer either way
            }
            return answer.toString();
        }
    }
}
