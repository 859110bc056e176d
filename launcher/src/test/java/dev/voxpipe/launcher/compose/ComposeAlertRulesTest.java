package dev.voxpipe.launcher.compose;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The Prometheus alert rules load (promtool check rules), fire on the series they are written for and stay quiet on a
 * healthy pipeline (promtool test rules with compose/prometheus/rules-tests), cover what an operator is paged for, and
 * query only metrics that exist. promtool is in Debian's prometheus package; without it the promtool checks are
 * reported as skipped.
 */
class ComposeAlertRulesTest {

    private static final Deployment DEPLOYMENT = Deployment.load();
    private static final Path RULES = DEPLOYMENT.composeDir.resolve("prometheus/rules/voxpipe-alerts.yml");
    private static final Path RULE_TESTS = DEPLOYMENT.composeDir.resolve("prometheus/rules-tests/voxpipe-alerts-test.yml");

    @Test
    void rulesLoadAndBehaveUnderPromtool() throws Exception {
        String check = promtool("check", "rules", RULES.toString());
        assertTrue(check.contains("SUCCESS"), check);
        String tests = promtool("test", "rules", RULE_TESTS.toString());
        assertTrue(tests.contains("SUCCESS"), tests);
    }

    @Test
    void prometheusLoadsTheRulesFromWhereComposeMountsThem() {
        String prometheus = Deployment.read(DEPLOYMENT.composeDir.resolve("prometheus/prometheus.yml"));
        assertTrue(prometheus.contains("- /etc/prometheus/rules/*.yml"), "prometheus.yml does not load the rules");
        String service = String.join("\n", DEPLOYMENT.services.get("prometheus").lines());
        assertTrue(service.contains("./prometheus/rules:/etc/prometheus/rules:ro"), "compose does not mount the rules");
    }

    @Test
    void everyConcernHasAnAlertAndEveryMetricExists() {
        String rules = Deployment.read(RULES);
        Set<String> alerts = new TreeSet<>();
        Matcher names = Pattern.compile("(?m)^\\s+- alert: (\\S+)").matcher(rules);
        while (names.find()) alerts.add(names.group(1));
        for (String wanted : List.of("VoxPipeConsumerLagHigh", "VoxPipeConsumerLagGrowing", "VoxPipeDeadLetters",
                "VoxPipeTrainingJobStuck", "VoxPipeSynthesisStuck", "VoxPipeIngestErrorRate", "VoxPipeSynthesisChunkFailures",
                "VoxPipeNoHealthyReplica")) {
            assertTrue(alerts.contains(wanted), "no alert " + wanted + " in " + alerts);
        }
        Set<String> registered = new TreeSet<>();
        Set<String> modules = new LinkedHashSet<>();
        DEPLOYMENT.builtServices().forEach(s -> modules.addAll(DEPLOYMENT.runtimeModuleClosure(s.buildArgs().get("MODULE"))));
        for (var file : DEPLOYMENT.mainSources(modules)) {
            Matcher m = Pattern.compile("\"(voxpipe[._][a-z0-9._]+)\"").matcher(Deployment.read(file));
            while (m.find()) registered.add(m.group(1).replace('.', '_'));
        }
        List<String> unknown = new ArrayList<>();
        Matcher used = Pattern.compile("\\bvoxpipe_[a-z0-9_]+").matcher(rules);
        while (used.find()) {
            String metric = used.group();
            boolean known = registered.stream().anyMatch(r -> metric.equals(r) || metric.startsWith(r + "_"));
            if (!known && !unknown.contains(metric)) unknown.add(metric);
        }
        assertEquals(List.of(), unknown, "alert rules query metrics no service registers");
    }

    private static String promtool(String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("promtool"));
        command.addAll(List.of(args));
        Process p;
        try {
            p = new ProcessBuilder(command).redirectErrorStream(true).start();
        } catch (IOException e) {
            assumeTrue(false, "promtool is not installed (Debian: apt-get install prometheus): the rules were not loaded");
            throw e;
        }
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "promtool did not finish");
        assertEquals(0, p.exitValue(), String.join(" ", command) + ":\n" + out);
        return out;
    }
}
