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

    /** The SASL mechanisms the SCRAM listeners accept. */
    static final String SCRAM_MECHANISMS = "SCRAM-SHA-256,SCRAM-SHA-512";

    private final ChildJvm process;
    private final String bootstrap;
    private final SaslListeners sasl;

    private KafkaBroker(ChildJvm process, String bootstrap, SaslListeners sasl) {
        this.process = process;
        this.bootstrap = bootstrap;
        this.sasl = sasl;
    }

    /**
     * Optional listeners that authenticate clients: {@code plaintextPort} for SASL_PLAINTEXT and
     * {@code sslPort} for SASL_SSL, both SCRAM (users are added at run time through the PLAINTEXT listener,
     * {@link LocalStack#addScramUser}); {@code mtlsPort} for SSL with {@code ssl.client.auth=required}
     * (mutual TLS: a client must present a certificate the broker trusts, here {@code certPem} itself).
     * The TLS listeners use {@code keyAndCertPem} as the broker's PEM key store. A port of -1 means no
     * such listener.
     */
    record SaslListeners(int plaintextPort, int sslPort, int mtlsPort, Path keyAndCertPem, Path certPem) {
        static final SaslListeners NONE = new SaslListeners(-1, -1, -1, null, null);

        SaslListeners {
            if ((sslPort > 0 || mtlsPort > 0) && (keyAndCertPem == null || certPem == null)) {
                throw new IllegalArgumentException("a TLS listener needs a key and certificate");
            }
        }
    }

    SaslListeners sasl() {
        return sasl;
    }

    String bootstrapServers() {
        return bootstrap;
    }

    ChildJvm process() {
        return process;
    }

    static KafkaBroker start(Path dataDir, int port, int controllerPort, SaslListeners sasl) throws IOException, InterruptedException {
        String classpath = BuildInfo.get("kafka.classpath");
        if (classpath == null) {
            throw new IllegalStateException("the broker classpath was not recorded at build time; "
                    + "build the project with Maven (./voxpipe build) first");
        }
        Path kafkaDir = Files.createDirectories(dataDir.resolve("kafka"));
        Path logDir = kafkaDir.resolve("data");
        Path config = kafkaDir.resolve("server.properties");
        writeServerProperties(config, logDir, port, controllerPort, sasl);
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
        return new KafkaBroker(child, "127.0.0.1:" + port, sasl);
    }

    private static void writeServerProperties(Path file, Path logDir, int port, int controllerPort, SaslListeners sasl)
            throws IOException {
        Properties p = new Properties();
        p.put("process.roles", "broker,controller");
        p.put("node.id", "1");
        p.put("controller.quorum.voters", "1@127.0.0.1:" + controllerPort);
        StringBuilder listeners = new StringBuilder("PLAINTEXT://127.0.0.1:" + port + ",CONTROLLER://127.0.0.1:" + controllerPort);
        StringBuilder advertised = new StringBuilder("PLAINTEXT://127.0.0.1:" + port);
        StringBuilder protocols = new StringBuilder("PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
        for (String listener : new String[] {"SASL_PLAINTEXT", "SASL_SSL", "SSL"}) {
            int saslPort = switch (listener) {
                case "SASL_SSL" -> sasl.sslPort();
                case "SSL" -> sasl.mtlsPort();
                default -> sasl.plaintextPort();
            };
            if (saslPort <= 0) continue;
            listeners.append(',').append(listener).append("://127.0.0.1:").append(saslPort);
            advertised.append(',').append(listener).append("://127.0.0.1:").append(saslPort);
            protocols.append(',').append(listener).append(':').append(listener);
            String prefix = "listener.name." + listener.toLowerCase(java.util.Locale.ROOT) + ".";
            if (listener.equals("SSL")) { // mutual TLS: no SASL, the client's certificate is its identity
                p.put(prefix + "ssl.client.auth", "required");
                p.put(prefix + "ssl.keystore.type", "PEM");
                p.put(prefix + "ssl.keystore.location", sasl.keyAndCertPem().toAbsolutePath().toString());
                p.put(prefix + "ssl.truststore.type", "PEM");
                p.put(prefix + "ssl.truststore.location", sasl.certPem().toAbsolutePath().toString());
                continue;
            }
            for (String mechanism : SCRAM_MECHANISMS.split(",")) {
                p.put(prefix + mechanism.toLowerCase(java.util.Locale.ROOT) + ".sasl.jaas.config",
                        "org.apache.kafka.common.security.scram.ScramLoginModule required;");
            }
            p.put(prefix + "sasl.enabled.mechanisms", SCRAM_MECHANISMS);
            if (listener.equals("SASL_SSL")) {
                p.put(prefix + "ssl.keystore.type", "PEM");
                p.put(prefix + "ssl.keystore.location", sasl.keyAndCertPem().toAbsolutePath().toString());
            }
        }
        p.put("listeners", listeners.toString());
        p.put("advertised.listeners", advertised.toString());
        p.put("controller.listener.names", "CONTROLLER");
        p.put("inter.broker.listener.name", "PLAINTEXT");
        p.put("listener.security.protocol.map", protocols.toString());
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
