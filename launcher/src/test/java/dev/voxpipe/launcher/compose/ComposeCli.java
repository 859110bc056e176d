package dev.voxpipe.launcher.compose;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Runs the Docker Compose client: the v2 plugin ({@code docker compose}) when the docker CLI has
 * it, otherwise the standalone {@code docker-compose} (Debian's package). No Docker engine is
 * needed for {@code config}. When neither is installed the tests fail and say what to install,
 * rather than passing without having checked anything.
 */
final class ComposeCli {

    record Result(int exitCode, String stdout, String stderr) {}

    private static List<String> command;

    private ComposeCli() {}

    static synchronized List<String> command() {
        if (command != null) return command;
        if (answers(List.of("docker", "compose", "version"))) {
            command = List.of("docker", "compose");
        } else if (answers(List.of("docker-compose", "version"))) {
            command = List.of("docker-compose");
        } else {
            fail("No Docker Compose client found: neither `docker compose` (the Compose v2 plugin of the docker CLI) "
                    + "nor `docker-compose` answers. Install one, e.g. `apt-get install docker-compose` on Debian "
                    + "(.ci/run does this); no Docker engine is needed to validate the compose file.");
        }
        return command;
    }

    /** {@code <compose> -f <file> [--env-file <env>] [--profile p]... config}, in the repository root. */
    static Result config(Deployment deployment, Path envFile, List<String> profiles) {
        List<String> args = new ArrayList<>(command());
        args.addAll(List.of("-f", deployment.composeFile.toString()));
        if (envFile != null) args.addAll(List.of("--env-file", envFile.toString()));
        for (String p : profiles) args.addAll(List.of("--profile", p));
        args.add("config");
        String file = Deployment.read(deployment.composeFile);
        // required secrets get test values; every other variable is unset, so the file's defaults show
        Map<String, String> secrets = new java.util.HashMap<>();
        for (String name : Deployment.requiredVariables(file)) secrets.put(name, "test-only-" + name.toLowerCase(java.util.Locale.ROOT));
        return run(args, deployment.root, Deployment.interpolatedVariables(file), secrets);
    }

    /** The local deployment's configuration: the production file, docker-compose.local.yml and podman/local.env, profile cpu. */
    static Result configLocal(Deployment deployment) {
        List<String> args = new ArrayList<>(command());
        args.addAll(List.of("-f", deployment.composeFile.toString(),
                "-f", deployment.composeDir.resolve("docker-compose.local.yml").toString(),
                "--env-file", deployment.composeDir.resolve("podman/local.env").toString(), "--profile", "cpu", "config"));
        String file = Deployment.read(deployment.composeFile);
        Map<String, String> secrets = new java.util.HashMap<>();
        for (String name : Deployment.requiredVariables(file)) secrets.put(name, "test-only-" + name.toLowerCase(java.util.Locale.ROOT));
        return run(args, deployment.root, Deployment.interpolatedVariables(file), secrets);
    }

    /** {@code config} with no value for the required variables: compose must refuse it. */
    static Result configWithoutSecrets(Deployment deployment) {
        List<String> args = new ArrayList<>(command());
        args.addAll(List.of("-f", deployment.composeFile.toString(), "config"));
        return run(args, deployment.root, Deployment.interpolatedVariables(Deployment.read(deployment.composeFile)), Map.of());
    }

    private static boolean answers(List<String> args) {
        try {
            return run(args, Path.of("").toAbsolutePath(), java.util.Set.of(), Map.of()).exitCode() == 0;
        } catch (UncheckedIOException e) {
            return false; // not installed
        }
    }

    private static Result run(List<String> args, Path dir, java.util.Set<String> unset, Map<String, String> set) {
        ProcessBuilder pb = new ProcessBuilder(args).directory(dir.toFile());
        // Interpolation must see the files' defaults, not whatever the CI environment happens to set.
        Map<String, String> env = pb.environment();
        env.keySet().removeIf(k -> unset.contains(k) || k.startsWith("COMPOSE_"));
        env.putAll(set);
        try {
            Process p = pb.start();
            p.getOutputStream().close();
            // Read both streams concurrently so a full pipe never blocks the child.
            var out = new java.util.concurrent.CompletableFuture<String>();
            Thread reader = Thread.ofVirtual().start(() -> {
                try {
                    out.complete(new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
                } catch (IOException e) {
                    out.completeExceptionally(e);
                }
            });
            String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(120, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                fail(String.join(" ", args) + " did not finish within 120 s");
            }
            reader.join();
            return new Result(p.exitValue(), out.join(), err);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run " + String.join(" ", args), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
