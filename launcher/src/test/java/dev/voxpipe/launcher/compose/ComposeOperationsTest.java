package dev.voxpipe.launcher.compose;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The SRE settings of the resolved deployment (every profile, the three-broker cluster): every service has a CPU and a
 * memory limit, every grace period covers the close the code really waits for, the GPU workers require a GPU and name
 * their device, kafka-exporter is seeded with every broker, and every published port is bound to loopback unless a
 * variable says otherwise.
 */
class ComposeOperationsTest {

    private static final Deployment DEPLOYMENT = Deployment.load();
    private static Map<String, String> services;

    @BeforeAll
    static void resolve() {
        ComposeCli.Result result = ComposeCli.config(DEPLOYMENT, DEPLOYMENT.clusterEnv, List.of("gpu", "cpu", "cluster"));
        assertEquals(0, result.exitCode(), result.stderr());
        services = new LinkedHashMap<>();
        String name = null;
        StringBuilder block = new StringBuilder();
        boolean inServices = false;
        for (String line : (result.stdout() + "\nend:\n").lines().toList()) {
            if (!line.startsWith(" ") && !line.isBlank()) {
                if (name != null) services.put(name, block.toString());
                name = null;
                inServices = line.startsWith("services:");
                continue;
            }
            Matcher m = Pattern.compile("^  ([a-z0-9][a-z0-9_-]*):\\s*$").matcher(line);
            if (inServices && m.matches()) {
                if (name != null) services.put(name, block.toString());
                name = m.group(1);
                block = new StringBuilder();
            } else if (name != null) {
                block.append(line).append('\n');
            }
        }
        assertTrue(services.size() >= 13, "resolved services: " + services.keySet());
    }

    @Test
    void everyServiceHasACpuAndAMemoryLimit() {
        List<String> missing = new ArrayList<>();
        services.forEach((name, block) -> {
            if (!block.matches("(?s).*\\n        limits:\\n(          \\S.*\\n)*?          cpus: .*")) missing.add(name + " (cpus)");
            if (!block.matches("(?s).*\\n        limits:\\n(          \\S.*\\n)*?          memory: .*")) missing.add(name + " (memory)");
        });
        assertEquals(List.of(), missing, "services without a limit");
    }

    @Test
    void gracePeriodsCoverTheClosesTheCodeWaitsFor() {
        int trainerClose = loopStopSeconds("trainer-worker/src/main/java/dev/voxpipe/trainer/TrainerWorkerApp.java");
        int synthClose = loopStopSeconds("synth-worker/src/main/java/dev/voxpipe/synth/SynthWorkerApp.java");
        Matcher streams = Pattern.compile("CLOSE_TIMEOUT = Duration.ofSeconds\\((\\d+)\\)").matcher(Deployment.read(
                DEPLOYMENT.root.resolve("pipeline-core/src/main/java/dev/voxpipe/core/worker/StreamsWorker.java")));
        assertTrue(streams.find(), "StreamsWorker's close timeout not found");
        int streamsClose = Integer.parseInt(streams.group(1));
        // the margin: what runs after the loop (producer close 10 s, metrics server, context)
        Map<String, Integer> needed = Map.of("trainer-worker", trainerClose + 15, "trainer-worker-cpu", trainerClose + 15,
                "synth-worker", synthClose + 10, "synth-worker-cpu", synthClose + 10,
                "feature-worker", streamsClose + 10, "audiobook", streamsClose + 10, "ingest", streamsClose + 10);
        List<String> short_ = new ArrayList<>();
        needed.forEach((service, seconds) -> {
            Matcher grace = Pattern.compile("(?m)^    stop_grace_period: (\\d+)s$").matcher(services.get(service));
            int have = grace.find() ? Integer.parseInt(grace.group(1)) : 10; // compose's default
            if (have < seconds) short_.add(service + ": " + have + " s < " + seconds + " s");
        });
        assertEquals(List.of(), short_, "grace periods shorter than the close (SIGKILL would cut it)");
    }

    @Test
    void gpuWorkersRequireAGpuAndNameTheirDevice() {
        for (String service : List.of("trainer-worker", "synth-worker")) {
            String block = services.get(service);
            assertTrue(block.contains("      VOXPIPE_DEVICE: gpu\n"), service + " must fail without a GPU (VOXPIPE_DEVICE=gpu)");
            assertTrue(block.contains("            device_ids:\n"), service + " must reserve a named device, not count: 1");
            assertTrue(!block.contains("count:"), service + " still reserves by count");
        }
    }

    @Test
    void kafkaExporterIsSeededWithEveryBroker() {
        String exporter = services.get("kafka-exporter");
        for (String broker : services.keySet()) {
            if (!broker.matches("kafka(-\\d+)?")) continue;
            assertTrue(exporter.contains("--kafka.server=" + broker + ":19092"), "kafka-exporter does not know " + broker);
        }
    }

    @Test
    void everyPublishedPortIsLoopbackUnlessAVariableSaysOtherwise() {
        List<String> open = new ArrayList<>();
        // list entries that end in a port ("HOST:PORT:PORT"), not command-line flags
        Matcher published = Pattern.compile("(?m)^\\s+- \"(?!--)([^\"]*:\\d+)\"\\s*$").matcher(Deployment.read(DEPLOYMENT.composeFile));
        int entries = 0;
        while (published.find()) {
            entries++;
            if (!published.group(1).matches("\\$\\{[A-Z_]+_BIND:-127\\.0\\.0\\.1\\}:.*")) open.add(published.group(1));
        }
        assertTrue(entries >= 8, "found only " + entries + " published ports in the compose file");
        assertEquals(List.of(), open, "published on every interface by default");
        services.forEach((name, block) -> {
            Matcher port = Pattern.compile("(?m)^    - (\\S+):(\\d+):(\\d+)/tcp$").matcher(block);
            while (port.find()) assertEquals("127.0.0.1", port.group(1), name + " publishes " + port.group() + " by default");
        });
    }

    private static int loopStopSeconds(String source) {
        Matcher m = Pattern.compile("LoopWorker\\.start\\([^;]*?Duration\\.ofSeconds\\((\\d+)\\)", Pattern.DOTALL)
                .matcher(Deployment.read(DEPLOYMENT.root.resolve(source)));
        assertTrue(m.find(), "no LoopWorker.start(..., Duration.ofSeconds(n)) in " + source);
        return Integer.parseInt(m.group(1));
    }
}
