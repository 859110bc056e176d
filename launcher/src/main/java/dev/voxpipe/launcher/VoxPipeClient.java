package dev.voxpipe.launcher;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.UUID;

/**
 * A small client of ingest's HTTP API, as a platform's backend would call it. Every POST carries a
 * fresh {@code Idempotency-Key} and is retried with the same key while the answer says to come back
 * (503, whatever its outcome, 429, 409 {@code idempotency_key_in_use}, or no answer at all), so a
 * retry never creates a second voice, upload, job or synthesis.
 */
public final class VoxPipeClient {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(VoxPipeClient.class);
    /** Longest pause between two tries, whatever Retry-After says. */
    private static final Duration MAX_PAUSE = Duration.ofSeconds(10);
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final String baseUrl;
    private final String apiKey;
    private final Duration retryFor;

    public VoxPipeClient(String baseUrl, String apiKey) {
        this(baseUrl, apiKey, Duration.ofMinutes(2));
    }

    /** {@code retryFor}: how long a POST keeps being retried (with its key) before the last answer is thrown. */
    public VoxPipeClient(String baseUrl, String apiKey, Duration retryFor) {
        this.baseUrl = baseUrl;
        this.apiKey = apiKey;
        this.retryFor = retryFor;
    }

    public static ObjectNode object() {
        return JSON.createObjectNode();
    }

    public JsonNode createVoice(String name, String language, String attestedBy, String statement) throws Exception {
        ObjectNode body = object().put("name", name).put("language", language);
        body.putObject("consent").put("attestedBy", attestedBy).put("statement", statement);
        return send("POST", "/v1/voices", body.toString(), "application/json", 201);
    }

    public JsonNode uploadSample(String voiceId, byte[] audio, String contentType, String transcript) throws Exception {
        String query = transcript == null ? "" : "?transcript=" + URLEncoder.encode(transcript, StandardCharsets.UTF_8);
        HttpRequest request = request("/v1/voices/" + voiceId + "/samples" + query)
                .header("Content-Type", contentType)
                .header("Idempotency-Key", UUID.randomUUID().toString())
                .POST(HttpRequest.BodyPublishers.ofByteArray(audio)).build();
        return expect(sendRetrying(request), 202);
    }

    public JsonNode voice(String voiceId) throws Exception {
        return send("GET", "/v1/voices/" + voiceId, null, null, 200);
    }

    public JsonNode train(String voiceId, ObjectNode options) throws Exception {
        return send("POST", "/v1/voices/" + voiceId + "/training", options.toString(), "application/json", 202);
    }

    public JsonNode job(String jobId) throws Exception {
        return send("GET", "/v1/jobs/" + jobId, null, null, 200);
    }

    public JsonNode synthesize(ObjectNode body) throws Exception {
        return send("POST", "/v1/synthesis", body.toString(), "application/json", 202);
    }

    /** The voice's clips with their labels (first page of {@code limit}). */
    public JsonNode clips(String voiceId, int limit) throws Exception {
        return send("GET", "/v1/voices/" + voiceId + "/clips?limit=" + limit, null, null, 200);
    }

    /** Replaces a clip's text; the next training uses it. */
    public JsonNode editClip(String voiceId, String clipId, String text) throws Exception {
        return send("PATCH", "/v1/voices/" + voiceId + "/clips/" + clipId, object().put("text", text).toString(), "application/json", 200);
    }

    public JsonNode synthesis(String requestId) throws Exception {
        return send("GET", "/v1/synthesis/" + requestId, null, null, 200);
    }

    public byte[] audio(String requestId) throws Exception {
        HttpRequest request = request("/v1/synthesis/" + requestId + "/audio").GET().build();
        HttpResponse<byte[]> response = http.send(request, HttpResponse.BodyHandlers.ofByteArray());
        if (response.statusCode() != 200) {
            throw new IOException("GET audio answered " + response.statusCode() + ": "
                    + new String(response.body(), StandardCharsets.UTF_8));
        }
        return response.body();
    }

    private HttpRequest.Builder request(String path) {
        return HttpRequest.newBuilder(URI.create(baseUrl + path))
                .timeout(Duration.ofSeconds(60))
                .header("Authorization", "Bearer " + apiKey);
    }

    private JsonNode send(String method, String path, String body, String contentType, int expected) throws Exception {
        HttpRequest.Builder builder = request(path);
        if (body == null) {
            builder.method(method, HttpRequest.BodyPublishers.noBody());
        } else {
            builder.header("Content-Type", contentType).method(method, HttpRequest.BodyPublishers.ofString(body));
        }
        if (!method.equals("POST")) return expect(http.send(builder.build(), HttpResponse.BodyHandlers.ofString()), expected);
        builder.header("Idempotency-Key", UUID.randomUUID().toString());
        return expect(sendRetrying(builder.build()), expected);
    }

    /**
     * Sends a keyed POST, again with the same key while the service asks to come back or does not
     * answer, for at most {@code retryFor}; the key makes every try after the first harmless.
     */
    private HttpResponse<String> sendRetrying(HttpRequest request) throws Exception {
        long deadline = System.nanoTime() + retryFor.toNanos();
        for (int attempt = 1; ; attempt++) {
            Duration pause;
            try {
                HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
                if (!comeBackLater(response) || System.nanoTime() > deadline) return response;
                pause = response.headers().firstValue("Retry-After").map(VoxPipeClient::seconds).orElse(Duration.ofSeconds(1));
                log.info("{} {} answered {}; try {} again with the same Idempotency-Key in {} ms", request.method(),
                        request.uri().getPath(), response.statusCode(), attempt + 1, Math.min(pause.toMillis(), MAX_PAUSE.toMillis()));
            } catch (IOException e) {
                if (System.nanoTime() > deadline) throw e;
                pause = Duration.ofSeconds(1);
                log.info("{} {} got no answer ({}); try {} again with the same Idempotency-Key", request.method(),
                        request.uri().getPath(), e.toString(), attempt + 1);
            }
            Thread.sleep(Math.max(100, Math.min(pause.toMillis(), MAX_PAUSE.toMillis())));
        }
    }

    private static boolean comeBackLater(HttpResponse<String> response) {
        int status = response.statusCode();
        return status == 503 || status == 429 || (status == 409 && response.body().contains("idempotency_key_in_use"));
    }

    private static Duration seconds(String retryAfter) {
        try {
            return Duration.ofSeconds(Long.parseLong(retryAfter.strip()));
        } catch (NumberFormatException e) {
            return Duration.ofSeconds(1);
        }
    }

    private static JsonNode expect(HttpResponse<String> response, int expected) throws IOException {
        if (response.statusCode() != expected) {
            throw new ApiError(response.statusCode(), response.request().method() + " " + response.uri().getPath()
                    + " answered " + response.statusCode() + ": " + response.body());
        }
        return JSON.readTree(response.body());
    }

    /** A non-success answer, with its status and body. */
    public static final class ApiError extends IOException {
        private final int status;

        ApiError(int status, String message) {
            super(message);
            this.status = status;
        }

        public int status() {
            return status;
        }
    }
}
