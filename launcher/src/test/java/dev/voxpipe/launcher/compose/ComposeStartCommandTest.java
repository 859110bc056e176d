package dev.voxpipe.launcher.compose;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Every image's start command names a module and a main class that exist: the build argument
 * MODULE is a module of the reactor, MAIN_CLASS is on that module's runtime classpath (its source
 * lives in the module or in a VoxPipe module it depends on) and has {@code public static void
 * main(String[])}; the Dockerfile really starts MAIN_CLASS; any class named anywhere else in the
 * deployment files exists too.
 */
class ComposeStartCommandTest {

    private static final Deployment DEPLOYMENT = Deployment.load();
    private static final Pattern CLASS_NAME = Pattern.compile("\\bdev\\.voxpipe(?:\\.[a-z][a-z0-9_]*)+\\.[A-Z][A-Za-z0-9_]*\\b");

    @Test
    void everyBuiltServiceNamesModuleAndMainClass() {
        List<Deployment.Service> built = DEPLOYMENT.builtServices();
        assertTrue(built.size() >= 7, "expected at least 7 built services in docker-compose.yml, found " + built.stream().map(Deployment.Service::name).toList());
        for (Deployment.Service s : built) {
            assertTrue(s.buildArgs().containsKey("MODULE"), s.name() + ": build.args.MODULE missing");
            assertTrue(s.buildArgs().containsKey("MAIN_CLASS"), s.name() + ": build.args.MAIN_CLASS missing");
            assertTrue(Set.of("cpu", "gpu").contains(s.buildTarget()), s.name() + ": build.target must be cpu or gpu, is " + s.buildTarget());
        }
    }

    @Test
    void modulesExistInTheReactor() {
        Set<String> reactor = DEPLOYMENT.reactorModules();
        List<String> problems = new ArrayList<>();
        for (Deployment.Service s : DEPLOYMENT.builtServices()) {
            String module = s.buildArgs().get("MODULE");
            if (!Files.isRegularFile(DEPLOYMENT.root.resolve(module).resolve("pom.xml"))) {
                problems.add(s.name() + ": module directory " + module + "/ (with pom.xml) does not exist");
            } else if (!reactor.contains(module)) {
                problems.add(s.name() + ": module " + module + " is not a <module> of the root pom (mvn -pl would fail)");
            }
        }
        assertEquals(List.of(), problems);
    }

    @Test
    void mainClassesExistWithMainMethodInTheirModule() {
        List<String> problems = new ArrayList<>();
        for (Deployment.Service s : DEPLOYMENT.builtServices()) {
            String module = s.buildArgs().get("MODULE");
            String mainClass = s.buildArgs().get("MAIN_CLASS");
            checkMainClass(s.name(), mainClass, module, problems);
        }
        assertEquals(List.of(), problems, "start commands name classes that cannot start");
    }

    @Test
    void classesNamedAnywhereInTheDeploymentExist() throws Exception {
        Set<String> named = new TreeSet<>();
        for (Path file : deploymentFiles()) {
            Matcher m = CLASS_NAME.matcher(Deployment.read(file));
            while (m.find()) named.add(m.group());
        }
        assertFalse(named.isEmpty(), "no main class found in the deployment files");
        List<String> problems = new ArrayList<>();
        for (String name : named) checkMainClass("compose/ files", name, null, problems);
        assertEquals(List.of(), problems);
    }

    @Test
    void dockerfileStartsTheMainClassOfItsBuildArgument() {
        String dockerfile = Deployment.read(DEPLOYMENT.dockerfile);
        String entrypoint = Deployment.read(DEPLOYMENT.composeDir.resolve("docker/entrypoint.sh"));
        for (String target : List.of("cpu", "gpu")) {
            String stage = stage(dockerfile, target);
            assertTrue(stage.contains("ARG MAIN_CLASS"), "stage " + target + " must declare ARG MAIN_CLASS");
            assertTrue(stage.contains("APP_MAIN_CLASS=${MAIN_CLASS}"), "stage " + target + " must set APP_MAIN_CLASS from MAIN_CLASS");
            assertTrue(stage.contains("ENTRYPOINT [\"/usr/local/bin/voxpipe-entrypoint\"]"), "stage " + target + " must start through the entrypoint");
            assertTrue(stage.contains("COPY --chmod=0755 compose/docker/entrypoint.sh /usr/local/bin/voxpipe-entrypoint"),
                    "stage " + target + " must carry compose/docker/entrypoint.sh");
            assertTrue(stage.contains("USER 10001"), "stage " + target + " must run as the non-root user");
            assertTrue(stage.contains("HEALTHCHECK"), "stage " + target + " needs a health check");
        }
        assertTrue(dockerfile.contains("-pl \"${MODULE}\""), "the build stage must build the MODULE argument");
        assertTrue(entrypoint.matches("(?s).*\\bexec java .*\"\\$\\{APP_MAIN_CLASS}\".*"), "entrypoint.sh must exec java with ${APP_MAIN_CLASS}");
        assertTrue(entrypoint.contains("-Dai.djl.offline=true"), "DJL must run offline: the natives are in the image");
    }

    private static String stage(String dockerfile, String target) {
        Matcher m = Pattern.compile("(?m)^FROM \\S+ AS " + Pattern.quote(target) + "\\s*$").matcher(dockerfile);
        if (!m.find()) fail("Dockerfile has no stage '" + target + "'");
        Matcher next = Pattern.compile("(?m)^FROM ").matcher(dockerfile);
        int end = next.find(m.end()) ? next.start() : dockerfile.length();
        return dockerfile.substring(m.start(), end);
    }

    private static List<Path> deploymentFiles() throws Exception {
        List<Path> files = new ArrayList<>();
        try (var walk = Files.walk(DEPLOYMENT.composeDir)) {
            walk.filter(Files::isRegularFile)
                    .filter(p -> !p.getFileName().toString().endsWith(".md") && !p.getFileName().toString().endsWith(".json"))
                    .forEach(files::add);
        }
        return files;
    }

    /** Records a problem unless {@code className} can start: loadable, public static void main(String[]), in the module. */
    private static void checkMainClass(String where, String className, String module, List<String> problems) {
        if (className == null || className.isBlank()) {
            problems.add(where + ": no main class");
            return;
        }
        String sourcePath = "src/main/java/" + className.replace('.', '/') + ".java";
        if (module != null) {
            Set<String> closure = DEPLOYMENT.runtimeModuleClosure(module);
            boolean inClosure = closure.stream().anyMatch(m -> Files.isRegularFile(DEPLOYMENT.root.resolve(m).resolve(sourcePath)));
            if (!inClosure) {
                problems.add(where + ": " + className + " has no source in module " + module
                        + " or the modules it needs at run time " + closure + " (expected " + module + "/" + sourcePath + ")");
                return;
            }
        }
        Class<?> cls;
        try {
            cls = Class.forName(className, false, ComposeStartCommandTest.class.getClassLoader());
        } catch (ClassNotFoundException | LinkageError e) {
            problems.add(where + ": class " + className + " does not load (" + e + "): it does not exist, or the launcher "
                    + "does not depend on the module it is in (the launcher must depend on every module an image is built from)");
            return;
        }
        try {
            Method main = cls.getMethod("main", String[].class);
            int mod = main.getModifiers();
            if (!Modifier.isStatic(mod) || !Modifier.isPublic(mod) || main.getReturnType() != void.class) {
                problems.add(where + ": " + className + ".main(String[]) must be public static void");
            }
        } catch (NoSuchMethodException e) {
            problems.add(where + ": " + className + " has no public main(String[])");
        }
    }
}
