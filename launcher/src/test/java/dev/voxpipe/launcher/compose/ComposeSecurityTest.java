package dev.voxpipe.launcher.compose;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The deployment's security floor (issue 18): no default passwords, infrastructure ports on the host's
 * loopback interface unless VOXPIPE_INFRA_BIND says otherwise (ComposeHardeningTest checks what is
 * published: SCRAM on Kafka, registry authentication, TLS on ingest), the VoxPipe services without
 * capabilities or privilege escalation and with resource limits.
 */
class ComposeSecurityTest {

    private static final Deployment DEPLOYMENT = Deployment.load();
    private static final String FILE = Deployment.read(DEPLOYMENT.composeFile);
    /** The one service meant to be reached from outside: the API, behind its keys. */
    private static final Set<String> PUBLIC = Set.of("ingest");

    @Test
    void secretsHaveNoDefaultsAndComposeRefusesToRunWithoutThem() {
        List<String> problems = new ArrayList<>();
        Matcher defaulted = Pattern.compile("\\$\\{([A-Z0-9_]*(PASSWORD|SECRET|ROOT_USER)[A-Z0-9_]*):?-").matcher(FILE);
        while (defaulted.find()) problems.add(defaulted.group(1) + " has a default value");
        assertEquals(List.of(), problems);
        assertTrue(Deployment.requiredVariables(FILE).containsAll(Set.of("MINIO_ROOT_USER", "MINIO_ROOT_PASSWORD", "GRAFANA_ADMIN_PASSWORD")),
                "required: " + Deployment.requiredVariables(FILE));
        assertTrue(!FILE.contains("change-me"), "a placeholder password is still in the file");
        ComposeCli.Result bare = ComposeCli.configWithoutSecrets(DEPLOYMENT);
        assertNotEquals(0, bare.exitCode(), "compose config succeeded without any secret set");
        // compose names the first required variable it misses (issue 18 added registry, Kafka client and TLS ones)
        assertTrue(Deployment.requiredVariables(FILE).stream().anyMatch(bare.stderr()::contains), bare.stderr());
    }

    @Test
    void onlyTheApiIsPublishedBeyondLoopbackAndKafkaPlaintextNever() {
        List<String> problems = new ArrayList<>();
        Pattern published = Pattern.compile("^\\s+- \"(.+)\"\\s*$");
        String service = null;
        boolean inPorts = false;
        for (String line : FILE.lines().toList()) {
            Matcher s = Pattern.compile("^  ([a-z0-9][a-z0-9_-]*):\\s*$").matcher(line);
            if (s.matches()) {
                service = s.group(1);
                inPorts = false;
                continue;
            }
            if (line.matches("^    ports:\\s*$")) {
                inPorts = true;
                continue;
            }
            if (inPorts && line.matches("^    \\S.*")) inPorts = false;
            if (!inPorts || line.strip().startsWith("#")) continue;
            Matcher p = published.matcher(line);
            if (!p.matches() || PUBLIC.contains(service)) continue;
            if (!p.group(1).startsWith("${VOXPIPE_INFRA_BIND:-127.0.0.1}:")) {
                problems.add(service + " publishes " + p.group(1) + " on every interface");
            }
        }
        assertEquals(List.of(), problems);
        // the listener the brokers publish is SASL_SSL (ComposeHardeningTest checks every published listener);
        // it stays on the loopback interface by default all the same
        assertTrue(FILE.contains("EXTERNAL:SASL_SSL"), "fixture: the external listener's protocol changed; revisit this test");
        assertTrue(FILE.contains("\"${VOXPIPE_INFRA_BIND:-127.0.0.1}:${KAFKA_EXTERNAL_PORT:-9092}:9092\""));
    }

    @Test
    void voxpipeServicesDropCapabilitiesForbidEscalationAndHaveLimits() {
        for (Deployment.Service s : DEPLOYMENT.builtServices()) {
            String block = String.join("\n", s.lines());
            boolean inherits = block.contains("<<: *voxpipe-service");
            assertTrue(inherits, s.name() + " does not use the hardened voxpipe-service defaults");
        }
        String defaults = FILE.substring(FILE.indexOf("x-voxpipe-service:"), FILE.indexOf("x-gpu-reservation:"));
        assertTrue(defaults.contains("no-new-privileges:true"), defaults);
        assertTrue(defaults.matches("(?s).*cap_drop:\\s*\\n\\s*- ALL.*"), defaults);
        // The GPU workers are left without a memory limit: libtorch's native memory is not yet measured (issue 22).
        for (String service : List.of("ingest", "feature-worker", "audiobook", "trainer-worker-cpu", "synth-worker-cpu")) {
            String block = ComposeConfigTest.serviceBlock(FILE.replace("\r", ""), service);
            assertTrue(block != null && block.contains("limits:") && block.contains("memory:"), service + " has no memory limit");
        }
    }
}
