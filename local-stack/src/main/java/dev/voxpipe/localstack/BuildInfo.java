package dev.voxpipe.localstack;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;

/** What the Maven build recorded about the stack's artifacts (see voxpipe-local-stack.properties). */
final class BuildInfo {

    private static final Properties PROPS = load();

    private BuildInfo() {}

    static String get(String key) {
        String value = PROPS.getProperty(key);
        if (value == null || value.isBlank() || value.startsWith("${")) {
            return null;
        }
        return value;
    }

    private static Properties load() {
        Properties props = new Properties();
        try (InputStream in = BuildInfo.class.getResourceAsStream("/voxpipe-local-stack.properties")) {
            if (in != null) props.load(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return props;
    }
}
