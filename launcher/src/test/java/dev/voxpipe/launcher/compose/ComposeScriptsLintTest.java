package dev.voxpipe.launcher.compose;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The shell scripts the images run (entrypoint, health check, libtorch fetch), and those that build and run the local
 * deployment (compose/podman, compose/test-run.sh), pass ShellCheck.
 * ShellCheck is Debian's {@code shellcheck} package; without it the test fails and says so.
 */
class ComposeScriptsLintTest {

    @Test
    void imageScriptsPassShellcheck() throws Exception {
        Deployment deployment = Deployment.load();
        List<String> scripts = new ArrayList<>();
        try (Stream<Path> files = Files.list(deployment.composeDir.resolve("docker"))) {
            files.filter(p -> p.toString().endsWith(".sh")).map(Path::toString).sorted().forEach(scripts::add);
        }
        // the local deployment's build and run scripts, and the scripts its images run
        try (Stream<Path> files = Files.walk(deployment.composeDir.resolve("podman"))) {
            files.filter(p -> p.toString().endsWith(".sh")).map(Path::toString).sorted().forEach(scripts::add);
        }
        scripts.add(deployment.composeDir.resolve("test-run.sh").toString());
        scripts.add(deployment.composeDir.resolve("pin-image-digests.sh").toString());
        assertFalse(scripts.isEmpty(), "no scripts under compose/docker");
        List<String> command = new ArrayList<>(List.of("shellcheck", "--severity=warning"));
        command.addAll(scripts);
        Process p;
        try {
            p = new ProcessBuilder(command).redirectErrorStream(true).start();
        } catch (IOException e) {
            fail("shellcheck is not installed: `apt-get install shellcheck` (Debian; .ci/run installs it)");
            return;
        }
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            fail("shellcheck did not finish within 60 s");
        }
        assertEquals(0, p.exitValue(), "shellcheck findings:\n" + out);
    }
}
