package dev.voxpipe.launcher.compose;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The deployment under compose/ as the tests see it: the files, the services of
 * docker-compose.yml (read with a small indentation reader, since the launcher has no YAML
 * library), and the Maven modules they are built from.
 *
 * <p>The reader understands what the compose file uses: top-level {@code x-name: &anchor} blocks,
 * {@code <<: *anchor} merges, service blocks indented by two spaces, mappings by two more. A file
 * it cannot read yields no services, which the tests report as a failure.
 */
final class Deployment {

    final Path root;
    final Path composeDir;
    final Path composeFile;
    final Path dockerfile;
    final Path readme;
    final Path clusterEnv;
    final List<String> composeLines;
    final Map<String, Service> services;
    private final Map<String, Map<String, String>> anchors;

    /** One service of docker-compose.yml with its merged environment and build arguments. */
    record Service(String name, List<String> lines, Map<String, String> environment,
                   Map<String, String> buildArgs, String buildTarget, List<String> profiles) {

        boolean built() {
            return !buildArgs.isEmpty() || buildTarget != null;
        }

        boolean has(String key) {
            return lines.stream().anyMatch(l -> l.matches("^    " + Pattern.quote(key) + ":.*"));
        }
    }

    private Deployment(Path root) {
        this.root = root;
        this.composeDir = root.resolve("compose");
        this.composeFile = composeDir.resolve("docker-compose.yml");
        this.dockerfile = composeDir.resolve("docker/Dockerfile");
        this.readme = composeDir.resolve("README.md");
        this.clusterEnv = composeDir.resolve("cluster.env");
        this.composeLines = read(composeFile).lines().toList();
        this.anchors = readAnchors(composeLines);
        this.services = readServices(composeLines, anchors);
    }

    static Deployment load() {
        Path dir = Path.of("").toAbsolutePath();
        for (Path p = dir; p != null; p = p.getParent()) {
            if (Files.isRegularFile(p.resolve("compose/docker-compose.yml")) && Files.isRegularFile(p.resolve("pom.xml"))) {
                return new Deployment(p);
            }
        }
        throw new AssertionError("compose/docker-compose.yml not found above " + dir);
    }

    static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
    }

    List<Service> builtServices() {
        return services.values().stream().filter(Service::built).toList();
    }

    // ------------------------------------------------------------------------------ compose reader

    private static final Pattern TOP_ANCHOR = Pattern.compile("^(x-[a-z0-9-]+):\\s*&([a-z0-9-]+)\\s*$");
    private static final Pattern SERVICE = Pattern.compile("^  ([a-z0-9][a-z0-9_-]*):\\s*$");
    private static final Pattern ENTRY = Pattern.compile("^(\\s*)([A-Za-z0-9_<.-]+):\\s*(.*)$");

    private static int indent(String line) {
        int i = 0;
        while (i < line.length() && line.charAt(i) == ' ') i++;
        return i;
    }

    private static boolean blankOrComment(String line) {
        String t = line.strip();
        return t.isEmpty() || t.startsWith("#");
    }

    /** The lines of the block that starts after {@code start}, more indented than {@code parentIndent}. */
    private static List<String> block(List<String> lines, int start, int parentIndent) {
        List<String> out = new ArrayList<>();
        for (int i = start + 1; i < lines.size(); i++) {
            String l = lines.get(i);
            if (blankOrComment(l)) continue;
            if (indent(l) <= parentIndent) break;
            out.add(l);
        }
        return out;
    }

    /** The flat mapping directly below a key: its entries, with {@code <<: *anchor} merged in first. */
    private static Map<String, String> mapping(List<String> blockLines, Map<String, Map<String, String>> anchors) {
        Map<String, String> merged = new LinkedHashMap<>();
        if (blockLines.isEmpty()) return merged;
        int level = indent(blockLines.get(0));
        for (String l : blockLines) {
            if (indent(l) != level) continue;
            Matcher m = ENTRY.matcher(l);
            if (!m.matches()) continue;
            if (m.group(2).equals("<<")) {
                String ref = m.group(3).strip();
                if (ref.startsWith("*")) merged.putAll(anchors.getOrDefault(ref.substring(1), Map.of()));
            } else {
                merged.put(m.group(2), unquote(m.group(3).strip()));
            }
        }
        return merged;
    }

    private static String unquote(String v) {
        if (v.length() >= 2 && (v.startsWith("\"") && v.endsWith("\"") || v.startsWith("'") && v.endsWith("'"))) {
            return v.substring(1, v.length() - 1);
        }
        return v;
    }

    private static Map<String, Map<String, String>> readAnchors(List<String> lines) {
        Map<String, Map<String, String>> anchors = new LinkedHashMap<>();
        for (int i = 0; i < lines.size(); i++) {
            Matcher m = TOP_ANCHOR.matcher(lines.get(i));
            if (m.matches()) anchors.put(m.group(2), mapping(block(lines, i, 0), anchors));
        }
        return anchors;
    }

    private static Map<String, Service> readServices(List<String> lines, Map<String, Map<String, String>> anchors) {
        Map<String, Service> services = new LinkedHashMap<>();
        int start = lines.indexOf("services:");
        if (start < 0) return services;
        for (int i = start + 1; i < lines.size(); i++) {
            String l = lines.get(i);
            if (!blankOrComment(l) && indent(l) == 0) break; // next top-level key
            Matcher m = SERVICE.matcher(l);
            if (!m.matches()) continue;
            List<String> body = block(lines, i, 2);
            Map<String, String> environment = new LinkedHashMap<>();
            Map<String, String> buildArgs = new LinkedHashMap<>();
            String target = null;
            List<String> profiles = new ArrayList<>();
            for (int j = 0; j < body.size(); j++) {
                String b = body.get(j);
                if (indent(b) != 4) continue;
                if (b.strip().equals("environment:")) {
                    environment.putAll(mapping(block(body, j, 4), anchors));
                } else if (b.strip().equals("build:")) {
                    List<String> build = block(body, j, 4);
                    Map<String, String> buildMap = mapping(build, anchors);
                    target = buildMap.get("target");
                    for (int k = 0; k < build.size(); k++) {
                        if (build.get(k).strip().equals("args:")) buildArgs.putAll(mapping(block(build, k, indent(build.get(k))), anchors));
                    }
                } else if (b.strip().startsWith("profiles:")) {
                    String list = b.strip().substring("profiles:".length()).strip();
                    for (String p : list.replaceAll("[\\[\\]]", "").split(",")) {
                        if (!p.isBlank()) profiles.add(p.strip());
                    }
                }
            }
            services.put(m.group(1), new Service(m.group(1), body, environment, buildArgs, target, profiles));
        }
        return services;
    }

    /** Every {@code ${NAME}}, {@code ${NAME:-default}} or {@code ${NAME:?err}} the file interpolates. */
    /** Variables the file requires with {@code ${NAME:?message}}: no default, compose refuses to run without them. */
    static Set<String> requiredVariables(String text) {
        Set<String> names = new TreeSet<>();
        Matcher m = Pattern.compile("\\$\\{([A-Za-z_][A-Za-z0-9_]*):\\?").matcher(text);
        while (m.find()) names.add(m.group(1));
        return names;
    }

    static Set<String> interpolatedVariables(String text) {
        Set<String> names = new TreeSet<>();
        Matcher m = Pattern.compile("\\$\\{([A-Za-z_][A-Za-z0-9_]*)").matcher(text);
        while (m.find()) names.add(m.group(1));
        return names;
    }

    // ------------------------------------------------------------------------------ Maven modules

    /** Module directories declared in the root pom. */
    Set<String> reactorModules() {
        Set<String> modules = new LinkedHashSet<>();
        Matcher m = Pattern.compile("<module>([^<]+)</module>").matcher(read(root.resolve("pom.xml")));
        while (m.find()) modules.add(m.group(1).strip());
        return modules;
    }

    /** The module and every VoxPipe module it needs at run time (compile or runtime scope), transitively. */
    Set<String> runtimeModuleClosure(String module) {
        Set<String> seen = new LinkedHashSet<>();
        Deque<String> todo = new ArrayDeque<>(List.of(module));
        Set<String> reactor = reactorModules();
        while (!todo.isEmpty()) {
            String next = todo.pop();
            if (!seen.add(next)) continue;
            Path pom = root.resolve(next).resolve("pom.xml");
            if (!Files.isRegularFile(pom)) continue;
            Matcher dep = Pattern.compile("<dependency>(.*?)</dependency>", Pattern.DOTALL).matcher(read(pom));
            while (dep.find()) {
                String d = dep.group(1);
                if (!d.contains("<groupId>dev.voxpipe</groupId>")) continue;
                if (d.matches("(?s).*<scope>\\s*(test|provided)\\s*</scope>.*")) continue;
                Matcher a = Pattern.compile("<artifactId>([^<]+)</artifactId>").matcher(d);
                if (a.find() && reactor.contains(a.group(1).strip())) todo.push(a.group(1).strip());
            }
        }
        return seen;
    }

    /** Main Java sources of the given modules. */
    List<Path> mainSources(Set<String> modules) {
        List<Path> files = new ArrayList<>();
        for (String module : modules) {
            Path src = root.resolve(module).resolve("src/main/java");
            if (!Files.isDirectory(src)) continue;
            try (Stream<Path> walk = Files.walk(src)) {
                walk.filter(p -> p.toString().endsWith(".java")).forEach(files::add);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return files;
    }
}
