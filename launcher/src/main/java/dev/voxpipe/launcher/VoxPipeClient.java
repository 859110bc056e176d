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

/** A small client of ingest's HTTP API, as a platform's backend would call it. */
public final class VoxPipeClient {

    private static final ObjectMapper JSON = new ObjectMapper();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final String baseUrl;
    private final String apiKey;

    public VoxPipeClient(String baseUrl, String apiKey) {
        this.baseUrl = baseUrl;
        this.apiKey = apiKey;
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
                .POST(HttpRequest.BodyPublishers.ofByteArray(audio)).build();
        return expect(http.send(request, HttpResponse.BodyHandlers.ofString()), 202);
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
        return expect(http.send(builder.build(), HttpResponse.BodyHandlers.ofString()), expected);
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
