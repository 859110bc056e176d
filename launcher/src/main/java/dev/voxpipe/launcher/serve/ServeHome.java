package dev.voxpipe.launcher.serve;

import dev.voxpipe.ingest.auth.ApiKeys;
import dev.voxpipe.localstack.LocalStackConfig;
import java.io.IOException;
import java.io.Reader;
import java.io.Writer;
import java.net.ServerSocket;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Optional;
import java.util.Properties;

/**
 * The data directory of {@code ./voxpipe serve}: everything that must survive a restart lives here.
 * <pre>
 *   &lt;home&gt;/local-stack/   the broker's log and the registry's H2 file (LocalStack)
 *   &lt;home&gt;/pipeline/      blobs (uploads, clips, features, models, books) and the Streams state
 *   &lt;home&gt;/api-keys       one line per key: its SHA-256 and tenant (ingest's key file; never a key)
 *   &lt;home&gt;/serve.properties  the ports chosen on first start, reused so the broker's address is stable
 *   &lt;home&gt;/serve.lock     held while a server runs on this directory
 * </pre>
 */
public final class ServeHome {

    public static final String DEFAULT_TENANT = "local";

    private final Path dir;

    public ServeHome(Path dir) {
        this.dir = dir.toAbsolutePath().normalize();
    }

    public Path dir() {
        return dir;
    }

    public Path stackDir() {
        return dir.resolve("local-stack");
    }

    public Path pipelineDir() {
        return dir.resolve("pipeline");
    }

    public Path keyFile() {
        return dir.resolve("api-keys");
    }

    public Path logFile() {
        return dir.resolve("voxpipe.log");
    }

    private Path portsFile() {
        return dir.resolve("serve.properties");
    }

    /**
     * The stack's ports: those of an earlier start, else the environment's setting, else a free
     * port picked now and kept in {@code serve.properties} (a restart must find the broker where its
     * log says it was).
     */
    public LocalStackConfig stackConfig() throws IOException {
        Files.createDirectories(dir);
        Properties ports = new Properties();
        if (Files.exists(portsFile())) {
            try (Reader in = Files.newBufferedReader(portsFile(), StandardCharsets.UTF_8)) {
                ports.load(in);
            }
        }
        int kafka = port(ports, "kafka.port", "VOXPIPE_KAFKA_PORT");
        int controller = port(ports, "kafka.controller.port", "VOXPIPE_KAFKA_CONTROLLER_PORT");
        int registry = port(ports, "registry.port", "VOXPIPE_REGISTRY_PORT");
        int management = port(ports, "registry.management.port", "VOXPIPE_REGISTRY_MANAGEMENT_PORT");
        try (Writer out = Files.newBufferedWriter(portsFile(), StandardCharsets.UTF_8)) {
            ports.store(out, "ports of ./voxpipe serve's local stack, chosen on its first start");
        }
        return new LocalStackConfig(stackDir(), kafka, controller, registry, management, Duration.ofSeconds(120));
    }

    private static int port(Properties ports, String key, String env) throws IOException {
        String value = ports.getProperty(key);
        if (value == null) value = System.getenv(env);
        int port = value == null || value.isBlank() ? freePort() : Integer.parseInt(value.strip());
        ports.setProperty(key, Integer.toString(port));
        return port;
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    public boolean hasKeys() throws IOException {
        if (!Files.exists(keyFile())) return false;
        return Files.readAllLines(keyFile(), StandardCharsets.UTF_8).stream()
                .map(String::strip).anyMatch(l -> !l.isEmpty() && !l.startsWith("#"));
    }

    /**
     * Makes a key for the tenant, appends only its SHA-256 to the key file (ingest reloads the file
     * every few seconds, so a running server accepts it without a restart) and returns the key: the
     * one and only time it exists in clear.
     */
    public String newKey(String tenant) throws IOException {
        Files.createDirectories(dir);
        byte[] random = new byte[32];
        new SecureRandom().nextBytes(random);
        String key = "vxp_" + Base64.getUrlEncoder().withoutPadding().encodeToString(random);
        String line = ApiKeys.sha256Hex(key) + " " + tenant + "\n";
        if (!Files.exists(keyFile())) {
            Files.writeString(keyFile(), "# ./voxpipe serve API keys: <sha256 of the key> <tenant> (the keys themselves are not kept)\n",
                    StandardCharsets.UTF_8, StandardOpenOption.CREATE_NEW);
            try {
                Files.setPosixFilePermissions(keyFile(), PosixFilePermissions.fromString("rw-------"));
            } catch (UnsupportedOperationException ignored) {
                // not a POSIX file system
            }
        }
        Files.writeString(keyFile(), "# added " + Instant.now() + "\n" + line, StandardCharsets.UTF_8, StandardOpenOption.APPEND);
        ApiKeys.load("", keyFile().toString(), 1, 1); // the file still parses
        return key;
    }

    /** The lock held while a server runs on this directory; empty when another process holds it. */
    public Optional<AutoCloseable> tryLock() throws IOException {
        Files.createDirectories(dir);
        FileChannel channel = FileChannel.open(dir.resolve("serve.lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        FileLock lock;
        try {
            lock = channel.tryLock();
        } catch (OverlappingFileLockException e) {
            lock = null;
        }
        if (lock == null) {
            channel.close();
            return Optional.empty();
        }
        FileLock held = lock;
        return Optional.of(() -> {
            held.release();
            channel.close();
        });
    }
}
