package dev.voxpipe.launcher.compose;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The images' entrypoint sizes libtorch's thread pools (OpenMP, MKL, DJL's intra/inter-op threads) from the container's
 * CPU limit, as the JVM sizes its own: a 2.5-CPU limit gives 3 threads, not one per host core. Runs the real
 * compose/docker/entrypoint.sh with a stand-in `java` that prints what it was started with.
 */
class EntrypointThreadsTest {

    @TempDir
    Path dir;

    private String run(String cpuMax, Map<String, String> env) throws IOException, InterruptedException {
        assumeTrue(Files.isExecutable(Path.of("/bin/sh")), "no /bin/sh: the entrypoint is a POSIX shell script");
        Path cgroup = Files.createDirectories(dir.resolve("cgroup"));
        Files.writeString(cgroup.resolve("cpu.max"), cpuMax + "\n");
        Path bin = Files.createDirectories(dir.resolve("bin"));
        Path java = bin.resolve("java");
        Files.writeString(java, "#!/bin/sh\necho \"OMP=$OMP_NUM_THREADS MKL=$MKL_NUM_THREADS ARGS=$*\"\n");
        Files.setPosixFilePermissions(java, PosixFilePermissions.fromString("rwxr-xr-x"));
        Path entrypoint = Deployment.load().composeDir.resolve("docker/entrypoint.sh");
        ProcessBuilder pb = new ProcessBuilder("/bin/sh", entrypoint.toString()).redirectErrorStream(true);
        pb.environment().remove("OMP_NUM_THREADS");
        pb.environment().remove("MKL_NUM_THREADS");
        pb.environment().put("PATH", bin + ":/usr/bin:/bin");
        pb.environment().put("APP_MAIN_CLASS", "dev.voxpipe.Example");
        pb.environment().put("DJL_CACHE_DIR", dir.resolve("djl").toString());
        pb.environment().put("ENTRYPOINT_CGROUP_ROOT", cgroup.toString());
        pb.environment().putAll(env);
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(20, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue(), out);
        return out.strip();
    }

    @Test
    void torchThreadsFollowTheCpuLimitRoundedUp() throws Exception {
        String out = run("250000 100000", Map.of("JAVA_OPTS", "-XX:MaxRAMPercentage=40"));
        assertTrue(out.startsWith("OMP=3 MKL=3 "), out);
        assertTrue(out.contains("-Dai.djl.pytorch.num_threads=3"), out);
        assertTrue(out.contains("-Dai.djl.pytorch.num_interop_threads=1"), out);
        assertTrue(out.contains("-XX:MaxRAMPercentage=40"), out);
        assertTrue(out.endsWith("dev.voxpipe.Example"), out);
        assertTrue(run("50000 100000", Map.of()).startsWith("OMP=1 "), "half a CPU still gets one thread");
    }

    @Test
    void explicitSettingsWinAndNoLimitMeansEveryCore() throws Exception {
        String explicit = run("400000 100000", Map.of("OMP_NUM_THREADS", "2", "JAVA_OPTS", "-Dai.djl.pytorch.num_threads=1"));
        assertTrue(explicit.startsWith("OMP=2 MKL=2 "), explicit);
        assertTrue(explicit.contains("-Dai.djl.pytorch.num_threads=1") && !explicit.contains("num_threads=2"), explicit);
        String unlimited = run("max 100000", Map.of());
        int cores = Integer.parseInt(unlimited.substring("OMP=".length(), unlimited.indexOf(' ')));
        assertTrue(cores >= 1, "without a limit: one thread per core the container sees (nproc): " + unlimited);
    }
}
