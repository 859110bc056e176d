package dev.voxpipe.core.worker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.voxpipe.core.blob.FileSystemBlobStore;
import dev.voxpipe.core.config.VoxConfig;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.streams.StreamsConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The worker skeleton without a broker: settings, the loop worker's health and its ordered stop. */
class WorkerSkeletonTest {

    @TempDir
    Path dir;

    private static final VoxConfig BASE = VoxConfig.of(Map.of("voxpipe.registry.url", "http://127.0.0.1:1/apis/ccompat/v7"));

    @Test
    void metricsPortIsOneSettingWithTheServicesDefault() {
        assertEquals(9102, WorkerConfig.from(BASE, "trainer-worker", 9102).metricsPort());
        assertEquals(0, WorkerConfig.from(BASE.with(WorkerConfig.METRICS_PORT, "0"), "trainer-worker", 9102).metricsPort());
        assertEquals(-1, WorkerConfig.from(BASE.with(WorkerConfig.METRICS_PORT, "-1"), "synth-worker", 9103).metricsPort());
        var notAPort = assertThrows(IllegalArgumentException.class,
                () -> WorkerConfig.from(BASE.with(WorkerConfig.METRICS_PORT, "70000"), "audiobook", 9104));
        assertTrue(notAPort.getMessage().contains("voxpipe.metrics.port"), notAPort.getMessage());
        var notANumber = assertThrows(IllegalArgumentException.class,
                () -> WorkerConfig.from(BASE.with(WorkerConfig.METRICS_PORT, "ninety"), "audiobook", 9104));
        assertTrue(notANumber.getMessage().contains("voxpipe.metrics.port"), notANumber.getMessage());
    }

    @Test
    void streamsPropertiesAreBuiltInOnePlace() {
        VoxConfig config = BASE.with("voxpipe.kafka.bootstrap", "broker:9092").with("voxpipe.topics.replication-factor", "3")
                .with("voxpipe.kafka.client.security.protocol", "SSL");
        Properties props = StreamsSettings.exactlyOnce(config, "app-1", "/tmp/state", 2, 200);
        assertEquals("broker:9092", props.get("bootstrap.servers"));
        assertEquals("SSL", props.get("security.protocol"));
        assertEquals("app-1", props.get(StreamsConfig.APPLICATION_ID_CONFIG));
        assertEquals("/tmp/state", props.get(StreamsConfig.STATE_DIR_CONFIG));
        assertEquals(StreamsConfig.EXACTLY_ONCE_V2, props.get(StreamsConfig.PROCESSING_GUARANTEE_CONFIG));
        assertEquals(2, props.get(StreamsConfig.NUM_STREAM_THREADS_CONFIG));
        assertEquals(3, props.get(StreamsConfig.REPLICATION_FACTOR_CONFIG));
        // a restarted stack must not make every Streams app wait out 45-second sessions of its previous run
        assertEquals(10_000, props.get("consumer.session.timeout.ms"));
        assertFalse(StreamsSettings.base(config, "views", "/tmp/v").containsKey(StreamsConfig.PROCESSING_GUARANTEE_CONFIG));
        // changelogs take records as large as the producer may send (16 MiB), not the broker's 1 MiB default
        assertEquals("16777216", props.get(StreamsConfig.topicPrefix("max.message.bytes")));
        assertEquals(16 * 1024 * 1024, props.get(StreamsConfig.producerPrefix("max.request.size")));
        Properties bigger = StreamsSettings.base(config.with(StreamsSettings.CHANGELOG_MAX_BYTES, "33554432"), "a", "/tmp/a");
        assertEquals("33554432", bigger.get(StreamsConfig.topicPrefix("max.message.bytes")));
        // RocksDB within a budget the deployment sets next to the memory limit
        assertEquals(BoundedRocksDb.class, props.get(StreamsConfig.ROCKSDB_CONFIG_SETTER_CLASS_CONFIG));
        assertEquals(Long.toString(64L << 20), props.get(BoundedRocksDb.MEMORY_BYTES));
        assertEquals("134217728", StreamsSettings.base(config.with(BoundedRocksDb.MEMORY_BYTES, "134217728"), "b", "/tmp/b")
                .get(BoundedRocksDb.MEMORY_BYTES));
        assertThrows(IllegalArgumentException.class, () -> StreamsSettings.exactlyOnce(config, "app", "/tmp", 0, 200));
        assertThrows(IllegalArgumentException.class, () -> StreamsSettings.base(config, " ", "/tmp"));
    }

    @Test
    void staticMembershipIsOptInAndNamesTheInstance() {
        String key = StreamsConfig.mainConsumerPrefix("group.instance.id");
        assertFalse(StreamsSettings.base(BASE, "app", "/tmp").containsKey(key), "off by default: two instances on one host must not fence each other");
        VoxConfig on = BASE.with(StreamsSettings.STATIC_MEMBERSHIP, "true");
        assertEquals("feature-7", StreamsSettings.base(on.with(StreamsSettings.INSTANCE_ID, "feature-7"), "app", "/tmp").get(key));
        // without a name of its own, the host's (a container's or pod's name, stable across its restarts)
        Object hostNamed = StreamsSettings.exactlyOnce(on, "app", "/tmp", 1, 100).get(key);
        assertTrue(hostNamed instanceof String h && !h.isBlank(), String.valueOf(hostNamed));
        assertThrows(IllegalArgumentException.class, () -> StreamsSettings.base(BASE.with(StreamsSettings.STATIC_MEMBERSHIP, "maybe"), "app", "/tmp"));
    }

    @Test
    void standbyReplicasAreASetting() {
        assertEquals(0, StreamsSettings.exactlyOnce(BASE, "app", "/tmp", 1, 100).get(StreamsConfig.NUM_STANDBY_REPLICAS_CONFIG));
        assertEquals(1, StreamsSettings.exactlyOnce(BASE.with(StreamsSettings.STANDBY_REPLICAS, "1"), "app", "/tmp", 1, 100)
                .get(StreamsConfig.NUM_STANDBY_REPLICAS_CONFIG));
        assertThrows(IllegalArgumentException.class,
                () -> StreamsSettings.exactlyOnce(BASE.with(StreamsSettings.STANDBY_REPLICAS, "-1"), "app", "/tmp", 1, 100));
    }

    /** A poll loop that polls until closed, recording when it ran and stopped. */
    private static final class FakeLoop implements PollLoop {
        final CountDownLatch started = new CountDownLatch(1);
        final List<String> events;
        volatile boolean stop;
        volatile boolean polling;

        FakeLoop(List<String> events) {
            this.events = events;
        }

        @Override
        public void run() {
            polling = true;
            started.countDown();
            while (!stop) Thread.onSpinWait();
            polling = false;
            events.add("loop stopped");
        }

        @Override
        public boolean polling() {
            return polling;
        }

        @Override
        public void close() {
            events.add("loop asked to stop");
            stop = true;
        }
    }

    @Test
    void loopWorkerServesHealthAndStopsTheLoopBeforeItsResources() throws Exception {
        List<String> events = new CopyOnWriteArrayList<>();
        VoxConfig config = BASE.with(WorkerConfig.METRICS_PORT, "0");
        try (var blobs = new FileSystemBlobStore(dir);
             WorkerContext context = WorkerContext.sharingBlobs(config, "test-worker", 9999, blobs)) {
            FakeLoop loop = new FakeLoop(events);
            LoopWorker worker = LoopWorker.start(context, "test-poll", loop, Duration.ofSeconds(10),
                    () -> events.add("producer closed"), () -> events.add("views closed"));
            assertTrue(loop.started.await(10, TimeUnit.SECONDS));
            assertTrue(worker.live());
            assertTrue(worker.ready());
            int port = worker.metricsPort();
            assertTrue(port > 0, "a free port was taken: " + port);
            HttpClient http = HttpClient.newHttpClient();
            assertEquals(200, http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/health/ready")).build(),
                    HttpResponse.BodyHandlers.ofString()).statusCode());
            String scrape = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/metrics")).build(),
                    HttpResponse.BodyHandlers.ofString()).body();
            assertTrue(scrape.contains("service=\"test-worker\""), "metrics carry the service tag");

            worker.close();
            worker.awaitStopped(); // returns at once: the loop has ended
            assertFalse(worker.live());
            assertEquals(List.of("loop asked to stop", "loop stopped", "producer closed", "views closed"), events);
            worker.close(); // idempotent
            assertEquals(4, events.size());
        }
    }

    @Test
    void aLoopThatDiesIsNoLongerLiveAndEndsAwaitStopped() throws Exception {
        try (var blobs = new FileSystemBlobStore(dir);
             WorkerContext context = WorkerContext.sharingBlobs(BASE.with(WorkerConfig.METRICS_PORT, "-1"), "dying", 0, blobs)) {
            PollLoop dying = new PollLoop() {
                @Override public void run() {
                    throw new IllegalStateException("broken on purpose");
                }
                @Override public boolean polling() {
                    return false;
                }
                @Override public void close() {}
            };
            LoopWorker worker = LoopWorker.start(context, "dying-poll", dying, Duration.ofSeconds(1));
            assertEquals(-1, worker.metricsPort());
            worker.awaitStopped();
            assertFalse(worker.live());
            assertFalse(worker.ready());
            worker.close();
        }
    }

    @Test
    void contextClosesWhatItOwnsLastFirst() {
        List<String> closed = new CopyOnWriteArrayList<>();
        WorkerContext context = new WorkerContext(WorkerConfig.from(BASE, "owner", -1), null, null, null);
        context.own(() -> closed.add("blobs"));
        context.own(() -> closed.add("model"));
        context.own(() -> {
            throw new IllegalStateException("a failing close does not stop the others");
        });
        context.close();
        assertEquals(List.of("model", "blobs"), closed);
    }
}
