package dev.voxpipe.launcher.compose;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * docker-compose.local.yml (the deployment compose/test-run.sh runs with podman) is an override that only says where
 * images come from: it may set a service's image, health check and profiles, nothing else, so the service definitions
 * tested locally are the production file's. And compose accepts the combination with podman/local.env.
 */
class ComposeLocalOverrideTest {

    private static final Deployment DEPLOYMENT = Deployment.load();
    private static final Set<String> ALLOWED = Set.of("image", "healthcheck", "profiles");

    @Test
    void theOverrideChangesOnlyWhereImagesComeFrom() {
        List<String> lines = Deployment.read(DEPLOYMENT.composeDir.resolve("docker-compose.local.yml")).lines().toList();
        List<String> problems = new ArrayList<>();
        boolean inServices = false;
        String service = null;
        Pattern top = Pattern.compile("^([a-z0-9_-]+):\\s*$");
        Pattern svc = Pattern.compile("^  ([a-z0-9][a-z0-9_-]*):\\s*$");
        Pattern key = Pattern.compile("^    ([a-z_]+):.*$");
        for (String line : lines) {
            if (line.isBlank() || line.strip().startsWith("#")) continue;
            Matcher t = top.matcher(line);
            if (t.matches()) {
                inServices = t.group(1).equals("services");
                if (!inServices) problems.add("top-level key " + t.group(1) + " (only services may be overridden)");
                continue;
            }
            if (!inServices) continue;
            Matcher s = svc.matcher(line);
            if (s.matches()) {
                service = s.group(1);
                assertTrue(DEPLOYMENT.services.containsKey(service), "the override names a service the production file lacks: " + service);
                continue;
            }
            Matcher k = key.matcher(line);
            if (k.matches() && !ALLOWED.contains(k.group(1))) problems.add(service + "." + k.group(1));
        }
        assertEquals(List.of(), problems, "docker-compose.local.yml may set only " + ALLOWED + " per service");
    }

    /**
     * Since the override may not change a command, the local images must offer every program the production commands
     * and health checks call by path in the images they replace: Kafka's scripts under /opt/kafka/bin (the broker's
     * health check, kafka-scram-users) and the Confluent image's /etc/confluent/docker/run, which the registry's
     * command execs after writing its basic-auth files. And the local registry's health check logs in, as production's.
     */
    @Test
    void theLocalImagesProvideWhatTheProductionCommandsCall() {
        String production = Deployment.read(DEPLOYMENT.composeFile);
        List<String> missing = new ArrayList<>();
        Map<String, Path> imageDirs = Map.of("/opt/kafka/bin/", DEPLOYMENT.composeDir.resolve("podman/kafka"),
                "/etc/confluent/docker/", DEPLOYMENT.composeDir.resolve("podman/registry"));
        Matcher called = Pattern.compile("(/opt/kafka/bin/[A-Za-z0-9_.-]+|/etc/confluent/docker/[A-Za-z0-9_.-]+)").matcher(production);
        Set<String> paths = new java.util.TreeSet<>();
        while (called.find()) paths.add(called.group(1));
        assertTrue(paths.contains("/etc/confluent/docker/run") && paths.stream().anyMatch(p -> p.endsWith("kafka-configs.sh")),
                "expected the registry's and kafka-scram-users' commands among " + paths);
        for (String path : paths) {
            Path dir = imageDirs.entrySet().stream().filter(e -> path.startsWith(e.getKey())).findFirst().orElseThrow().getValue();
            String containerfile = Deployment.read(dir.resolve("Containerfile"));
            Matcher copy = Pattern.compile("(?m)^COPY (?:--chmod=0755 )?(\\S+) " + Pattern.quote(path) + "\\s*$").matcher(containerfile);
            if (!copy.find()) missing.add(path + " (no COPY to it in " + DEPLOYMENT.root.relativize(dir.resolve("Containerfile")) + ")");
            else if (!java.nio.file.Files.isRegularFile(dir.resolve(copy.group(1)))) missing.add(path + " (" + copy.group(1) + " is missing)");
        }
        assertEquals(List.of(), missing, "programs the production commands call that the local images lack");
        String override = Deployment.read(DEPLOYMENT.composeDir.resolve("docker-compose.local.yml"));
        Matcher registryCheck = Pattern.compile("(?s)\n  schema-registry:\n.*?\n      test: ([^\n]*)").matcher(override);
        assertTrue(registryCheck.find(), "the override sets the local registry's health check");
        assertTrue(registryCheck.group(1).contains("-u \\\"$$REGISTRY_USER:$$REGISTRY_PASSWORD\\\""),
                "the local registry's health check must log in as production's does: " + registryCheck.group(1));
    }

    @Test
    void composeAcceptsTheLocalDeploymentAndEveryStartedServiceUsesALocalImage() {
        ComposeCli.Result result = ComposeCli.configLocal(DEPLOYMENT);
        assertEquals(0, result.exitCode(), result.stderr());
        String config = result.stdout();
        // the services `up --profile cpu` starts: `config` lists every service, with its profiles
        List<String> images = new ArrayList<>();
        List<String> remote = new ArrayList<>();
        String service = null;
        String image = null;
        List<String> profiles = new ArrayList<>();
        boolean inProfiles = false;
        List<String> lines = new ArrayList<>(config.lines().toList());
        lines.add("end:");
        for (String line : lines) {
            Matcher svc = Pattern.compile("^  ([a-z0-9][a-z0-9_-]*):\\s*$").matcher(line);
            if (svc.matches() || !line.startsWith(" ")) {
                if (service != null && image != null && (profiles.isEmpty() || profiles.contains("cpu"))) {
                    images.add(image);
                    if (!image.startsWith("localhost/voxpipe/")) remote.add(service + " (" + image + ")");
                }
                service = svc.matches() ? svc.group(1) : null;
                image = null;
                profiles = new ArrayList<>();
                inProfiles = false;
                continue;
            }
            Matcher img = Pattern.compile("^    image:\\s*(\\S+)\\s*$").matcher(line);
            if (img.matches()) image = img.group(1);
            if (line.matches("^    profiles:\\s*$")) {
                inProfiles = true;
                continue;
            }
            if (inProfiles && line.matches("^    - \\S+\\s*$")) profiles.add(line.strip().substring(2));
            else if (inProfiles && line.matches("^    \\S.*")) inProfiles = false;
        }
        assertTrue(images.size() >= 9, "expected the cpu profile's services, got images " + images);
        assertEquals(List.of(), remote, "services of the local deployment that would pull from a registry");
        assertTrue(config.contains("/apis/ccompat/v7"), "the services must reach Apicurio's Confluent API path");
    }
}
