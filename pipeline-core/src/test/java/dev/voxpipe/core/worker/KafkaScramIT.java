package dev.voxpipe.core.worker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.voxpipe.core.config.VoxConfig;
import dev.voxpipe.core.messaging.KafkaSettings;
import dev.voxpipe.localstack.LocalStack;
import dev.voxpipe.localstack.LocalStackExtension;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.SaslAuthenticationException;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Produced;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Kafka client security through the one place client and Streams properties are built
 * ({@link KafkaSettings#common}, used by {@link WorkerContext#kafka()} and {@link StreamsSettings}),
 * on the real broker's SASL/SCRAM listeners: SCRAM over TLS (what compose publishes) and over plain
 * TCP. Only the VoxPipe settings a deployment sets are given, as the environment would.
 */
@ExtendWith(LocalStackExtension.class)
class KafkaScramIT {

    private static final String USER = "voxpipe-worker";
    private static final String PASSWORD = "s3cr3t \"quoted\" \\ pass";

    /** What compose sets: user, password, SASL_SSL (the default with a user) and the broker's certificate as trust. */
    private static VoxConfig saslSsl(LocalStack stack, String password, Path stateDir) {
        Map<String, String> env = new HashMap<>();
        env.put("voxpipe.kafka.bootstrap", stack.scramSslBootstrapServers());
        env.put(KafkaSettings.SASL_USERNAME, USER);
        env.put(KafkaSettings.SASL_PASSWORD, password);
        env.put("voxpipe.kafka.client.ssl.truststore.type", "PEM");
        env.put("voxpipe.kafka.client.ssl.truststore.location", stack.brokerCertificatePem().toString());
        env.put("voxpipe.registry.url", stack.registryUrl());
        env.put("voxpipe.blob.root", stateDir.resolve("blobs").toString());
        return VoxConfig.of(env);
    }

    @Test
    void aWorkerAuthenticatesWithScramOverTlsAndItsStreamsAppProcesses(LocalStack stack, @TempDir Path dir) throws Exception {
        stack.addScramUser(USER, PASSWORD);
        VoxConfig config = saslSsl(stack, PASSWORD, dir);
        Properties kafka = KafkaSettings.common(config);
        assertEquals("SASL_SSL", kafka.get("security.protocol"));
        assertEquals("SCRAM-SHA-512", kafka.get("sasl.mechanism"));

        // the skeleton's own Kafka use: the topic catalogue over the authenticated listener
        try (WorkerContext context = WorkerContext.standalone(config, "scram-test", -1)) {
            context.ensureTopics();
        }

        String in = "scram-in-" + UUID.randomUUID();
        String out = "scram-out-" + UUID.randomUUID();
        try (Admin admin = Admin.create(kafka)) {
            admin.createTopics(List.of(new NewTopic(in, 1, (short) 1), new NewTopic(out, 1, (short) 1))).all().get(30, TimeUnit.SECONDS);
        }
        StreamsBuilder builder = new StreamsBuilder();
        builder.stream(in, Consumed.with(Serdes.String(), Serdes.String()))
                .mapValues(v -> v.toUpperCase())
                .to(out, Produced.with(Serdes.String(), Serdes.String()));
        Properties streamsProps = StreamsSettings.base(config, "scram-it-" + UUID.randomUUID(), Files.createDirectories(dir.resolve("streams")).toString());
        assertEquals("SASL_SSL", streamsProps.get("security.protocol"), "Streams properties carry the security settings");
        try (KafkaStreams streams = new KafkaStreams(builder.build(), streamsProps);
             KafkaProducer<String, String> producer = new KafkaProducer<>(KafkaSettings.durableProducer(config, "scram-it"),
                     new StringSerializer(), new StringSerializer())) {
            streams.start();
            producer.send(new ProducerRecord<>(in, "k", "hello over scram")).get(30, TimeUnit.SECONDS);
            Properties consumerProps = KafkaSettings.common(config);
            consumerProps.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
            consumerProps.put(ConsumerConfig.GROUP_ID_CONFIG, "scram-it-" + UUID.randomUUID());
            try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(consumerProps, new StringDeserializer(), new StringDeserializer())) {
                consumer.subscribe(List.of(out));
                String seen = null;
                long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
                while (seen == null && System.nanoTime() < deadline) {
                    for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(500))) seen = r.value();
                }
                assertEquals("HELLO OVER SCRAM", seen, "the Streams app read and wrote through the SCRAM listener");
            }
        }
    }

    @Test
    void aWrongPasswordIsRefusedAtOnceWithAClearErrorNotAHang(LocalStack stack, @TempDir Path dir) throws Exception {
        stack.addScramUser(USER, PASSWORD);
        VoxConfig wrong = saslSsl(stack, "not-the-password", dir);

        // a worker's start: the catalogue check fails and says why, naming the user and not the password
        IllegalStateException refused = assertTimeoutPreemptively(Duration.ofSeconds(60), () -> {
            try (WorkerContext context = WorkerContext.standalone(wrong, "scram-test", -1)) {
                return assertThrows(IllegalStateException.class, context::ensureTopics);
            }
        });
        assertTrue(refused.getMessage().contains("refused the credentials of user '" + USER + "'"), refused.getMessage());
        assertTrue(refused.getMessage().contains("SCRAM-SHA-512"), refused.getMessage());
        assertTrue(!refused.getMessage().contains("not-the-password"), "the password must not be logged: " + refused.getMessage());

        // a producer (ingest's kind): the send fails with Kafka's authentication error, not after a timeout
        ExecutionException failed = assertTimeoutPreemptively(Duration.ofSeconds(60), () -> {
            try (KafkaProducer<String, String> producer = new KafkaProducer<>(KafkaSettings.durableProducer(wrong, "scram-it-wrong"),
                    new StringSerializer(), new StringSerializer())) {
                return assertThrows(ExecutionException.class,
                        () -> producer.send(new ProducerRecord<>("voxpipe.uploads", "k", "v")).get(60, TimeUnit.SECONDS));
            } catch (SaslAuthenticationException thrownBySend) {
                return new ExecutionException(thrownBySend);
            }
        });
        assertInstanceOf(SaslAuthenticationException.class, failed.getCause(), String.valueOf(failed.getCause()));
    }

    @Test
    void scramOverPlainTcpWorksWhenTheProtocolIsSaidExplicitly(LocalStack stack, @TempDir Path dir) throws Exception {
        stack.addScramUser(USER, PASSWORD);
        VoxConfig config = VoxConfig.of(Map.of(
                "voxpipe.kafka.bootstrap", stack.scramBootstrapServers(),
                KafkaSettings.SASL_USERNAME, USER,
                KafkaSettings.SASL_PASSWORD, PASSWORD,
                KafkaSettings.SASL_MECHANISM, "SCRAM-SHA-256",
                "voxpipe.kafka.client.security.protocol", "SASL_PLAINTEXT",
                "voxpipe.registry.url", stack.registryUrl(),
                "voxpipe.blob.root", dir.resolve("blobs").toString()));
        try (WorkerContext context = WorkerContext.standalone(config, "scram-test", -1)) {
            context.ensureTopics();
        }
    }
}
