package dev.voxpipe.core.serde;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.avro.Schema;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTP implementation of {@link SchemaRegistryClient}: a small client for the documented Confluent Schema Registry REST API, enough for the wire
 * format: register ({@code POST /subjects/{s}/versions}), look up by id
 * ({@code GET /schemas/ids/{id}}), and the compatibility endpoints. It speaks to Confluent
 * Schema Registry, Apicurio's {@code /apis/ccompat/v7} and Karapace alike.
 *
 * <p>Ids are cached both ways; registrations of the same schema under the same subject cost one
 * call per process. Transport failures and 5xx answers are retried with backoff, a bounded number
 * of times; 4xx answers are not.
 */
public final class HttpSchemaRegistryClient implements SchemaRegistryClient {

    private static final Logger log = LoggerFactory.getLogger(HttpSchemaRegistryClient.class);
    private static final String CONTENT_TYPE = "application/vnd.schemaregistry.v1+json";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final URI baseUri;
    private final HttpClient http;
    private final Duration requestTimeout;
    private final int maxAttempts;
    private final Duration initialBackoff;
    private final String authorization;

    private final Map<Integer, Schema> schemasById = new ConcurrentHashMap<>();
    private final Map<String, Map<Schema, Integer>> idsBySubject = new ConcurrentHashMap<>();

    public HttpSchemaRegistryClient(SchemaRegistryConfig config) {
        String url = config.url().endsWith("/") ? config.url() : config.url() + "/";
        this.baseUri = URI.create(url);
        this.requestTimeout = config.requestTimeout();
        this.maxAttempts = Math.max(1, config.maxAttempts());
        this.initialBackoff = config.initialBackoff();
        this.authorization = config.basicAuthUserInfo() == null ? null
                : "Basic " + Base64.getEncoder().encodeToString(
                        config.basicAuthUserInfo().getBytes(StandardCharsets.UTF_8));
        this.http = HttpClient.newBuilder()
                .connectTimeout(config.connectTimeout())
                .version(HttpClient.Version.HTTP_1_1)
                .build();
    }

    @Override
    public String url() {
        return baseUri.toString();
    }

    /** Registers (or finds) the schema under the subject and returns its global id. */
    @Override
    public int register(String subject, Schema schema) {
        Map<Schema, Integer> ids = idsBySubject.computeIfAbsent(subject, s -> new ConcurrentHashMap<>());
        Integer cached = ids.get(schema);
        if (cached != null) return cached;
        JsonNode answer = call("POST", "subjects/" + encode(subject) + "/versions", schemaBody(schema), subject);
        int id = answer.path("id").asInt(-1);
        if (id < 0) {
            throw new SchemaRegistryException.Rejected(200, "registry answered without an id: " + answer);
        }
        ids.put(schema, id);
        schemasById.putIfAbsent(id, schema);
        return id;
    }

    /** Looks up the id of a schema already registered under the subject, without registering it. */
    @Override
    public int lookup(String subject, Schema schema) {
        Map<Schema, Integer> ids = idsBySubject.computeIfAbsent(subject, s -> new ConcurrentHashMap<>());
        Integer cached = ids.get(schema);
        if (cached != null) return cached;
        JsonNode answer = call("POST", "subjects/" + encode(subject), schemaBody(schema), subject);
        int id = answer.path("id").asInt(-1);
        ids.put(schema, id);
        schemasById.putIfAbsent(id, schema);
        return id;
    }

    /** The writer schema of an id, from the cache or the registry. */
    @Override
    public Schema schemaById(int id) {
        Schema cached = schemasById.get(id);
        if (cached != null) return cached;
        JsonNode answer;
        try {
            answer = call("GET", "schemas/ids/" + id, null, null);
        } catch (SchemaRegistryException.Rejected e) {
            if (e.status() == 404) throw new SchemaRegistryException.UnknownSchemaId(id, url());
            throw e;
        }
        String text = answer.path("schema").asText(null);
        if (text == null) throw new SchemaRegistryException.UnknownSchemaId(id, url());
        String type = answer.path("schemaType").asText("AVRO");
        if (!"AVRO".equals(type)) {
            throw new SchemaRegistryException.BadWireFormat("schema id " + id + " is of type " + type + ", not AVRO");
        }
        Schema schema = new Schema.Parser().parse(text);
        Schema previous = schemasById.putIfAbsent(id, schema);
        return previous == null ? schema : previous;
    }

    /** Sets a subject's compatibility level (BACKWARD, FORWARD, FULL, NONE, ...). */
    @Override
    public void setCompatibility(String subject, String level) {
        ObjectNodeBuilder body = new ObjectNodeBuilder().put("compatibility", level);
        call("PUT", "config/" + encode(subject), body.toString(), subject);
    }

    /** Whether the schema could be registered as the subject's next version. */
    @Override
    public boolean isCompatibleWithLatest(String subject, Schema schema) {
        try {
            JsonNode answer = call("POST", "compatibility/subjects/" + encode(subject) + "/versions/latest",
                    schemaBody(schema), subject);
            return answer.path("is_compatible").asBoolean(false);
        } catch (SchemaRegistryException.Rejected e) {
            if (e.status() == 404) return true; // no version yet: anything is compatible
            throw e;
        }
    }

    private static String schemaBody(Schema schema) {
        return new ObjectNodeBuilder().put("schema", schema.toString()).toString();
    }

    private static String encode(String subject) {
        return URLEncoder.encode(subject, StandardCharsets.UTF_8).replace("+", "%20");
    }

    private JsonNode call(String method, String path, String body, String subject) {
        URI uri = baseUri.resolve(path);
        HttpRequest.Builder builder = HttpRequest.newBuilder(uri)
                .timeout(requestTimeout)
                .header("Accept", CONTENT_TYPE + ", application/json");
        if (authorization != null) builder.header("Authorization", authorization);
        if (body != null) {
            builder.header("Content-Type", CONTENT_TYPE)
                    .method(method, HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8));
        } else {
            builder.method(method, HttpRequest.BodyPublishers.noBody());
        }
        HttpRequest request = builder.build();
        Duration backoff = initialBackoff;
        Exception lastFailure = null;
        for (int attempt = 1; attempt <= maxAttempts; attempt++) {
            try {
                HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
                int status = response.statusCode();
                if (status >= 200 && status < 300) {
                    return JSON.readTree(response.body());
                }
                if (status < 500) {
                    throw refusal(status, response.body(), method, uri, subject);
                }
                lastFailure = new IOException("HTTP " + status + ": " + abbreviate(response.body()));
            } catch (IOException e) {
                lastFailure = e;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new SchemaRegistryException.Unavailable("interrupted while calling the registry at " + url(), e);
            }
            if (attempt < maxAttempts) {
                log.debug("registry call {} {} failed (attempt {}/{}): {}", method, uri, attempt, maxAttempts,
                        lastFailure.toString());
                sleep(backoff);
                backoff = backoff.multipliedBy(2);
            }
        }
        throw new SchemaRegistryException.Unavailable("schema registry at " + url() + " is unreachable: "
                + method + " " + uri.getPath() + " failed " + maxAttempts + " times, last: " + describe(lastFailure),
                lastFailure);
    }

    private SchemaRegistryException refusal(int status, String body, String method, URI uri, String subject) {
        String message = body;
        int errorCode = -1;
        try {
            JsonNode error = JSON.readTree(body);
            message = error.path("message").asText(body);
            errorCode = error.path("error_code").asInt(-1);
        } catch (IOException | RuntimeException ignored) {
            // not JSON: keep the raw body
        }
        if (status == 409 || errorCode == 409) {
            return new SchemaRegistryException.Incompatible(Objects.requireNonNullElse(subject, "?"), abbreviate(message));
        }
        if (status == 401 || status == 403) {
            return new SchemaRegistryException.Rejected(status, "registry at " + url() + " refused the credentials ("
                    + status + "): " + abbreviate(message));
        }
        return new SchemaRegistryException.Rejected(status, method + " " + uri.getPath() + " answered " + status
                + (errorCode > 0 ? " (error " + errorCode + ")" : "") + ": " + abbreviate(message));
    }

    private static String describe(Exception e) {
        if (e == null) return "no answer";
        String text = e.getMessage();
        return e.getClass().getSimpleName() + (text == null ? "" : ": " + text);
    }

    private static String abbreviate(String text) {
        if (text == null) return "";
        return text.length() > 300 ? text.substring(0, 300) + "..." : text;
    }

    private static void sleep(Duration d) {
        try {
            Thread.sleep(d.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Tiny JSON object writer so request bodies are always correctly escaped. */
    private static final class ObjectNodeBuilder {
        private final com.fasterxml.jackson.databind.node.ObjectNode node = JSON.createObjectNode();
        ObjectNodeBuilder put(String key, String value) {
            node.put(key, value);
            return this;
        }
        @Override public String toString() {
            return node.toString();
        }
    }
}
