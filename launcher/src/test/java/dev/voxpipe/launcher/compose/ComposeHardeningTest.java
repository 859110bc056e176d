package dev.voxpipe.launcher.compose;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;

/**
 * Issue 18's floor for the deployment, read from the compose file itself with a YAML parser (anchors and
 * {@code <<} merges resolved; no compose CLI, Docker or Podman needed):
 * <ul>
 *   <li>every Kafka listener whose port is published outside the compose network authenticates with
 *       SASL/SCRAM (SASL_SSL or SASL_PLAINTEXT, SCRAM mechanisms only) or mutual TLS
 *       ({@code SSL} with {@code ssl.client.auth=required}); PLAINTEXT is rejected;</li>
 *   <li>no secret (passwords, secret and access keys, basic-auth user info, JAAS lines with a password,
 *       {@code password=} in a command) is written into the file or has a default: each is a required
 *       variable, {@code ${VAR:?message}};</li>
 *   <li>the schema registry requires authentication and every VoxPipe service sends credentials;</li>
 *   <li>ingest serves TLS on its published port, and its health check does not speak plain HTTP to it.</li>
 * </ul>
 * The same checks run on the compose file as it was before this issue (a copy under test resources) and
 * must find its holes: the test can fail.
 */
class ComposeHardeningTest {

    /** Environment keys holding a secret, by name. A TLS key's *path* (…_TLS_KEY) is no secret. */
    private static final Pattern SECRET_NAME = Pattern.compile(
            ".*(PASSWORD|SECRET|ACCESS_KEY|ROOT_USER|BASIC_AUTH|USER_INFO|CREDENTIALS).*");
    /** Secrets that may legitimately be empty: an empty list of API key hashes means every /v1 call gets 401. */
    private static final Set<String> EMPTY_ALLOWED = Set.of("VOXPIPE_INGEST_API_KEYS");
    private static final Pattern REQUIRED_VARIABLE = Pattern.compile("\\$\\{[A-Za-z_][A-Za-z0-9_]*:?\\?[^}]*}");
    private static final Pattern ANY_VARIABLE = Pattern.compile("\\$\\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?[-?+])([^}]*))?}");

    @Test
    void theDeploymentPassesEveryCheck() throws IOException {
        assertEquals(List.of(), problems(Files.readString(Deployment.load().composeFile)));
    }

    @Test
    void theComposeFileBeforeIssue18IsRejectedForEachHole() throws IOException {
        String before;
        try (InputStream in = ComposeHardeningTest.class.getResourceAsStream("/compose/docker-compose.before-issue-18.yml")) {
            before = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        List<String> problems = problems(before);
        String all = String.join("\n", problems);
        assertTrue(all.contains("kafka: listener EXTERNAL (published port 9092) is PLAINTEXT"), all);
        assertTrue(all.contains("schema-registry: no authentication"), all);
        assertTrue(all.contains("VoxPipe services send no registry credentials"), all);
        assertTrue(all.contains("ingest: no TLS on the published API port"), all);
    }

    @Test
    void defaultAndHardCodedPasswordsAreRejected() {
        String compose = """
                services:
                  minio:
                    image: minio/minio
                    environment:
                      MINIO_ROOT_USER: ${MINIO_ROOT_USER:-minioadmin}
                      MINIO_ROOT_PASSWORD: minioadmin
                      OTHER_SECRET: ${OTHER_SECRET}
                      FINE_PASSWORD: ${FINE_PASSWORD:?set it}
                  tool:
                    image: apache/kafka
                    command: ["bash", "-c", "kafka-configs.sh --add-config SCRAM-SHA-512=[password=hunter2]"]
                """;
        String all = String.join("\n", secretProblems(services(compose)));
        assertTrue(all.contains("minio: MINIO_ROOT_USER has a default"), all);
        assertTrue(all.contains("minio: MINIO_ROOT_PASSWORD is written into the file"), all);
        assertTrue(all.contains("minio: OTHER_SECRET is empty when unset"), all);
        assertTrue(!all.contains("FINE_PASSWORD"), all);
        assertTrue(all.contains("tool: a password is written into its command"), all);
    }

    @Test
    void aPublishedListenerIsAcceptedOnlyWithScramOrMutualTls() {
        String template = """
                services:
                  kafka:
                    image: apache/kafka
                    ports: ["127.0.0.1:9092:9092"]
                    environment:
                      KAFKA_LISTENERS: INTERNAL://:19092,EXTERNAL://:9092
                      KAFKA_LISTENER_SECURITY_PROTOCOL_MAP: INTERNAL:PLAINTEXT,EXTERNAL:%s
                %s""";
        assertEquals(List.of(), kafkaProblems(services(template.formatted("SASL_SSL",
                "      KAFKA_LISTENER_NAME_EXTERNAL_SASL_ENABLED_MECHANISMS: SCRAM-SHA-512\n"))));
        assertEquals(List.of(), kafkaProblems(services(template.formatted("SSL",
                "      KAFKA_LISTENER_NAME_EXTERNAL_SSL_CLIENT_AUTH: required\n"))));
        assertEquals(1, kafkaProblems(services(template.formatted("SSL", ""))).size(), "TLS without client certificates");
        assertEquals(1, kafkaProblems(services(template.formatted("SASL_PLAINTEXT",
                "      KAFKA_SASL_ENABLED_MECHANISMS: PLAIN\n"))).size(), "SASL/PLAIN sends the password itself");
        assertEquals(1, kafkaProblems(services(template.formatted("PLAINTEXT", ""))).size());
    }

    @Test
    void everyEnabledSaslMechanismHasAJaasEntryUnderTheKeyTheImageMakes() {
        String template = """
                services:
                  kafka:
                    image: apache/kafka
                    environment:
                      KAFKA_LISTENER_NAME_EXTERNAL_SASL_ENABLED_MECHANISMS: SCRAM-SHA-512
                      %s: org.apache.kafka.common.security.scram.ScramLoginModule required;
                """;
        assertEquals(List.of(), jaasProblems(services(template.formatted("KAFKA_LISTENER_NAME_EXTERNAL_SCRAM___SHA___512_SASL_JAAS_CONFIG"))));
        // "__" is "_" to the image: listener.name.external.scram_sha_512.sasl.jaas.config, a key Kafka ignores; the broker
        // then stops at start ("Could not find a 'KafkaServer' or 'external.KafkaServer' entry in the JAAS configuration"),
        // as the local Kafka image did when started with it
        assertEquals(1, jaasProblems(services(template.formatted("KAFKA_LISTENER_NAME_EXTERNAL_SCRAM__SHA__512_SASL_JAAS_CONFIG"))).size());
    }

    // ---------------------------------------------------------------------------------------------- checks

    static List<String> problems(String compose) {
        Map<String, Map<String, Object>> services = services(compose);
        List<String> problems = new ArrayList<>();
        problems.addAll(kafkaProblems(services));
        problems.addAll(jaasProblems(services));
        problems.addAll(secretProblems(services));
        problems.addAll(registryProblems(services));
        problems.addAll(ingestProblems(services));
        return problems;
    }

    /** Published Kafka listeners: SCRAM or mutual TLS only. */
    static List<String> kafkaProblems(Map<String, Map<String, Object>> services) {
        List<String> problems = new ArrayList<>();
        services.forEach((name, service) -> {
            Map<String, String> env = environment(service);
            String listeners = env.get("KAFKA_LISTENERS");
            if (listeners == null) return;
            Set<Integer> published = publishedContainerPorts(service);
            Map<String, String> protocols = new LinkedHashMap<>();
            for (String entry : env.getOrDefault("KAFKA_LISTENER_SECURITY_PROTOCOL_MAP", "").split(",")) {
                String[] kv = entry.strip().split(":");
                if (kv.length == 2) protocols.put(kv[0].strip(), kv[1].strip());
            }
            for (String listener : listeners.split(",")) {
                Matcher m = Pattern.compile("\\s*([A-Za-z0-9_]+)://[^:]*:(\\d+)\\s*").matcher(defaults(listener));
                if (!m.matches() || !published.contains(Integer.parseInt(m.group(2)))) continue;
                String listenerName = m.group(1);
                String protocol = protocols.getOrDefault(listenerName, listenerName); // PLAINTEXT://… without a map
                String prefix = "KAFKA_LISTENER_NAME_" + listenerName.toUpperCase(Locale.ROOT) + "_";
                String where = name + ": listener " + listenerName + " (published port " + m.group(2) + ") is " + protocol;
                switch (protocol) {
                    case "SASL_SSL", "SASL_PLAINTEXT" -> {
                        String mechanisms = env.getOrDefault(prefix + "SASL_ENABLED_MECHANISMS", env.getOrDefault("KAFKA_SASL_ENABLED_MECHANISMS", "GSSAPI"));
                        for (String mechanism : mechanisms.split(",")) {
                            if (!mechanism.strip().startsWith("SCRAM-SHA-")) problems.add(where + " with mechanism " + mechanism.strip() + ", not SCRAM");
                        }
                    }
                    case "SSL" -> {
                        String clientAuth = env.getOrDefault(prefix + "SSL_CLIENT_AUTH", env.getOrDefault("KAFKA_SSL_CLIENT_AUTH", "none"));
                        if (!clientAuth.equals("required")) problems.add(where + " without client certificates (ssl.client.auth=" + clientAuth + ")");
                    }
                    default -> problems.add(where + ": clients outside the compose network would need no credentials");
                }
            }
        });
        return problems;
    }

    /**
     * Every SASL mechanism a listener enables needs a JAAS entry, or the broker stops at start: here the per-listener
     * property listener.name.L.MECHANISM.sasl.jaas.config, spelt as the Kafka images map KAFKA_* variables to
     * properties ("___" is "-", "__" is "_", "_" is "."), unless KAFKA_OPTS names a JAAS file.
     */
    static List<String> jaasProblems(Map<String, Map<String, Object>> services) {
        List<String> problems = new ArrayList<>();
        Pattern enabled = Pattern.compile("KAFKA_LISTENER_NAME_([A-Z0-9]+)_SASL_ENABLED_MECHANISMS");
        services.forEach((name, service) -> {
            Map<String, String> env = environment(service);
            if (env.getOrDefault("KAFKA_OPTS", "").contains("java.security.auth.login.config")) return;
            Set<String> properties = new java.util.HashSet<>();
            env.keySet().stream().filter(k -> k.startsWith("KAFKA_")).map(ComposeHardeningTest::imageProperty).forEach(properties::add);
            env.forEach((key, value) -> {
                Matcher m = enabled.matcher(key);
                if (!m.matches()) return;
                for (String mechanism : value.split(",")) {
                    String wanted = "listener.name." + m.group(1).toLowerCase(Locale.ROOT) + "."
                            + mechanism.strip().toLowerCase(Locale.ROOT) + ".sasl.jaas.config";
                    if (!properties.contains(wanted)) {
                        problems.add(name + ": no JAAS entry " + wanted + " for the enabled mechanism " + mechanism.strip()
                                + " (KAFKA_ variables: \"___\" is \"-\", \"__\" is \"_\"); the broker would not start");
                    }
                }
            });
        });
        return problems;
    }

    /** The server property a KAFKA_* variable becomes in the apache/kafka image (and podman/kafka's entrypoint). */
    static String imageProperty(String variable) {
        return variable.substring("KAFKA_".length()).toLowerCase(Locale.ROOT)
                .replace("___", "-").replace("__", "\u0000").replace("_", ".").replace("\u0000", "_");
    }

    /** Secrets: required variables only, never written into the file, never defaulted, never empty when unset. */
    static List<String> secretProblems(Map<String, Map<String, Object>> services) {
        List<String> problems = new ArrayList<>();
        services.forEach((name, service) -> {
            environment(service).forEach((key, value) -> {
                boolean secret = SECRET_NAME.matcher(key).matches()
                        || key.endsWith("JAAS_CONFIG") && value.toLowerCase(Locale.ROOT).contains("password=");
                if (!secret || EMPTY_ALLOWED.contains(key)) return;
                String rest = REQUIRED_VARIABLE.matcher(value).replaceAll("");
                Matcher variable = ANY_VARIABLE.matcher(rest);
                if (variable.find()) {
                    String op = variable.group(2) == null ? "" : variable.group(2);
                    problems.add(name + ": " + key + (op.contains("-") ? " has a default" : " is empty when unset")
                            + " (" + variable.group() + "); make it ${" + variable.group(1) + ":?...}");
                } else if (!rest.replaceAll("[:\\s]", "").isEmpty()) {
                    problems.add(name + ": " + key + " is written into the file; take it from a required variable");
                }
            });
            for (String field : List.of("command", "entrypoint")) {
                Object command = service.get(field);
                if (command != null && Pattern.compile("(?i)password=[^$\\s\\]\"']").matcher(String.valueOf(command)).find()) {
                    problems.add(name + ": a password is written into its " + field);
                }
            }
            Object health = service.get("healthcheck") instanceof Map<?, ?> h ? h.get("test") : null;
            if (health != null && Pattern.compile("-u\\s+\"?[^$\\s\"]+:[^$\\s\"]+").matcher(String.valueOf(health)).find()) {
                problems.add(name + ": a password is written into its health check");
            }
        });
        return problems;
    }

    /** The registry checks credentials and every VoxPipe service (a service built from this repository) sends them. */
    static List<String> registryProblems(Map<String, Map<String, Object>> services) {
        List<String> problems = new ArrayList<>();
        Map<String, Object> registry = services.get("schema-registry");
        if (registry != null) {
            Map<String, String> env = environment(registry);
            boolean confluentBasic = "BASIC".equals(env.get("SCHEMA_REGISTRY_AUTHENTICATION_METHOD"))
                    && env.getOrDefault("SCHEMA_REGISTRY_OPTS", "").contains("java.security.auth.login.config");
            boolean quarkusBasic = "true".equals(env.get("QUARKUS_HTTP_AUTH_BASIC"));
            if (!confluentBasic && !quarkusBasic) problems.add("schema-registry: no authentication (BASIC with a JAAS login file, or Quarkus basic auth)");
        }
        List<String> without = new ArrayList<>();
        services.forEach((name, service) -> {
            if (service.containsKey("build") && !environment(service).containsKey("VOXPIPE_REGISTRY_BASIC_AUTH")) without.add(name);
        });
        if (!without.isEmpty()) problems.add("VoxPipe services send no registry credentials (VOXPIPE_REGISTRY_BASIC_AUTH): " + without);
        return problems;
    }

    /** HTTPS on ingest's published port, and a health check that does not talk plain HTTP to it. */
    static List<String> ingestProblems(Map<String, Map<String, Object>> services) {
        Map<String, Object> ingest = services.get("ingest");
        if (ingest == null) return List.of();
        Map<String, String> env = environment(ingest);
        List<String> problems = new ArrayList<>();
        if (env.get("VOXPIPE_INGEST_TLS_CERT") == null || env.get("VOXPIPE_INGEST_TLS_KEY") == null) {
            problems.add("ingest: no TLS on the published API port (VOXPIPE_INGEST_TLS_CERT / VOXPIPE_INGEST_TLS_KEY)");
        } else if (env.getOrDefault("HEALTHCHECK_PORT", "").equals(env.getOrDefault("VOXPIPE_INGEST_PORT", "8080"))) {
            problems.add("ingest: the health check speaks plain HTTP to the TLS port; use the management port");
        }
        return problems;
    }

    // ---------------------------------------------------------------------------------------------- reading

    @SuppressWarnings("unchecked")
    static Map<String, Map<String, Object>> services(String compose) {
        LoaderOptions options = new LoaderOptions();
        options.setMaxAliasesForCollections(200);
        Map<String, Object> root = new Yaml(options).load(compose);
        return (Map<String, Map<String, Object>>) root.getOrDefault("services", Map.of());
    }

    /** A service's environment as strings (map or list form); values keep their ${...} references. */
    static Map<String, String> environment(Map<String, Object> service) {
        Map<String, String> env = new LinkedHashMap<>();
        Object raw = service.get("environment");
        if (raw instanceof Map<?, ?> map) {
            map.forEach((k, v) -> env.put(String.valueOf(k), v == null ? "" : String.valueOf(v)));
        } else if (raw instanceof List<?> list) {
            for (Object item : list) {
                String s = String.valueOf(item);
                int eq = s.indexOf('=');
                env.put(eq < 0 ? s : s.substring(0, eq), eq < 0 ? "" : s.substring(eq + 1));
            }
        }
        return env;
    }

    /** Container ports published on the host, with ${VAR:-default} taken at its default. */
    static Set<Integer> publishedContainerPorts(Map<String, Object> service) {
        Set<Integer> ports = new java.util.TreeSet<>();
        if (!(service.get("ports") instanceof List<?> list)) return ports;
        for (Object item : list) {
            if (item instanceof Map<?, ?> longForm) {
                Object target = longForm.get("target");
                if (target != null) ports.add(Integer.parseInt(defaults(String.valueOf(target))));
                continue;
            }
            String spec = defaults(String.valueOf(item)).replaceAll("/(tcp|udp)$", "");
            ports.add(Integer.parseInt(spec.substring(spec.lastIndexOf(':') + 1)));
        }
        return ports;
    }

    /** Replaces each ${VAR:-default} (and ${VAR-default}) with its default, and other references with "". */
    static String defaults(String text) {
        Matcher m = ANY_VARIABLE.matcher(text);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String op = m.group(2) == null ? "" : m.group(2);
            m.appendReplacement(out, Matcher.quoteReplacement(op.contains("-") ? m.group(3) : ""));
        }
        m.appendTail(out);
        return out.toString();
    }

    static Path repositoryCompose() {
        return Deployment.load().composeFile;
    }
}
