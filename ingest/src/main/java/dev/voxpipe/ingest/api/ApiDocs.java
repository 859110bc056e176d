package dev.voxpipe.ingest.api;

import io.vertx.core.Handler;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Route;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Registers operations on the router together with their description, and builds the OpenAPI 3
 * document by walking the router's routes: a route added without a description shows up as
 * {@code x-undocumented}, which the tests reject.
 */
public final class ApiDocs {

    private static final Pattern PARAM = Pattern.compile(":([A-Za-z][A-Za-z0-9_]*)");

    public record Operation(String summary, String tag, boolean authenticated, Map<Integer, String> responses,
                            String requestBody, JsonObject bodySchema, Map<String, String> query,
                            boolean idempotent) {}

    private final Router router;
    private final Map<String, Operation> operations = new LinkedHashMap<>();

    public ApiDocs(Router router) {
        this.router = router;
    }

    public Builder op(HttpMethod method, String path, String summary) {
        return new Builder(method, path, summary);
    }

    public final class Builder {
        private final HttpMethod method;
        private final String path;
        private final String summary;
        private String tag = "api";
        private boolean authenticated = true;
        private String requestBody;
        private JsonObject bodySchema = new JsonObject();
        private final Map<Integer, String> responses = new LinkedHashMap<>();
        private final Map<String, String> query = new LinkedHashMap<>();
        private boolean idempotent;

        Builder(HttpMethod method, String path, String summary) {
            this.method = method;
            this.path = path;
            this.summary = summary;
        }

        public Builder tag(String t) { this.tag = t; return this; }
        public Builder open() { this.authenticated = false; return this; }
        public Builder body(String mediaType) { this.requestBody = mediaType; return this; }
        public Builder body(String mediaType, JsonObject schema) { this.requestBody = mediaType; this.bodySchema = schema; return this; }
        public Builder query(String name, String description) { query.put(name, description); return this; }
        /** Accepts the Idempotency-Key header (issue 22). */
        public Builder idempotent() {
            this.idempotent = true;
            responses.merge(409, "A request with the same Idempotency-Key is still running (idempotency_key_in_use)",
                    (a, b) -> a + "; or a request with the same Idempotency-Key is still running (idempotency_key_in_use)");
            responses.merge(422, "The Idempotency-Key was used for another request (idempotency_key_reused)",
                    (a, b) -> a + "; or the Idempotency-Key was used for another request (idempotency_key_reused)");
            responses.merge(503, "Kafka unavailable", (a, b) -> a);
            return this;
        }
        public Builder responds(int status, String description) { responses.put(status, description); return this; }

        @SafeVarargs
        public final Route handle(Handler<RoutingContext>... handlers) {
            Route route = router.route(method, path);
            for (Handler<RoutingContext> h : handlers) route.handler(h);
            if (authenticated) {
                responses.putIfAbsent(401, "Missing or unknown API key");
                responses.putIfAbsent(429, "Rate limit exceeded; see Retry-After");
            }
            operations.put(key(method, path), new Operation(summary, tag, authenticated, Map.copyOf(responses),
                    requestBody, bodySchema, Map.copyOf(query), idempotent));
            return route;
        }
    }

    private static String key(HttpMethod method, String path) {
        return method.name() + " " + path;
    }

    public static String openApiPath(String vertxPath) {
        Matcher m = PARAM.matcher(vertxPath);
        return m.replaceAll("{$1}");
    }

    /** The OpenAPI 3.0 document of every route with a method on the router. */
    public JsonObject document(String version) {
        JsonObject paths = new JsonObject();
        for (Route route : router.getRoutes()) {
            if (route.getPath() == null || route.methods() == null || route.methods().isEmpty()) continue;
            String path = openApiPath(route.getPath());
            JsonObject item = paths.getJsonObject(path);
            if (item == null) {
                item = new JsonObject();
                paths.put(path, item);
            }
            for (HttpMethod method : route.methods()) {
                Operation op = operations.get(key(method, route.getPath()));
                JsonObject operation = new JsonObject();
                JsonArray parameters = new JsonArray();
                Matcher m = PARAM.matcher(route.getPath());
                while (m.find()) {
                    parameters.add(new JsonObject().put("name", m.group(1)).put("in", "path").put("required", true)
                            .put("schema", new JsonObject().put("type", "string")));
                }
                if (op == null) {
                    operation.put("summary", "(undocumented)").put("x-undocumented", true)
                            .put("responses", new JsonObject().put("default", new JsonObject().put("description", "unknown")));
                } else {
                    if (op.idempotent()) {
                        parameters.add(new JsonObject().put("name", Idempotency.HEADER).put("in", "header").put("required", false)
                                .put("description", "1-255 visible ASCII characters, unique per request (a UUID): a retry with the same key and body gets the first answer, with another body 422; kept 24 h per tenant")
                                .put("schema", new JsonObject().put("type", "string").put("maxLength", Idempotency.MAX_KEY_LENGTH)));
                    }
                    op.query().forEach((name, description) -> parameters.add(new JsonObject().put("name", name)
                            .put("in", "query").put("required", false).put("description", description)
                            .put("schema", new JsonObject().put("type", "string"))));
                    JsonObject responses = new JsonObject();
                    op.responses().entrySet().stream().sorted(Map.Entry.comparingByKey()).forEach(e -> {
                        JsonObject response = new JsonObject().put("description", e.getValue());
                        if (e.getKey() >= 400) response.put("content", errorContent());
                        responses.put(Integer.toString(e.getKey()), response);
                    });
                    operation.put("summary", op.summary()).put("tags", new JsonArray().add(op.tag()))
                            .put("operationId", operationId(method, route.getPath()))
                            .put("responses", responses);
                    if (op.authenticated()) operation.put("security", new JsonArray().add(new JsonObject().put("apiKey", new JsonArray())));
                    if (op.requestBody() != null) {
                        operation.put("requestBody", new JsonObject().put("required", true).put("content",
                                new JsonObject().put(op.requestBody(), new JsonObject().put("schema", op.bodySchema()))));
                    }
                }
                if (!parameters.isEmpty()) operation.put("parameters", parameters);
                item.put(method.name().toLowerCase(Locale.ROOT), operation);
            }
        }
        return new JsonObject()
                .put("openapi", "3.0.3")
                .put("info", new JsonObject().put("title", "VoxPipe ingest API").put("version", version)
                        .put("description", "Voices, uploads, training and synthesis. Every /v1 route needs "
                                + "'Authorization: Bearer <key>'; another tenant's resources are 404."))
                .put("paths", paths)
                .put("components", new JsonObject()
                        .put("securitySchemes", new JsonObject().put("apiKey", new JsonObject()
                                .put("type", "http").put("scheme", "bearer")))
                        .put("schemas", new JsonObject().put("Error", new JsonObject().put("type", "object")
                                .put("required", new JsonArray().add("error").add("message").add("details"))
                                .put("properties", new JsonObject()
                                        .put("error", new JsonObject().put("type", "string"))
                                        .put("message", new JsonObject().put("type", "string"))
                                        .put("details", new JsonObject().put("type", "object"))))));
    }

    /** A small JSON schema: {@code object(required..., "name", "type", ...)} with property types. */
    public static JsonObject object(java.util.List<String> required, String... nameTypePairs) {
        JsonObject properties = new JsonObject();
        for (int i = 0; i < nameTypePairs.length; i += 2) {
            String type = nameTypePairs[i + 1];
            properties.put(nameTypePairs[i], type.startsWith("{") ? new JsonObject(type) : new JsonObject().put("type", type));
        }
        JsonObject schema = new JsonObject().put("type", "object").put("properties", properties);
        if (!required.isEmpty()) schema.put("required", new JsonArray(required));
        return schema;
    }

    private static JsonObject errorContent() {
        return new JsonObject().put("application/json", new JsonObject().put("schema",
                new JsonObject().put("$ref", "#/components/schemas/Error")));
    }

    private static String operationId(HttpMethod method, String path) {
        StringBuilder id = new StringBuilder(method.name().toLowerCase(Locale.ROOT));
        for (String part : path.split("/")) {
            if (part.isEmpty()) continue;
            String clean = part.replace(":", "by-").replaceAll("[^A-Za-z0-9]+", " ").strip();
            for (String w : clean.split(" ")) {
                if (!w.isEmpty()) id.append(Character.toUpperCase(w.charAt(0))).append(w.substring(1));
            }
        }
        return id.toString();
    }
}
