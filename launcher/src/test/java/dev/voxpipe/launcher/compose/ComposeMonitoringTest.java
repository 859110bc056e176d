package dev.voxpipe.launcher.compose;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Prometheus scrapes every service on the port the service is told to serve metrics on, and the
 * provisioned Grafana dashboard is valid, uses the provisioned data source, and shows what the
 * issue asks for: per-stage throughput, consumer lag, training progress, synthesis RTF.
 */
class ComposeMonitoringTest {

    private static final Deployment DEPLOYMENT = Deployment.load();
    private static final String PROMETHEUS = Deployment.read(DEPLOYMENT.composeDir.resolve("prometheus/prometheus.yml"));

    @Test
    void prometheusScrapesEveryServiceOnItsMetricsPort() {
        Map<String, Integer> scraped = dnsScrapePorts();
        List<String> problems = new ArrayList<>();
        for (Deployment.Service s : DEPLOYMENT.builtServices()) {
            String port = s.environment().get("VOXPIPE_METRICS_PORT");
            if (s.name().equals("ingest")) {
                // ingest serves /metrics on its management port only, which is not published on the host
                String managementPort = s.environment().get("VOXPIPE_INGEST_MANAGEMENT_PORT");
                if (managementPort == null) {
                    problems.add("ingest sets no VOXPIPE_INGEST_MANAGEMENT_PORT");
                } else if (!PROMETHEUS.contains("\"ingest:" + managementPort + "\"")) {
                    problems.add("ingest is not scraped on its management port " + managementPort);
                } else if (s.lines().stream().anyMatch(l -> l.strip().startsWith("- \"") && l.contains(":" + managementPort + "\""))) {
                    problems.add("ingest publishes its management port " + managementPort + " on the host");
                }
                continue;
            }
            if (port == null) {
                problems.add(s.name() + " sets no VOXPIPE_METRICS_PORT");
            } else if (!Integer.valueOf(port).equals(scraped.get(s.name()))) {
                problems.add(s.name() + " serves metrics on " + port + " but Prometheus scrapes port " + scraped.get(s.name()));
            }
        }
        assertEquals(List.of(), problems);
    }

    @Test
    void dashboardIsValidAndUsesTheProvisionedDataSource() throws Exception {
        JsonNode dashboard = new ObjectMapper().readTree(DEPLOYMENT.composeDir.resolve("grafana/dashboards/voxpipe.json").toFile());
        String datasources = Deployment.read(DEPLOYMENT.composeDir.resolve("grafana/provisioning/datasources/prometheus.yml"));
        Matcher uid = Pattern.compile("(?m)^\\s+uid:\\s*(\\S+)").matcher(datasources);
        assertTrue(uid.find(), "the provisioned data source needs a fixed uid");
        Set<String> jobs = prometheusJobs();
        int queries = 0;
        for (JsonNode panel : dashboard.path("panels")) {
            if (panel.path("type").asText().equals("row")) continue;
            String title = panel.path("title").asText();
            assertEquals(uid.group(1), panel.path("datasource").path("uid").asText(), "panel '" + title + "' data source");
            assertTrue(panel.path("targets").size() > 0, "panel '" + title + "' has no query");
            for (JsonNode target : panel.path("targets")) {
                String expr = target.path("expr").asText();
                assertFalse(expr.isBlank(), "panel '" + title + "' has an empty query");
                assertBalanced(title, expr);
                Matcher job = Pattern.compile("job=~?\"([^\"]+)\"").matcher(expr);
                while (job.find()) {
                    for (String j : job.group(1).split("\\|")) {
                        assertTrue(jobs.contains(j), "panel '" + title + "' filters on job " + j + ", which prometheus.yml does not define");
                    }
                }
                queries++;
            }
        }
        assertTrue(queries >= 10, "dashboard has only " + queries + " queries");
    }

    @Test
    void dashboardShowsThroughputLagTrainingAndRtf() throws Exception {
        String json = Deployment.read(DEPLOYMENT.composeDir.resolve("grafana/dashboards/voxpipe.json"));
        Map<String, String> required = new LinkedHashMap<>();
        required.put("per-stage throughput (records written per topic)", "kafka_topic_partition_current_offset");
        required.put("consumer lag", "kafka_consumergroup_lag");
        required.put("training progress", "voxpipe_training_step");
        required.put("energy per training job", "voxpipe_training_energy_wh");
        required.put("synthesis real-time factor", "voxpipe_synthesis_rtf");
        required.forEach((what, metric) -> assertTrue(json.contains(metric), "dashboard lacks " + what + " (" + metric + ")"));
        assertTrue(PROMETHEUS.contains("kafka-exporter:9308"), "consumer lag needs the kafka-exporter scrape job");
    }

    @Test
    void everyDashboardMetricIsRegisteredByAService() throws Exception {
        JsonNode dashboard = new ObjectMapper().readTree(DEPLOYMENT.composeDir.resolve("grafana/dashboards/voxpipe.json").toFile());
        Set<String> queried = new TreeSet<>();
        for (JsonNode panel : dashboard.path("panels")) {
            for (JsonNode target : panel.path("targets")) {
                Matcher m = Pattern.compile("\\bvoxpipe_[a-z0-9_]+").matcher(target.path("expr").asText());
                while (m.find()) queried.add(m.group());
            }
        }
        assertFalse(queried.isEmpty(), "the dashboard queries no VoxPipe metric");

        // Meter names registered in the services' code, in Prometheus form.
        Set<String> registered = new TreeSet<>();
        Set<String> modules = new java.util.LinkedHashSet<>();
        DEPLOYMENT.builtServices().forEach(s -> modules.addAll(DEPLOYMENT.runtimeModuleClosure(s.buildArgs().get("MODULE"))));
        for (var file : DEPLOYMENT.mainSources(modules)) {
            Matcher m = Pattern.compile("\"(voxpipe[._][a-z0-9._]+)\"").matcher(Deployment.read(file));
            while (m.find()) registered.add(m.group(1).replace('.', '_'));
        }
        // Every panel must have data: no "wanted" metric any more (issue 21 registered the five that were missing).
        List<String> unknown = new ArrayList<>();
        for (String metric : queried) {
            boolean known = registered.stream().anyMatch(r -> metric.equals(r) || metric.startsWith(r + "_")
                    || r.endsWith("_total") && metric.equals(r));
            if (!known) unknown.add(metric);
        }
        assertEquals(List.of(), unknown, "dashboard queries metrics no service registers: its panels would always be empty");
    }

    @Test
    void grafanaLoadsTheDashboardFromWhereComposeMountsIt() {
        String provider = Deployment.read(DEPLOYMENT.composeDir.resolve("grafana/provisioning/dashboards/voxpipe.yml"));
        Matcher path = Pattern.compile("(?m)^\\s+path:\\s*(\\S+)").matcher(provider);
        assertTrue(path.find(), "dashboard provider has no path");
        String grafana = String.join("\n", DEPLOYMENT.services.get("grafana").lines());
        assertTrue(grafana.contains("./grafana/dashboards:" + path.group(1) + ":ro"),
                "compose must mount ./grafana/dashboards at " + path.group(1));
        assertTrue(grafana.contains("./grafana/provisioning:/etc/grafana/provisioning:ro"), "compose must mount the provisioning folder");
    }

    private static void assertBalanced(String title, String expr) {
        int round = 0, curly = 0, square = 0;
        boolean quoted = false;
        for (int i = 0; i < expr.length(); i++) {
            char c = expr.charAt(i);
            if (c == '\\') { i++; continue; }
            if (c == '"') quoted = !quoted;
            if (quoted) continue;
            switch (c) {
                case '(' -> round++;
                case ')' -> round--;
                case '{' -> curly++;
                case '}' -> curly--;
                case '[' -> square++;
                case ']' -> square--;
                default -> { }
            }
            assertTrue(round >= 0 && curly >= 0 && square >= 0, "panel '" + title + "': unbalanced query " + expr);
        }
        assertTrue(round == 0 && curly == 0 && square == 0 && !quoted, "panel '" + title + "': unbalanced query " + expr);
    }

    /** Service name -> port of the dns_sd_configs entries in prometheus.yml. */
    private static Map<String, Integer> dnsScrapePorts() {
        Map<String, Integer> ports = new LinkedHashMap<>();
        Matcher m = Pattern.compile("- names: \\[([^\\]]+)\\]\\s*\\n\\s*type: A\\s*\\n\\s*port: (\\d+)").matcher(PROMETHEUS);
        while (m.find()) {
            for (String name : m.group(1).split(",")) ports.put(name.strip(), Integer.parseInt(m.group(2)));
        }
        return ports;
    }

    private static Set<String> prometheusJobs() {
        Set<String> jobs = new TreeSet<>();
        Matcher m = Pattern.compile("job_name:\\s*(\\S+)").matcher(PROMETHEUS);
        while (m.find()) jobs.add(m.group(1));
        return jobs;
    }
}
