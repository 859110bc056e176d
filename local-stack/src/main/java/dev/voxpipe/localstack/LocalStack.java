package dev.voxpipe.localstack;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The embedded default: one KRaft Kafka broker and Apicurio Registry on 127.0.0.1, data under a
 * directory of your choice. Both start in parallel; {@link #start} returns once both answer.
 * Ports that are taken make it refuse with a message that says which and what to do.
 */
public final class LocalStack implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(LocalStack.class);

    private volatile KafkaBroker kafka;
    private final ApicurioRegistry registry;
    private final Path dataDir;
    private final Duration startupTime;
    private final int kafkaPort;
    private final int controllerPort;
    private final Duration startTimeout;

    private final SelfSignedCert brokerCert;

    private LocalStack(KafkaBroker kafka, ApicurioRegistry registry, Path dataDir, Duration startupTime,
                       SelfSignedCert brokerCert, int kafkaPort, int controllerPort, Duration startTimeout) {
        this.kafka = kafka;
        this.registry = registry;
        this.dataDir = dataDir;
        this.startupTime = startupTime;
        this.brokerCert = brokerCert;
        this.kafkaPort = kafkaPort;
        this.controllerPort = controllerPort;
        this.startTimeout = startTimeout;
    }

    public static LocalStack start(LocalStackConfig config) throws IOException, InterruptedException {
        long started = System.nanoTime();
        // every port this stack uses, so that no two picked ones coincide
        java.util.Set<Integer> taken = new java.util.HashSet<>();
        for (int configured : new int[]{config.kafkaPort(), config.controllerPort(), config.registryPort(),
                config.registryManagementPort(), config.scramPort(), config.scramSslPort(), config.mtlsPort()}) {
            if (configured > 0) taken.add(configured);
        }
        int kafkaPort = port(config.kafkaPort(), "the Kafka broker", "VOXPIPE_KAFKA_PORT", taken);
        int controllerPort = port(config.controllerPort(), "the KRaft controller", "VOXPIPE_KAFKA_CONTROLLER_PORT", taken);
        int registryPort = port(config.registryPort(), "the schema registry", "VOXPIPE_REGISTRY_PORT", taken);
        int managementPort = port(config.registryManagementPort(), "the registry's health endpoint",
                "VOXPIPE_REGISTRY_MANAGEMENT_PORT", taken);
        Path dataDir = Files.createDirectories(config.dataDir()).toAbsolutePath();
        int scramPort = config.scramPort() < 0 ? -1 : port(config.scramPort(), "the Kafka SASL_PLAINTEXT listener", "VOXPIPE_KAFKA_SCRAM_PORT", taken);
        int scramSslPort = config.scramSslPort() < 0 ? -1 : port(config.scramSslPort(), "the Kafka SASL_SSL listener", "VOXPIPE_KAFKA_SCRAM_SSL_PORT", taken);
        int mtlsPort = config.mtlsPort() < 0 ? -1 : port(config.mtlsPort(), "the Kafka mutual-TLS listener", "VOXPIPE_KAFKA_MTLS_PORT", taken);
        SelfSignedCert brokerCert = scramSslPort < 0 && mtlsPort < 0 ? null : SelfSignedCert.create(dataDir.resolve("kafka-tls"));
        KafkaBroker.SaslListeners sasl = new KafkaBroker.SaslListeners(scramPort, scramSslPort, mtlsPort,
                brokerCert == null ? null : brokerCert.keyAndCertPem(), brokerCert == null ? null : brokerCert.certPem());

        CompletableFuture<ApicurioRegistry> registryFuture = CompletableFuture.supplyAsync(() -> {
            try {
                ApicurioRegistry r = ApicurioRegistry.start(dataDir, registryPort, managementPort, java.util.Map.of());
                try {
                    r.awaitReady(config.startTimeout());
                } catch (RuntimeException | InterruptedException e) {
                    r.close();
                    throw e;
                }
                return r;
            } catch (IOException | InterruptedException e) {
                throw new CompletionException(e);
            }
        });
        KafkaBroker kafka = null;
        try {
            kafka = KafkaBroker.start(dataDir, kafkaPort, controllerPort, sasl);
            kafka.awaitReady(config.startTimeout());
            ApicurioRegistry registry = registryFuture.join();
            Duration took = Duration.ofNanos(System.nanoTime() - started);
            LocalStack stack = new LocalStack(kafka, registry, dataDir, took, brokerCert, kafkaPort, controllerPort,
                    config.startTimeout());
            log.info("local stack ready in {} ms: kafka {} registry {} data {}", took.toMillis(),
                    stack.bootstrapServers(), stack.registryUrl(), dataDir);
            return stack;
        } catch (RuntimeException | IOException | InterruptedException e) {
            if (kafka != null) kafka.close();
            registryFuture.thenAccept(ApicurioRegistry::close);
            if (e instanceof CompletionException ce && ce.getCause() instanceof IOException io) throw io;
            if (e instanceof CompletionException ce && ce.getCause() instanceof RuntimeException re) throw re;
            throw e;
        }
    }

    private static int port(int configured, String purpose, String setting, java.util.Set<Integer> taken) {
        if (configured == 0) return Ports.pickFree(taken);
        Ports.requireFree(configured, purpose, setting);
        return configured;
    }

    public String bootstrapServers() {
        return kafka.bootstrapServers();
    }

    /** The SASL_PLAINTEXT (SCRAM) listener, e.g. {@code 127.0.0.1:40123}; fails when the stack has none. */
    public String scramBootstrapServers() {
        if (kafka.sasl().plaintextPort() <= 0) throw new IllegalStateException("this stack has no SASL_PLAINTEXT listener");
        return "127.0.0.1:" + kafka.sasl().plaintextPort();
    }

    /** The SASL_SSL (SCRAM over TLS) listener; its certificate is {@link #brokerCertificatePem()}. */
    public String scramSslBootstrapServers() {
        if (kafka.sasl().sslPort() <= 0) throw new IllegalStateException("this stack has no SASL_SSL listener");
        return "127.0.0.1:" + kafka.sasl().sslPort();
    }

    /** The broker's self-signed TLS certificate (PEM), the trust store of SASL_SSL and mutual-TLS clients. */
    public Path brokerCertificatePem() {
        if (brokerCert == null) throw new IllegalStateException("this stack has no TLS listener");
        return brokerCert.certPem();
    }

    /** The mutual-TLS listener (SSL, client certificate required). */
    public String mtlsBootstrapServers() {
        if (kafka.sasl().mtlsPort() <= 0) throw new IllegalStateException("this stack has no mutual-TLS listener");
        return "127.0.0.1:" + kafka.sasl().mtlsPort();
    }

    /**
     * A client key and certificate (PEM, key first) the mutual-TLS listener accepts: the broker trusts
     * exactly its own self-signed certificate, so the throwaway pair doubles as the client's.
     */
    public Path trustedClientKeyAndCertPem() {
        if (brokerCert == null) throw new IllegalStateException("this stack has no TLS listener");
        return brokerCert.keyAndCertPem();
    }

    /**
     * Creates (or replaces) a SCRAM user for both mechanisms through the PLAINTEXT listener, and waits
     * until the SASL listener accepts it (the credential reaches the broker through the metadata log).
     */
    public void addScramUser(String user, String password) throws InterruptedException {
        java.util.List<org.apache.kafka.clients.admin.UserScramCredentialAlteration> upserts = new java.util.ArrayList<>();
        for (org.apache.kafka.clients.admin.ScramMechanism mechanism : java.util.List.of(
                org.apache.kafka.clients.admin.ScramMechanism.SCRAM_SHA_256, org.apache.kafka.clients.admin.ScramMechanism.SCRAM_SHA_512)) {
            upserts.add(new org.apache.kafka.clients.admin.UserScramCredentialUpsertion(user,
                    new org.apache.kafka.clients.admin.ScramCredentialInfo(mechanism, 8192), password));
        }
        try (org.apache.kafka.clients.admin.Admin admin = org.apache.kafka.clients.admin.Admin.create(
                java.util.Map.of("bootstrap.servers", bootstrapServers()))) {
            for (var upsert : upserts) { // one alteration of a user per request
                admin.alterUserScramCredentials(java.util.List.of(upsert)).all().get(30, java.util.concurrent.TimeUnit.SECONDS);
            }
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
            throw new IllegalStateException("cannot create the SCRAM user " + user + ": " + e.getMessage(), e);
        }
        if (kafka.sasl().plaintextPort() <= 0) return;
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        java.util.Map<String, Object> client = java.util.Map.of(
                "bootstrap.servers", scramBootstrapServers(), "security.protocol", "SASL_PLAINTEXT",
                "sasl.mechanism", "SCRAM-SHA-512", "default.api.timeout.ms", 5000, "request.timeout.ms", 4000,
                "sasl.jaas.config", "org.apache.kafka.common.security.scram.ScramLoginModule required username=\""
                        + jaasEscape(user) + "\" password=\"" + jaasEscape(password) + "\";");
        while (true) {
            try (org.apache.kafka.clients.admin.Admin admin = org.apache.kafka.clients.admin.Admin.create(client)) {
                admin.describeCluster().nodes().get(5, java.util.concurrent.TimeUnit.SECONDS);
                return;
            } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException notYet) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("the SCRAM user " + user + " was not accepted within 30 s: " + notYet.getMessage(), notYet);
                }
                Thread.sleep(200);
            }
        }
    }

    private static String jaasEscape(String value) {
        return value.replace("\\", "\\\\").replace("\"", "\\\"");
    }

    /**
     * An Apicurio Registry of its own (not the stack's) that requires HTTP basic authentication of
     * every {@code /apis} call, with the given users and passwords: Quarkus's basic mechanism and
     * embedded users, which the Apicurio distribution carries. For tests of registry clients.
     */
    public static SecuredRegistry startSecuredRegistry(Path dataDir, java.util.Map<String, String> users, Duration timeout)
            throws IOException, InterruptedException {
        if (users.isEmpty()) throw new IllegalArgumentException("a secured registry needs at least one user");
        java.util.Set<Integer> taken = new java.util.HashSet<>();
        int registryPort = Ports.pickFree(taken);
        int managementPort = Ports.pickFree(taken);
        ApicurioRegistry r = ApicurioRegistry.start(Files.createDirectories(dataDir).toAbsolutePath(),
                registryPort, managementPort, users);
        try {
            r.awaitReady(timeout);
        } catch (RuntimeException | InterruptedException e) {
            r.close();
            throw e;
        }
        return new SecuredRegistry(r);
    }

    /** A running registry that checks basic authentication; see {@link #startSecuredRegistry}. */
    public static final class SecuredRegistry implements AutoCloseable {
        private final ApicurioRegistry registry;

        private SecuredRegistry(ApicurioRegistry registry) {
            this.registry = registry;
        }

        /** The Confluent-compatible API root. */
        public String registryUrl() {
            return registry.confluentApiUrl();
        }

        @Override
        public void close() {
            registry.close();
        }
    }

    /** The Confluent-compatible API root, e.g. {@code http://127.0.0.1:8081/apis/ccompat/v7}. */
    public String registryUrl() {
        return registry.confluentApiUrl();
    }

    public Path dataDir() {
        return dataDir;
    }

    public Duration startupTime() {
        return startupTime;
    }

    /** Resident memory of the broker and registry processes in MiB (-1 where unknown). */
    public long residentMemoryMib() {
        long kafkaKib = kafka.process().residentKib();
        long registryKib = registry.process().residentKib();
        if (kafkaKib < 0 || registryKib < 0) return -1;
        return (kafkaKib + registryKib) / 1024;
    }

    /**
     * A broker crash (for the recovery bench and fault tests): SIGKILL, so no controlled shutdown and nothing flushed;
     * the log directory is left as the crash left it.
     */
    public synchronized void killBroker() throws InterruptedException {
        kafka.process().kill();
        log.info("broker killed (SIGKILL)");
    }

    /**
     * Starts the broker again on the same ports and log directory after {@link #killBroker()}; returns once it answers
     * a metadata request (its log recovered, its controller elected).
     */
    public synchronized void restartBroker() throws IOException, InterruptedException {
        if (kafka.process().isAlive()) throw new IllegalStateException("the broker is still running");
        KafkaBroker restarted = KafkaBroker.start(dataDir, kafkaPort, controllerPort, kafka.sasl());   // the same listeners
        try {
            restarted.awaitReady(startTimeout);
        } catch (RuntimeException | InterruptedException e) {
            restarted.close();
            throw e;
        }
        kafka = restarted;
        log.info("broker restarted: {}", bootstrapServers());
    }

    public String describe() {
        return "kafka " + bootstrapServers() + " (pid " + kafka.process().pid() + "), registry " + registryUrl()
                + " (pid " + registry.process().pid() + "), data " + dataDir;
    }

    @Override
    public void close() {
        // Stop both at once; the broker's controlled shutdown is the slower of the two.
        CompletableFuture<Void> registryStopped = CompletableFuture.runAsync(registry::close);
        kafka.close();
        registryStopped.join();
        log.info("local stack stopped");
    }
}
