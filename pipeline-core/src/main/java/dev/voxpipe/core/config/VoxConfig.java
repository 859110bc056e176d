package dev.voxpipe.core.config;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;

/**
 * Configuration from, in order of precedence: explicit overrides, JVM system properties,
 * environment variables, a properties file named by {@code VOXPIPE_CONFIG}, then defaults.
 * A key {@code voxpipe.kafka.bootstrap} is read from the environment as
 * {@code VOXPIPE_KAFKA_BOOTSTRAP}.
 */
public final class VoxConfig {

    private final Map<String, String> overrides;
    private final Map<String, String> env;
    private final Properties system;
    private final Properties file;

    private VoxConfig(Map<String, String> overrides, Map<String, String> env, Properties system, Properties file) {
        this.overrides = Map.copyOf(overrides);
        this.env = env;
        this.system = system;
        this.file = file;
    }

    public static VoxConfig fromEnvironment() {
        Properties file = new Properties();
        String path = System.getenv("VOXPIPE_CONFIG");
        if (path != null && !path.isBlank()) {
            try (InputStream in = Files.newInputStream(Path.of(path))) {
                file.load(in);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read VOXPIPE_CONFIG file " + path, e);
            }
        }
        return new VoxConfig(Map.of(), System.getenv(), System.getProperties(), file);
    }

    /** For tests and embedded use: only the given values and defaults. */
    public static VoxConfig of(Map<String, String> values) {
        return new VoxConfig(values, Map.of(), new Properties(), new Properties());
    }

    /** This configuration with the given values over it: they win over every other source. */
    public VoxConfig withAll(Map<String, String> values) {
        Map<String, String> merged = new HashMap<>(overrides);
        merged.putAll(values);
        return new VoxConfig(merged, env, system, file);
    }

    public VoxConfig with(String key, String value) {
        Map<String, String> merged = new HashMap<>(overrides);
        merged.put(key, value);
        return new VoxConfig(merged, env, system, file);
    }

    public static String envName(String key) {
        return key.toUpperCase(Locale.ROOT).replace('.', '_').replace('-', '_');
    }

    public Optional<String> find(String key) {
        String value = overrides.get(key);
        if (value == null) value = system.getProperty(key);
        if (value == null) value = env.get(envName(key));
        if (value == null) value = file.getProperty(key);
        return Optional.ofNullable(value).map(String::trim).filter(v -> !v.isEmpty());
    }

    public String get(String key, String defaultValue) {
        return find(key).orElse(defaultValue);
    }

    public String require(String key) {
        return find(key).orElseThrow(() -> new IllegalStateException(
                "missing configuration " + key + " (environment variable " + envName(key) + ")"));
    }

    public int getInt(String key, int defaultValue) {
        return find(key).map(v -> parse(key, v, Integer::parseInt)).orElse(defaultValue);
    }

    public long getLong(String key, long defaultValue) {
        return find(key).map(v -> parse(key, v, Long::parseLong)).orElse(defaultValue);
    }

    public double getDouble(String key, double defaultValue) {
        return find(key).map(v -> parse(key, v, Double::parseDouble)).orElse(defaultValue);
    }

    public boolean getBoolean(String key, boolean defaultValue) {
        return find(key).map(v -> switch (v.toLowerCase(Locale.ROOT)) {
            case "true", "yes", "1", "on" -> true;
            case "false", "no", "0", "off" -> false;
            default -> throw new IllegalArgumentException(key + " must be true or false, got '" + v + "'");
        }).orElse(defaultValue);
    }

    public Duration getDuration(String key, Duration defaultValue) {
        return find(key).map(v -> parse(key, v, VoxConfig::parseDuration)).orElse(defaultValue);
    }

    /** Accepts ISO-8601 (PT5S) or a number with a unit suffix: 500ms, 5s, 2m, 1h. */
    static Duration parseDuration(String text) {
        String v = text.toLowerCase(Locale.ROOT);
        if (v.startsWith("pt")) return Duration.parse(text);
        if (v.endsWith("ms")) return Duration.ofMillis(Long.parseLong(v.substring(0, v.length() - 2)));
        long n = Long.parseLong(v.substring(0, v.length() - 1));
        return switch (v.charAt(v.length() - 1)) {
            case 's' -> Duration.ofSeconds(n);
            case 'm' -> Duration.ofMinutes(n);
            case 'h' -> Duration.ofHours(n);
            default -> throw new IllegalArgumentException("unknown duration unit in '" + text + "'");
        };
    }

    private static <T> T parse(String key, String value, java.util.function.Function<String, T> parser) {
        try {
            return parser.apply(value);
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("configuration " + key + "='" + value + "' is not valid: " + e.getMessage(), e);
        }
    }
}
