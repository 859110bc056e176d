package dev.voxpipe.localstack;

import java.nio.file.Path;
import java.time.Duration;

/**
 * Where the local stack keeps its data and which ports it binds on 127.0.0.1. A port of 0 picks
 * a free one (what tests do); the defaults are the usual Kafka and Schema Registry ports.
 * {@code scramPort} and {@code scramSslPort} are the broker's optional SASL/SCRAM listeners
 * (SASL_PLAINTEXT and SASL_SSL with a throwaway certificate), {@code mtlsPort} its optional mutual-TLS
 * listener: -1, the default outside tests, means none.
 */
public record LocalStackConfig(Path dataDir, int kafkaPort, int controllerPort, int registryPort,
                               int registryManagementPort, Duration startTimeout, int scramPort, int scramSslPort,
                               int mtlsPort) {

    /** Without the authenticating listeners. */
    public LocalStackConfig(Path dataDir, int kafkaPort, int controllerPort, int registryPort,
                            int registryManagementPort, Duration startTimeout) {
        this(dataDir, kafkaPort, controllerPort, registryPort, registryManagementPort, startTimeout, -1, -1, -1);
    }

    public static final int DEFAULT_KAFKA_PORT = 9092;
    public static final int DEFAULT_CONTROLLER_PORT = 9093;
    public static final int DEFAULT_REGISTRY_PORT = 8081;
    public static final int DEFAULT_REGISTRY_MANAGEMENT_PORT = 9081;

    /** From VOXPIPE_DATA_DIR, VOXPIPE_KAFKA_PORT, VOXPIPE_KAFKA_CONTROLLER_PORT, VOXPIPE_REGISTRY_PORT, VOXPIPE_REGISTRY_MANAGEMENT_PORT. */
    public static LocalStackConfig fromEnvironment() {
        return new LocalStackConfig(
                Path.of(setting("voxpipe.data.dir", "data/local-stack")),
                Integer.parseInt(setting("voxpipe.kafka.port", Integer.toString(DEFAULT_KAFKA_PORT))),
                Integer.parseInt(setting("voxpipe.kafka.controller.port", Integer.toString(DEFAULT_CONTROLLER_PORT))),
                Integer.parseInt(setting("voxpipe.registry.port", Integer.toString(DEFAULT_REGISTRY_PORT))),
                Integer.parseInt(setting("voxpipe.registry.management.port",
                        Integer.toString(DEFAULT_REGISTRY_MANAGEMENT_PORT))),
                Duration.ofSeconds(Long.parseLong(setting("voxpipe.stack.start-timeout-seconds", "90"))),
                Integer.parseInt(setting("voxpipe.kafka.scram-port", "-1")),
                Integer.parseInt(setting("voxpipe.kafka.scram-ssl-port", "-1")),
                Integer.parseInt(setting("voxpipe.kafka.mtls-port", "-1")));
    }

    /**
     * Free ports and the given directory: for tests and for several stacks on one machine. The broker
     * also listens with SASL/SCRAM (plain and TLS) and mutual TLS, so tests can prove clients authenticate.
     */
    public static LocalStackConfig ephemeral(Path dataDir) {
        return new LocalStackConfig(dataDir, 0, 0, 0, 0, Duration.ofSeconds(120), 0, 0, 0);
    }

    static String envName(String key) {
        return key.toUpperCase(java.util.Locale.ROOT).replace('.', '_').replace('-', '_');
    }

    private static String setting(String key, String defaultValue) {
        String value = System.getProperty(key);
        if (value == null) value = System.getenv(envName(key));
        return value == null || value.isBlank() ? defaultValue : value.trim();
    }
}
