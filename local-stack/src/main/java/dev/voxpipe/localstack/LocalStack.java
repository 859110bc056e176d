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

    private LocalStack(KafkaBroker kafka, ApicurioRegistry registry, Path dataDir, Duration startupTime, int kafkaPort,
                       int controllerPort, Duration startTimeout) {
        this.kafka = kafka;
        this.registry = registry;
        this.dataDir = dataDir;
        this.startupTime = startupTime;
        this.kafkaPort = kafkaPort;
        this.controllerPort = controllerPort;
        this.startTimeout = startTimeout;
    }

    public static LocalStack start(LocalStackConfig config) throws IOException, InterruptedException {
        long started = System.nanoTime();
        int kafkaPort = port(config.kafkaPort(), "the Kafka broker", "VOXPIPE_KAFKA_PORT");
        int controllerPort = port(config.controllerPort(), "the KRaft controller", "VOXPIPE_KAFKA_CONTROLLER_PORT");
        int registryPort = port(config.registryPort(), "the schema registry", "VOXPIPE_REGISTRY_PORT");
        int managementPort = port(config.registryManagementPort(), "the registry's health endpoint",
                "VOXPIPE_REGISTRY_MANAGEMENT_PORT");
        Path dataDir = Files.createDirectories(config.dataDir()).toAbsolutePath();

        CompletableFuture<ApicurioRegistry> registryFuture = CompletableFuture.supplyAsync(() -> {
            try {
                ApicurioRegistry r = ApicurioRegistry.start(dataDir, registryPort, managementPort);
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
            kafka = KafkaBroker.start(dataDir, kafkaPort, controllerPort);
            kafka.awaitReady(config.startTimeout());
            ApicurioRegistry registry = registryFuture.join();
            Duration took = Duration.ofNanos(System.nanoTime() - started);
            LocalStack stack = new LocalStack(kafka, registry, dataDir, took, kafkaPort, controllerPort, config.startTimeout());
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

    private static int port(int configured, String purpose, String setting) {
        if (configured == 0) return Ports.pickFree();
        Ports.requireFree(configured, purpose, setting);
        return configured;
    }

    public String bootstrapServers() {
        return kafka.bootstrapServers();
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
        KafkaBroker restarted = KafkaBroker.start(dataDir, kafkaPort, controllerPort);
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
