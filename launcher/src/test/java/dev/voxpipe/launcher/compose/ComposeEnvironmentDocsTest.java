package dev.voxpipe.launcher.compose;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.voxpipe.core.config.VoxConfig;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Every environment variable of the deployment is documented in the one table of
 * compose/README.md, and every VOXPIPE_* variable the compose file sets is read by the code
 * (a misspelt or dead setting is silently ignored otherwise).
 *
 * <p>The keys the code reads are found in the main sources of the modules the images are built
 * from (and the VoxPipe modules they need at run time): {@code voxpipe.*} keys passed to the
 * getters of a variable declared as {@link VoxConfig} in the same file, as a literal, as a {@code static final String} constant, or as
 * {@code PREFIX + "suffix"}; and {@code System.getenv("VOXPIPE_...")}.
 */
class ComposeEnvironmentDocsTest {

    private static final Deployment DEPLOYMENT = Deployment.load();

    /** Names declared with type VoxConfig in a file (fields, parameters, locals): the receivers of its getters. */
    private static final Pattern VOXCONFIG_VARIABLE = Pattern.compile(
            "\\bVoxConfig\\s+([a-z][A-Za-z0-9_]*)\\b|\\bvar\\s+([a-z][A-Za-z0-9_]*)\\s*=\\s*VoxConfig\\.");
    private static final String GETTER_NAMES = "(?:get|getInt|getLong|getDouble|getBoolean|getDuration|find|require)";
    private static final Pattern CONSTANT = Pattern.compile(
            "static\\s+final\\s+String\\s+([A-Z][A-Z0-9_]*)\\s*=\\s*\"(voxpipe\\.[a-z0-9.\\-]*)\"\\s*;");
    private static final Pattern GETENV = Pattern.compile("getenv\\(\\s*\"(VOXPIPE_[A-Z0-9_]+)\"\\s*\\)");
    private static final Pattern ANY_KEY_LITERAL = Pattern.compile("\"(voxpipe\\.[a-z0-9.\\-]+)\"");
    private static final Pattern ANY_SUFFIX_LITERAL = Pattern.compile("\"([a-z][a-z0-9.\\-]*)\"");
    /** Passed through to the Kafka clients by KafkaSettings: any Kafka client key. */
    private static final String KAFKA_PASS_THROUGH = "VOXPIPE_KAFKA_CLIENT_";

    @Test
    void everyVariableTheDeploymentSetsIsDocumented() {
        Set<String> documented = documentedVariables();
        Map<String, String> used = new TreeMap<>();
        for (Deployment.Service s : DEPLOYMENT.builtServices()) {
            s.environment().keySet().forEach(k -> used.putIfAbsent(k, "environment of service " + s.name()));
        }
        Deployment.interpolatedVariables(Deployment.read(DEPLOYMENT.composeFile))
                .forEach(k -> used.putIfAbsent(k, "interpolated in docker-compose.yml"));
        for (String line : Deployment.read(DEPLOYMENT.clusterEnv).lines().toList()) {
            Matcher m = Pattern.compile("^([A-Z][A-Z0-9_]*)=").matcher(line);
            if (m.find()) used.putIfAbsent(m.group(1), "set in cluster.env");
        }
        Matcher env = Pattern.compile("(?m)^\\s+([A-Z][A-Z0-9_]*)=").matcher(Deployment.read(DEPLOYMENT.dockerfile));
        while (env.find()) used.putIfAbsent(env.group(1), "ENV in compose/docker/Dockerfile");
        // Read inside the containers by the entrypoint, the health check and the logging configuration.
        for (String file : List.of("entrypoint.sh", "healthcheck.sh", "logback.xml")) {
            Matcher ref = Pattern.compile("\\$\\{([A-Z][A-Z0-9_]*)").matcher(Deployment.read(DEPLOYMENT.composeDir.resolve("docker").resolve(file)));
            while (ref.find()) used.putIfAbsent(ref.group(1), "read by compose/docker/" + file);
        }
        assertFalse(used.isEmpty(), "no variables found in the deployment files");
        Map<String, String> missing = new TreeMap<>(used);
        missing.keySet().removeAll(documented);
        assertEquals(Map.of(), missing, "variables missing from the table in compose/README.md");
    }

    @Test
    void everyKeyTheServicesReadIsDocumented() {
        Map<String, String> read = keysReadByCode();
        assertFalse(read.isEmpty(), "no configuration keys found in the services' sources");
        Set<String> documented = documentedVariables();
        Map<String, String> missing = new TreeMap<>();
        read.forEach((env, where) -> {
            if (!documented.contains(env)) missing.put(env, where);
        });
        assertEquals(Map.of(), missing, "keys the services read but compose/README.md does not document (env name -> source)");
    }

    @Test
    void everyVoxpipeVariableTheComposeFileSetsIsReadByTheCode() {
        Set<String> known = candidateKeysInCode();
        Map<String, String> unread = new TreeMap<>();
        for (Deployment.Service s : DEPLOYMENT.builtServices()) {
            for (String key : s.environment().keySet()) {
                if (!key.startsWith("VOXPIPE_") || key.startsWith(KAFKA_PASS_THROUGH) || known.contains(key)) continue;
                unread.merge(key, s.name(), (a, b) -> a + ", " + b);
            }
        }
        assertEquals(Map.of(), unread, "VOXPIPE_* variables set in docker-compose.yml that no service reads (variable -> services)");
    }

    @Test
    void everyDocumentedVoxpipeVariableStillExists() {
        Set<String> alive = candidateKeysInCode();
        for (Deployment.Service s : DEPLOYMENT.builtServices()) alive.addAll(s.environment().keySet());
        alive.addAll(Deployment.interpolatedVariables(Deployment.read(DEPLOYMENT.composeFile)));
        Set<String> stale = new TreeSet<>();
        for (String name : documentedVariables()) {
            if (name.startsWith("VOXPIPE_") && !name.startsWith(KAFKA_PASS_THROUGH) && !alive.contains(name)) stale.add(name);
        }
        assertEquals(Set.of(), stale, "compose/README.md documents VOXPIPE_* variables that nothing reads or sets any more");
    }

    @Test
    void readmeTableIsOneTableWithDescriptions() {
        List<String> rows = tableRows();
        assertTrue(rows.size() >= 20, "expected the variable table in compose/README.md, found " + rows.size() + " rows");
        int columns = rows.get(0).split("\\|").length;
        for (String row : rows) {
            String[] cells = row.split("\\|");
            assertEquals(columns, cells.length, "every row of the one table has the same columns: " + row);
            String meaning = cells[cells.length - 1].strip();
            assertTrue(meaning.length() > 3 && !meaning.equals("–"), "row without a description: " + row);
        }
    }

    // --------------------------------------------------------------------------------------------

    /** Lines of the table whose first column names variables in backticks. */
    private static List<String> tableRows() {
        List<String> rows = new ArrayList<>();
        for (String line : Deployment.read(DEPLOYMENT.readme).lines().toList()) {
            if (!line.startsWith("|")) continue;
            String[] cells = line.split("\\|");
            if (cells.length > 1 && cells[1].matches(".*`[A-Z][A-Z0-9_]*[A-Z0-9_*]`.*")) rows.add(line);
        }
        return rows;
    }

    private static Set<String> documentedVariables() {
        Set<String> names = new TreeSet<>();
        for (String row : tableRows()) {
            Matcher m = Pattern.compile("`([A-Z][A-Z0-9_]*)`").matcher(row.split("\\|")[1]);
            while (m.find()) names.add(m.group(1));
        }
        return names;
    }

    private static Set<String> deployedModules() {
        Set<String> modules = new LinkedHashSet<>();
        for (Deployment.Service s : DEPLOYMENT.builtServices()) {
            modules.addAll(DEPLOYMENT.runtimeModuleClosure(s.buildArgs().get("MODULE")));
        }
        return modules;
    }

    /** Environment name -> where it is read, for keys read through VoxConfig or System.getenv. */
    private static Map<String, String> keysReadByCode() {
        List<Path> sources = DEPLOYMENT.mainSources(deployedModules());
        // Constants by "Class.NAME" (qualified use) and by NAME (unqualified, when only one class declares it).
        Map<String, String> qualified = new HashMap<>();
        Map<String, Set<String>> byName = new HashMap<>();
        for (Path file : sources) {
            String cls = file.getFileName().toString().replace(".java", "");
            Matcher c = CONSTANT.matcher(Deployment.read(file));
            while (c.find()) {
                qualified.put(cls + "." + c.group(1), c.group(2));
                byName.computeIfAbsent(c.group(1), k -> new TreeSet<>()).add(c.group(2));
            }
        }
        Map<String, String> keys = new TreeMap<>();
        for (Path file : sources) {
            String text = Deployment.read(file);
            String where = DEPLOYMENT.root.relativize(file).toString();
            Set<String> receivers = new TreeSet<>(Set.of("config"));
            Matcher v = VOXCONFIG_VARIABLE.matcher(text);
            while (v.find()) receivers.add(v.group(1) != null ? v.group(1) : v.group(2));
            Matcher m = GETENV.matcher(text);
            while (m.find()) keys.putIfAbsent(m.group(1), where);
            String getter = "\\b(?:" + String.join("|", receivers) + ")\\." + GETTER_NAMES + "\\(\\s*";
            m = Pattern.compile(getter + "\"(voxpipe\\.[a-z0-9.\\-]+)\"").matcher(text);
            while (m.find()) keys.putIfAbsent(VoxConfig.envName(m.group(1)), where);
            String cls = file.getFileName().toString().replace(".java", "");
            m = Pattern.compile(getter + "(?:([A-Z][A-Za-z0-9_]*)\\.)?([A-Z][A-Z0-9_]*)\\s*(?:\\+\\s*\"([a-z0-9.\\-]+)\")?\\s*[,)]")
                    .matcher(text);
            while (m.find()) {
                String owner = m.group(1) != null ? m.group(1) : cls;
                String base = qualified.get(owner + "." + m.group(2));
                if (base == null && m.group(1) == null && byName.getOrDefault(m.group(2), Set.of()).size() == 1) {
                    base = byName.get(m.group(2)).iterator().next(); // statically imported
                }
                if (base == null) continue;
                String key = m.group(3) == null ? base : base + m.group(3);
                if (!key.endsWith(".")) keys.putIfAbsent(VoxConfig.envName(key), where);
            }
        }
        return keys;
    }

    /**
     * Every environment name the code could read, generously: each {@code "voxpipe.*"} literal,
     * and each prefix literal ending in a dot combined with every short literal of the same file.
     */
    private static Set<String> candidateKeysInCode() {
        Set<String> names = new TreeSet<>(keysReadByCode().keySet());
        for (Path file : DEPLOYMENT.mainSources(deployedModules())) {
            String text = Deployment.read(file);
            List<String> prefixes = new ArrayList<>();
            Matcher m = ANY_KEY_LITERAL.matcher(text);
            while (m.find()) {
                names.add(VoxConfig.envName(m.group(1)));
                if (m.group(1).endsWith(".")) prefixes.add(m.group(1));
            }
            if (prefixes.isEmpty()) continue;
            Matcher s = ANY_SUFFIX_LITERAL.matcher(text);
            while (s.find()) {
                for (String prefix : prefixes) names.add(VoxConfig.envName(prefix + s.group(1)));
            }
        }
        return names;
    }
}
