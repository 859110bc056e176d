package dev.voxpipe.launcher.compose;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@code docker compose config} accepts the deployment for every profile, and the resolved
 * configuration is the one each profile promises (services present, GPU reservations, the
 * three-node quorum, scalable services without fixed names or host ports).
 */
class ComposeConfigTest {

    private static final Deployment DEPLOYMENT = Deployment.load();
    /** One `config` run per profile, shared by the checks below. */
    private static final Map<String, ComposeCli.Result> CONFIGS = new ConcurrentHashMap<>();

    private static final List<String> ALWAYS = List.of("kafka", "schema-registry", "minio", "ingest",
            "feature-worker", "audiobook", "kafka-exporter", "prometheus", "grafana");

    static Stream<Arguments> profiles() {
        return Stream.of(
                Arguments.of("default", null, List.of(), List.of()),
                Arguments.of("cpu", null, List.of("cpu"), List.of("trainer-worker-cpu", "synth-worker-cpu")),
                Arguments.of("gpu", null, List.of("gpu"), List.of("trainer-worker", "synth-worker")),
                Arguments.of("cluster", DEPLOYMENT.clusterEnv, List.of("cluster", "gpu"),
                        List.of("kafka-2", "kafka-3", "trainer-worker", "synth-worker")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("profiles")
    void configIsValidForProfile(String name, Path envFile, List<String> profiles, List<String> profileServices) {
        ComposeCli.Result result = config(name, envFile, profiles);
        assertEquals(0, result.exitCode(), () -> String.join(" ", ComposeCli.command())
                + " config for profile " + name + " failed:\n" + result.stderr());
        String config = result.stdout();
        for (String service : ALWAYS) {
            assertTrue(serviceBlock(config, service) != null, "profile " + name + ": service " + service + " missing");
        }
        for (String service : profileServices) {
            assertTrue(serviceBlock(config, service) != null, "profile " + name + ": service " + service + " missing");
        }

        // Scaled services: Compose refuses --scale with a container_name, and a fixed host port clashes.
        for (String scaled : List.of("feature-worker", "trainer-worker", "synth-worker", "trainer-worker-cpu", "synth-worker-cpu")) {
            String block = serviceBlock(config, scaled);
            if (block == null) continue;
            assertFalse(block.contains("\n    container_name:"), scaled + " must not set container_name");
            assertFalse(block.contains("\n    ports:"), scaled + " must not publish host ports");
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("profiles")
    void gpuServicesReserveNvidiaDevices(String name, Path envFile, List<String> profiles, List<String> profileServices) {
        if (!profiles.contains("gpu")) return;
        String config = resolved(name, envFile, profiles);
        for (String service : List.of("trainer-worker", "synth-worker")) {
            String block = serviceBlock(config, service);
            assertTrue(block != null, service + " missing");
            assertTrue(block.matches("(?s).*devices:.*driver: nvidia.*"), service + " reserves no NVIDIA device:\n" + block);
            assertTrue(block.contains("target: gpu"), service + " must be built from the gpu target");
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("profiles")
    void kraftQuorumMatchesTheProfile(String name, Path envFile, List<String> profiles, List<String> profileServices) {
        String config = resolved(name, envFile, profiles);
        boolean cluster = profiles.contains("cluster");
        String voters = cluster ? "1@kafka:9093,2@kafka-2:9093,3@kafka-3:9093" : "1@kafka:9093";
        List<String> nodes = cluster ? List.of("kafka", "kafka-2", "kafka-3") : List.of("kafka");
        for (String node : nodes) {
            String block = serviceBlock(config, node);
            assertTrue(block != null, node + " missing");
            assertTrue(Pattern.compile("KAFKA_CONTROLLER_QUORUM_VOTERS: ['\"]?" + Pattern.quote(voters) + "['\"]?\n").matcher(block).find(),
                    node + " must vote with " + voters + ":\n" + block);
        }
        String replication = cluster ? "3" : "1";
        String ingest = serviceBlock(config, "ingest");
        assertTrue(Pattern.compile("VOXPIPE_TOPICS_REPLICATION_FACTOR: ['\"]?" + replication + "['\"]?\n").matcher(ingest).find(),
                "topics must be created with replication factor " + replication + " in profile " + name);
        if (cluster) {
            assertTrue(ingest.contains("kafka:19092,kafka-2:19092,kafka-3:19092"), "services must bootstrap from all three brokers");
        }
    }

    private static ComposeCli.Result config(String name, Path envFile, List<String> profiles) {
        return CONFIGS.computeIfAbsent(name, n -> ComposeCli.config(DEPLOYMENT, envFile, profiles));
    }

    private static String resolved(String name, Path envFile, List<String> profiles) {
        ComposeCli.Result result = config(name, envFile, profiles);
        assertEquals(0, result.exitCode(), () -> "config for profile " + name + " failed:\n" + result.stderr());
        return result.stdout();
    }

    /** The resolved block of one service in {@code config} output (two-space indented), or null. */
    static String serviceBlock(String config, String service) {
        Matcher section = Pattern.compile("(?m)^services:\\s*$").matcher(config);
        if (!section.find()) return null;
        Matcher sectionEnd = Pattern.compile("(?m)^\\S").matcher(config);
        config = config.substring(section.end(), sectionEnd.find(section.end()) ? sectionEnd.start() : config.length());
        Matcher m = Pattern.compile("(?m)^  " + Pattern.quote(service) + ":\\s*$").matcher(config);
        if (!m.find()) return null;
        int start = m.end();
        Matcher next = Pattern.compile("(?m)^( {2}\\S|\\S)").matcher(config);
        int end = next.find(start) ? next.start() : config.length();
        return config.substring(start, end);
    }
}
