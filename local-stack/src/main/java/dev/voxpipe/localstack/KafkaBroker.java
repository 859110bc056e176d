package dev.voxpipe.localstack;

import java.io.IOException;
import java.io.InputStream;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.Uuid;

/**
 * A single-node KRaft broker (broker and controller in one process) from the kafka_2.13
 * artifact, run as a child JVM: {@code kafka.tools.StorageTool format} once, then
 * {@code kafka.Kafka}. Set up for one node: replication factors and min ISR of 1, so
 * transactions ({@code exactly_once_v2}) work.
 */
final class KafkaBroker implements AutoCloseable {

    private final ChildJvm process;
    private final String bootstrap;

    private KafkaBroker(ChildJvm process, String bootstrap) {
        this.process = process;
        this.bootstrap = bootstrap;
    }

    String bootstrapServers() {
        return bootstrap;
    }

    ChildJvm process() {
        return process;
    }

    static KafkaBroker start(Path dataDir, int port, int controllerPort) throws IOException, InterruptedException {
        String classpath = BuildInfo.get("kafka.classpath");
        if (classpath == null) {
            throw new IllegalStateException("the broker classpath was not recorded at build time; "
                    + "build the project with Maven (./voxpipe build) first");
        }
        Path kafkaDir = Files.createDirectories(dataDir.resolve("kafka"));
        Path logDir = kafkaDir.resolve("data");
        Path config = kafkaDir.resolve("server.properties");
        writeServerProperties(config, logDir, port, controllerPort);
        Path logback = kafkaDir.resolve("logback.xml");
        try (InputStream in = KafkaBroker.class.getResourceAsStream("/voxpipe-broker-logback.xml")) {
            Files.copy(in, logback, StandardCopyOption.REPLACE_EXISTING);
        }
        List<String> jvm = List.of("-Xms128m", "-Xmx512m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
                "-Dlogback.configurationFile=" + logback.toAbsolutePath(), "-cp", classpath);
        Path log = kafkaDir.resolve("broker.log");
        if (!Files.exists(logDir.resolve("meta.properties"))) {
            ChildJvm.runToCompletion("kafka-storage-format", jvm,
                    List.of("kafka.tools.StorageTool", "format", "--ignore-formatted",
                            "-t", Uuid.randomUuid().toString(), "-c", config.toAbsolutePath().toString()),
                    kafkaDir, kafkaDir.resolve("format.log"), Duration.ofSeconds(60));
        }
        ChildJvm child = ChildJvm.start("kafka", jvm, List.of("kafka.Kafka", config.toAbsolutePath().toString()),
                kafkaDir, log);
        return new KafkaBroker(child, "127.0.0.1:" + port);
    }

    private static void writeServerProperties(Path file, Path logDir, int port, int controllerPort) throws IOException {
        Properties p = new Properties();
        p.put("process.roles", "broker,controller");
        p.put("node.id", "1");
        p.put("controller.quorum.voters", "1@127.0.0.1:" + controllerPort);
        p.put("listeners", "PLAINTEXT://127.0.0.1:" + port + ",CONTROLLER://127.0.0.1:" + controllerPort);
        p.put("advertised.listeners", "PLAINTEXT://127.0.0.1:" + port);
        p.put("controller.listener.names", "CONTROLLER");
        p.put("inter.broker.listener.name", "PLAINTEXT");
        p.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
        p.put("log.dirs", logDir.toAbsolutePath().toString());
        p.put("num.partitions", "1");
        p.put("auto.create.topics.enable", "false");
        p.put("offsets.topic.replication.factor", "1");
        p.put("offsets.topic.num.partitions", "8");
        p.put("transaction.state.log.replication.factor", "1");
        p.put("transaction.state.log.min.isr", "1");
        p.put("transaction.state.log.num.partitions", "8");
        p.put("share.coordinator.state.topic.replication.factor", "1");
        p.put("share.coordinator.state.topic.min.isr", "1");
        p.put("group.initial.rebalance.delay.ms", "0");
        // On a busy 2-core machine a heartbeat can be late, and a fenced single broker refuses all writes: hence a session
        // longer than Kafka's 9 s, with heartbeats every second. But a broker restarted after a crash cannot register
        // until its previous incarnation's session has run out (the controller, active again, gives the old one a full
        // session), so the session is also how long a crashed broker stays away: 30 s had it refuse writes for 36 s
        // after kill -9 (bench/recovery). VOXPIPE_KAFKA_BROKER_SESSION_TIMEOUT_MS overrides.
        p.put("broker.session.timeout.ms", setting("voxpipe.kafka.broker-session-timeout-ms", "15000"));
        p.put("broker.heartbeat.interval.ms", "1000");
        p.put("message.max.bytes", Integer.toString(17 * 1024 * 1024));
        p.put("log.segment.bytes", Integer.toString(64 * 1024 * 1024));
        p.put("num.network.threads", "2");
        p.put("num.io.threads", "4");
        try (Writer out = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
            p.store(out, "written by the VoxPipe local stack; edits are overwritten at start");
        }
    }

    private static String setting(String key, String defaultValue) {
        String value = System.getProperty(key);
        if (value == null) value = System.getenv(LocalStackConfig.envName(key));
        return value == null || value.isBlank() ? defaultValue : value.trim();
    }

    /** Waits until the broker answers a metadata request, or its process dies. */
    void awaitReady(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        Map<String, Object> config = Map.of(
                AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 2000,
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 3000,
                AdminClientConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG, 200);
        // Wait for the listener first: an admin client polling a closed port only logs warnings.
        int port = Integer.parseInt(bootstrap.substring(bootstrap.lastIndexOf(':') + 1));
        while (!Ports.isListening(port)) {
            if (!process.isAlive()) {
                throw new IllegalStateException("the Kafka broker exited during start-up; log "
                        + process.logFile() + ":\n" + process.tail(30));
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("the Kafka broker did not listen on " + bootstrap + " within "
                        + timeout + "; log " + process.logFile() + ":\n" + process.tail(30));
            }
            Thread.sleep(50);
        }
        try (Admin admin = Admin.create(config)) {
            while (true) {
                if (!process.isAlive()) {
                    throw new IllegalStateException("the Kafka broker exited during start-up; log "
                            + process.logFile() + ":\n" + process.tail(30));
                }
                try {
                    if (!admin.describeCluster().nodes().get(3, TimeUnit.SECONDS).isEmpty()) return;
                } catch (Exception notYet) {
                    // keep trying until the deadline
                }
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("the Kafka broker at " + bootstrap + " was not ready within "
                            + timeout + "; log " + process.logFile() + ":\n" + process.tail(30));
                }
                Thread.sleep(100);
            }
        }
    }

    @Override
    public void close() {
        process.close();
    }
}
