package dev.voxpipe.core.worker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.voxpipe.core.blob.FileSystemBlobStore;
import dev.voxpipe.core.config.VoxConfig;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The container health check sees a dead poll loop, or a Kafka Streams instance that left RUNNING/REBALANCING, while the
 * process and its HTTP server live on: the loop or the Streams instance is stopped, not the JVM, and both /health/live
 * and the images' own check script (compose/docker/healthcheck.sh, which every VoxPipe container runs) then report it
 * unhealthy.
 */
class LivenessProbeTest {

    @TempDir
    Path dir;

    /** A poll loop that polls until told to die, then throws out of run() as a bug or a fatal client error would. */
    private static final class KillableLoop implements PollLoop {
        final CountDownLatch polling = new CountDownLatch(1);
        volatile boolean killed;
        volatile boolean stop;

        @Override
        public void run() {
            polling.countDown();
            while (!stop && !killed) Thread.onSpinWait();
            if (killed) throw new IllegalStateException("poll loop killed by the test");
        }

        @Override
        public boolean polling() {
            return !killed && !stop;
        }

        @Override
        public void close() {
            stop = true;
        }
    }

    @Test
    void aKilledLoopMakesTheContainerHealthCheckFailWhileTheServerStillAnswers() throws Exception {
        VoxConfig config = VoxConfig.of(Map.of("voxpipe.registry.url", "http://127.0.0.1:1/apis/ccompat/v7",
                WorkerConfig.METRICS_PORT, "0"));
        try (var blobs = new FileSystemBlobStore(dir);
             WorkerContext context = WorkerContext.sharingBlobs(config, "probe-test", 0, blobs)) {
            KillableLoop loop = new KillableLoop();
            LoopWorker worker = LoopWorker.start(context, "probe-test-poll", loop, Duration.ofSeconds(5));
            try {
                assertTrue(loop.polling.await(10, TimeUnit.SECONDS));
                int port = worker.metricsPort();
                assertEquals(200, get(port, "/health/live"));
                assertEquals(200, get(port, "/health/ready"));
                Path script = healthcheckScript();
                assertEquals(0, runHealthcheck(script, port), "the check passes while the loop runs");

                loop.killed = true;
                worker.awaitStopped(); // the loop's thread has ended; the JVM and the metrics server have not
                assertEquals(200, get(port, "/metrics"), "the process still serves /metrics (what the old check probed)");
                assertEquals(503, get(port, "/health/live"));
                assertEquals(503, get(port, "/health/ready"));
                assertEquals(1, runHealthcheck(script, port), "the container's check fails once the loop is dead");
            } finally {
                worker.close();
            }
        }
    }

    @Test
    void aStreamsAppThatLeavesRunningMakesTheContainerHealthCheckFail() throws Exception {
        VoxConfig config = VoxConfig.of(Map.of("voxpipe.registry.url", "http://127.0.0.1:1/apis/ccompat/v7",
                "voxpipe.kafka.bootstrap", "127.0.0.1:1", WorkerConfig.METRICS_PORT, "0"));
        StreamsBuilder builder = new StreamsBuilder();
        builder.stream("probe-in").to("probe-out");
        Properties props = StreamsSettings.base(config, "probe-test-streams", dir.resolve("state").toString());
        props.put(StreamsConfig.DEFAULT_KEY_SERDE_CLASS_CONFIG, Serdes.ByteArraySerde.class);
        props.put(StreamsConfig.DEFAULT_VALUE_SERDE_CLASS_CONFIG, Serdes.ByteArraySerde.class);
        try (var blobs = new FileSystemBlobStore(dir);
             WorkerContext context = WorkerContext.sharingBlobs(config, "probe-streams", 0, blobs)) {
            StreamsWorker worker = StreamsWorker.start(context, builder.build(), props);
            try {
                int port = worker.metricsPort();
                // no broker: the instance keeps rebalancing, which is alive but not ready
                assertEquals(200, get(port, "/health/live"));
                assertEquals(503, get(port, "/health/ready"));
                assertEquals(0, runHealthcheck(healthcheckScript(), port));

                worker.streams().close(Duration.ofSeconds(10)); // the instance stops under the worker (not the JVM)
                worker.awaitStopped();
                assertEquals(200, get(port, "/metrics"));
                assertEquals(503, get(port, "/health/live"), "state " + worker.state());
                assertEquals(1, runHealthcheck(healthcheckScript(), port));
            } finally {
                worker.close();
            }
        }
    }

    private static int get(int port, String path) throws IOException, InterruptedException {
        HttpResponse<Void> response = HttpClient.newHttpClient().send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).timeout(Duration.ofSeconds(5)).build(),
                HttpResponse.BodyHandlers.discarding());
        return response.statusCode();
    }

    /** compose/docker/healthcheck.sh of this checkout (the test runs in pipeline-core/). */
    private static Path healthcheckScript() {
        for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
            Path script = p.resolve("compose/docker/healthcheck.sh");
            if (Files.isRegularFile(script)) return script;
        }
        throw new AssertionError("compose/docker/healthcheck.sh not found above " + Path.of("").toAbsolutePath());
    }

    private static int runHealthcheck(Path script, int port) throws IOException, InterruptedException {
        assumeTrue(Files.isExecutable(Path.of("/bin/bash")),
                "bash is not installed: the images' health check is a bash script (/dev/tcp), it cannot run here");
        ProcessBuilder pb = new ProcessBuilder("/bin/bash", script.toString()).redirectErrorStream(true);
        pb.environment().put("HEALTHCHECK_PORT", Integer.toString(port)); // the path is the script's default, as in the images
        pb.environment().remove("HEALTHCHECK_PATH");
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(20, TimeUnit.SECONDS), "healthcheck.sh did not finish: " + out);
        return p.exitValue();
    }
}
