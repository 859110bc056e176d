package dev.voxpipe.localstack;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.compressors.gzip.GzipCompressorInputStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Apicurio Registry (Quarkus, needs Java 21+) as a child JVM, persisting to an H2 file. Its
 * Confluent-compatible API is at {@code /apis/ccompat/v7}. The distribution is the Maven Central
 * artifact {@code io.apicurio:apicurio-registry-app:<version>:tar.gz:all}, which the build
 * downloads into the local Maven repository; the first start unpacks it into the cache.
 */
final class ApicurioRegistry implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(ApicurioRegistry.class);
    static final String CCOMPAT_PATH = "/apis/ccompat/v7";

    private final ChildJvm process;
    private final int port;
    private final int managementPort;
    /** The Authorization header of the readiness probe; null when the registry is open. */
    private final String probeAuthorization;

    private ApicurioRegistry(ChildJvm process, int port, int managementPort, String probeAuthorization) {
        this.process = process;
        this.port = port;
        this.managementPort = managementPort;
        this.probeAuthorization = probeAuthorization;
    }

    String confluentApiUrl() {
        return "http://127.0.0.1:" + port + CCOMPAT_PATH;
    }

    ChildJvm process() {
        return process;
    }

    /**
     * @param basicAuthUsers empty: an open registry (the local default). Otherwise every {@code /apis} call
     *        needs HTTP basic authentication as one of these users (user to password): Quarkus's basic
     *        mechanism with its embedded realm, both in the distribution (verified against 3.3.3: 401
     *        without or with a wrong password, 200 with the right one)
     */
    static ApicurioRegistry start(Path dataDir, int port, int managementPort, java.util.Map<String, String> basicAuthUsers)
            throws IOException {
        if (Runtime.version().feature() < 21) {
            throw new IllegalStateException("Apicurio Registry needs Java 21 or newer; this JVM is "
                    + Runtime.version() + ". Run through ./voxpipe, which finds one, or set JAVA_HOME.");
        }
        Path home = install();
        Path registryDir = Files.createDirectories(dataDir.resolve("registry"));
        String jdbc = "jdbc:h2:file:" + registryDir.resolve("db").toAbsolutePath() + ";DB_CLOSE_ON_EXIT=FALSE";
        List<String> jvm = new ArrayList<>(List.of(
                "-Xms64m", "-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
                "-Dquarkus.http.host=127.0.0.1",
                "-Dquarkus.http.port=" + port,
                "-Dquarkus.management.host=127.0.0.1",
                "-Dquarkus.management.port=" + managementPort,
                "-Dapicurio.datasource.url=" + jdbc,
                "-Dquarkus.log.level=WARN",
                "-Dquarkus.http.access-log.enabled=false",
                "-Dquarkus.banner.enabled=false"));
        String probeAuthorization = null;
        if (!basicAuthUsers.isEmpty()) {
            jvm.addAll(List.of("-Dquarkus.http.auth.basic=true",
                    "-Dquarkus.security.users.embedded.enabled=true",
                    "-Dquarkus.security.users.embedded.plain-text=true",
                    "-Dquarkus.http.auth.permission.registry-api.paths=/apis/*",
                    "-Dquarkus.http.auth.permission.registry-api.policy=authenticated"));
            for (var user : basicAuthUsers.entrySet()) {
                jvm.add("-Dquarkus.security.users.embedded.users." + user.getKey() + "=" + user.getValue());
            }
            var first = basicAuthUsers.entrySet().iterator().next();
            probeAuthorization = "Basic " + java.util.Base64.getEncoder().encodeToString(
                    (first.getKey() + ":" + first.getValue()).getBytes(java.nio.charset.StandardCharsets.UTF_8));
        }
        jvm.addAll(List.of("-jar", home.resolve("quarkus-run.jar").toString()));
        ChildJvm child = ChildJvm.start("apicurio-registry", jvm, List.of(), home, registryDir.resolve("registry.log"));
        return new ApicurioRegistry(child, port, managementPort, probeAuthorization);
    }

    void awaitReady(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
        URI health = URI.create("http://127.0.0.1:" + managementPort + "/health/ready");
        URI subjects = URI.create(confluentApiUrl() + "/subjects");
        while (true) {
            if (!process.isAlive()) {
                throw new IllegalStateException("Apicurio Registry exited during start-up; log "
                        + process.logFile() + ":\n" + process.tail(30));
            }
            if (ok(http, health, null) && ok(http, subjects, probeAuthorization)) return;
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("Apicurio Registry was not ready within " + timeout + "; log "
                        + process.logFile() + ":\n" + process.tail(30));
            }
            Thread.sleep(100);
        }
    }

    private static boolean ok(HttpClient http, URI uri, String authorization) throws InterruptedException {
        try {
            HttpRequest.Builder builder = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(2)).GET();
            if (authorization != null) builder.header("Authorization", authorization);
            HttpRequest request = builder.build();
            return http.send(request, HttpResponse.BodyHandlers.discarding()).statusCode() == 200;
        } catch (IOException e) {
            return false;
        }
    }

    @Override
    public void close() {
        process.close();
    }

    // ---- distribution -----------------------------------------------------------------------

    static Path install() throws IOException {
        String version = BuildInfo.get("apicurio.version");
        if (version == null) version = "3.3.3";
        Path target = cacheDir().resolve("apicurio-registry-" + version);
        if (Files.exists(target.resolve("quarkus-run.jar"))) return target;
        Path archive = findArchive(version);
        log.info("unpacking Apicurio Registry {} into {}", version, target);
        Path staging = Files.createDirectories(cacheDir()).resolve(target.getFileName() + ".unpacking-" + ProcessHandle.current().pid());
        untar(archive, staging);
        try {
            Files.move(staging, target, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            if (!Files.exists(target.resolve("quarkus-run.jar"))) throw e; // else another process won the race
            deleteTree(staging);
        }
        return target;
    }

    static Path cacheDir() {
        String configured = System.getenv("VOXPIPE_CACHE_DIR");
        if (configured != null && !configured.isBlank()) return Path.of(configured);
        String xdg = System.getenv("XDG_CACHE_HOME");
        Path base = xdg != null && !xdg.isBlank() ? Path.of(xdg) : Path.of(System.getProperty("user.home"), ".cache");
        return base.resolve("voxpipe");
    }

    private static Path findArchive(String version) throws IOException {
        List<Path> candidates = new ArrayList<>();
        String recorded = BuildInfo.get("apicurio.archive");
        if (recorded != null) candidates.add(Path.of(recorded));
        String repo = System.getProperty("maven.repo.local");
        Path localRepo = repo != null ? Path.of(repo) : Path.of(System.getProperty("user.home"), ".m2", "repository");
        candidates.add(localRepo.resolve("io/apicurio/apicurio-registry-app/" + version
                + "/apicurio-registry-app-" + version + "-all.tar.gz"));
        for (Path candidate : candidates) {
            if (Files.isRegularFile(candidate)) return candidate;
        }
        throw new IOException("Apicurio Registry " + version + " is not in the local Maven repository (looked at "
                + candidates + "). Fetch it with: mvn dependency:get -Dartifact=io.apicurio:apicurio-registry-app:"
                + version + ":tar.gz:all (the project build does this).");
    }

    private static void untar(Path archive, Path into) throws IOException {
        Files.createDirectories(into);
        Path root = into.toRealPath();
        try (InputStream file = new BufferedInputStream(Files.newInputStream(archive));
             TarArchiveInputStream tar = new TarArchiveInputStream(new GzipCompressorInputStream(file))) {
            TarArchiveEntry entry;
            while ((entry = tar.getNextEntry()) != null) {
                Path out = root.resolve(entry.getName()).normalize();
                if (!out.startsWith(root)) throw new IOException("archive entry escapes the target: " + entry.getName());
                if (entry.isDirectory()) {
                    Files.createDirectories(out);
                } else if (entry.isFile()) {
                    Files.createDirectories(out.getParent());
                    Files.copy(tar, out, StandardCopyOption.REPLACE_EXISTING);
                }
            }
        }
    }

    private static void deleteTree(Path dir) throws IOException {
        try (var walk = Files.walk(dir)) {
            for (Path p : walk.sorted(java.util.Comparator.reverseOrder()).toList()) Files.deleteIfExists(p);
        }
    }

}
