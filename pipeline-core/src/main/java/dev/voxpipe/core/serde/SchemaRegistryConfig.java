package dev.voxpipe.core.serde;

import dev.voxpipe.core.config.VoxConfig;
import java.time.Duration;
import java.util.Map;

/**
 * Where the registry is and how to talk to it. Kafka-style keys are the same as Confluent's
 * serializers use, so existing client configuration carries over.
 */
public record SchemaRegistryConfig(
        String url,
        String basicAuthUserInfo,
        Duration connectTimeout,
        Duration requestTimeout,
        int maxAttempts,
        Duration initialBackoff,
        boolean autoRegister) {

    public static final String URL = "schema.registry.url";
    public static final String BASIC_AUTH_USER_INFO = "basic.auth.user.info";
    public static final String AUTO_REGISTER = "auto.register.schemas";
    public static final String REQUEST_TIMEOUT_MS = "schema.registry.request.timeout.ms";
    public static final String MAX_ATTEMPTS = "schema.registry.max.attempts";

    public SchemaRegistryConfig {
        if (url == null || url.isBlank()) {
            throw new IllegalArgumentException(URL + " is required (e.g. http://127.0.0.1:8081/apis/ccompat/v7)");
        }
    }

    public static SchemaRegistryConfig of(String url) {
        return new SchemaRegistryConfig(url, null, Duration.ofSeconds(5), Duration.ofSeconds(10), 4,
                Duration.ofMillis(200), true);
    }

    /** From Kafka client configs (the map given to {@code configure}). */
    public static SchemaRegistryConfig fromKafkaConfigs(Map<String, ?> configs) {
        Object url = configs.get(URL);
        SchemaRegistryConfig base = of(url == null ? null : url.toString());
        Object auth = configs.get(BASIC_AUTH_USER_INFO);
        Object register = configs.get(AUTO_REGISTER);
        Object timeout = configs.get(REQUEST_TIMEOUT_MS);
        Object attempts = configs.get(MAX_ATTEMPTS);
        return new SchemaRegistryConfig(base.url(),
                auth == null ? null : auth.toString(),
                base.connectTimeout(),
                timeout == null ? base.requestTimeout() : Duration.ofMillis(Long.parseLong(timeout.toString())),
                attempts == null ? base.maxAttempts() : Integer.parseInt(attempts.toString()),
                base.initialBackoff(),
                register == null || Boolean.parseBoolean(register.toString()));
    }

    /** From VoxPipe configuration: voxpipe.registry.url, voxpipe.registry.basic-auth, ... */
    public static SchemaRegistryConfig from(VoxConfig config) {
        return new SchemaRegistryConfig(
                config.require("voxpipe.registry.url"),
                config.find("voxpipe.registry.basic-auth").orElse(null),
                config.getDuration("voxpipe.registry.connect-timeout", Duration.ofSeconds(5)),
                config.getDuration("voxpipe.registry.request-timeout", Duration.ofSeconds(10)),
                config.getInt("voxpipe.registry.max-attempts", 4),
                Duration.ofMillis(200),
                config.getBoolean("voxpipe.registry.auto-register", true));
    }
}
