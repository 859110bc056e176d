package dev.voxpipe.core.worker;

import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.voxpipe.core.config.VoxConfig;
import dev.voxpipe.core.messaging.KafkaSettings;
import dev.voxpipe.localstack.LocalStack;
import dev.voxpipe.localstack.LocalStackExtension;
import dev.voxpipe.localstack.SelfSignedCert;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.SslAuthenticationException;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Mutual TLS through the same one place as SCRAM ({@link KafkaSettings#common}): the Kafka keys under
 * {@code voxpipe.kafka.client.} (PEM key store and trust store), on the local broker's SSL listener that
 * requires a client certificate. A worker and a producer with a trusted certificate get through; one with
 * a certificate the broker does not trust is refused at once, with a message that says so.
 */
@ExtendWith(LocalStackExtension.class)
class KafkaMutualTlsIT {

    private static VoxConfig mtls(LocalStack stack, Path clientKeyAndCert, Path dir) {
        return VoxConfig.of(Map.of(
                "voxpipe.kafka.bootstrap", stack.mtlsBootstrapServers(),
                "voxpipe.kafka.client.security.protocol", "SSL",
                "voxpipe.kafka.client.ssl.keystore.type", "PEM",
                "voxpipe.kafka.client.ssl.keystore.location", clientKeyAndCert.toString(),
                "voxpipe.kafka.client.ssl.truststore.type", "PEM",
                "voxpipe.kafka.client.ssl.truststore.location", stack.brokerCertificatePem().toString(),
                "voxpipe.registry.url", stack.registryUrl(),
                "voxpipe.blob.root", dir.resolve("blobs").toString()));
    }

    @Test
    void aTrustedClientCertificateGetsAWorkerAndAProducerThrough(LocalStack stack, @TempDir Path dir) throws Exception {
        VoxConfig config = mtls(stack, stack.trustedClientKeyAndCertPem(), dir);
        try (WorkerContext context = WorkerContext.standalone(config, "mtls-test", -1)) {
            context.ensureTopics();
        }
        String topic = "mtls-probe-" + UUID.randomUUID();
        try (Admin admin = Admin.create(KafkaSettings.common(config))) {
            admin.createTopics(List.of(new NewTopic(topic, 1, (short) 1))).all().get(30, TimeUnit.SECONDS);
        }
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(KafkaSettings.durableProducer(config, "mtls-it"),
                new StringSerializer(), new StringSerializer())) {
            producer.send(new ProducerRecord<>(topic, "k", "over mutual TLS")).get(30, TimeUnit.SECONDS);
        }
    }

    @Test
    void anUntrustedClientCertificateIsRefusedAtOnceAndSaysSo(LocalStack stack, @TempDir Path dir) throws Exception {
        SelfSignedCert stranger = SelfSignedCert.create(dir.resolve("stranger"));
        VoxConfig config = mtls(stack, stranger.keyAndCertPem(), dir);
        IllegalStateException refused = assertTimeoutPreemptively(Duration.ofSeconds(60), () -> {
            try (WorkerContext context = WorkerContext.standalone(config, "mtls-test", -1)) {
                return assertThrows(IllegalStateException.class, context::ensureTopics);
            }
        });
        assertTrue(refused.getMessage().contains("refused the credentials") && refused.getMessage().contains("(SSL)"), refused.getMessage());
        ExecutionException failed = assertTimeoutPreemptively(Duration.ofSeconds(60), () -> {
            try (KafkaProducer<String, String> producer = new KafkaProducer<>(KafkaSettings.durableProducer(config, "mtls-it-stranger"),
                    new StringSerializer(), new StringSerializer())) {
                return assertThrows(ExecutionException.class,
                        () -> producer.send(new ProducerRecord<>("mtls-never-created", "k", "v")).get(60, TimeUnit.SECONDS));
            } catch (SslAuthenticationException thrownBySend) {
                return new ExecutionException(thrownBySend);
            }
        });
        assertInstanceOf(SslAuthenticationException.class, failed.getCause(), String.valueOf(failed.getCause()));
    }
}
