package dev.voxpipe.core.messaging;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.voxpipe.core.config.VoxConfig;
import dev.voxpipe.core.worker.StreamsSettings;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.common.errors.SaslAuthenticationException;
import org.apache.kafka.common.security.JaasContext;
import org.apache.kafka.common.config.types.Password;
import org.junit.jupiter.api.Test;

/** How the security settings become Kafka client properties, for every client and Streams alike. */
class KafkaSettingsSecurityTest {

    @Test
    void aUserAndPasswordBecomeAScramLoginOverTlsByDefault() {
        VoxConfig config = VoxConfig.of(Map.of(KafkaSettings.SASL_USERNAME, "worker", KafkaSettings.SASL_PASSWORD, "p\"w\\d"));
        Properties props = KafkaSettings.common(config);
        assertEquals("SASL_SSL", props.get("security.protocol"));
        assertEquals("SCRAM-SHA-512", props.get("sasl.mechanism"));
        // Kafka's own JAAS parser reads the line back to the same user and password (quotes and backslashes escaped)
        var entry = JaasContext.loadClientContext(Map.of("sasl.jaas.config", new Password((String) props.get("sasl.jaas.config"))))
                .configurationEntries().get(0);
        assertEquals("worker", entry.getOptions().get("username"));
        assertEquals("p\"w\\d", entry.getOptions().get("password"));
        Properties streams = StreamsSettings.base(config, "app", "/tmp/state");
        assertEquals(props.get("sasl.jaas.config"), streams.get("sasl.jaas.config"), "Streams gets the same login");
    }

    @Test
    void mutualTlsKeysArePassedThroughAndAnExplicitProtocolWins() {
        VoxConfig config = VoxConfig.of(Map.of(
                "voxpipe.kafka.client.security.protocol", "SSL",
                "voxpipe.kafka.client.ssl.keystore.type", "PEM",
                "voxpipe.kafka.client.ssl.keystore.location", "/tls/client.pem",
                "voxpipe.kafka.client.ssl.truststore.type", "PEM",
                "voxpipe.kafka.client.ssl.truststore.location", "/tls/ca.pem"));
        Properties props = KafkaSettings.common(config);
        assertEquals("SSL", props.get("security.protocol"));
        assertEquals("/tls/client.pem", props.get("ssl.keystore.location"));
        assertEquals("PEM", props.get("ssl.truststore.type"));
        assertFalse(props.containsKey("sasl.jaas.config"));
        assertEquals("SASL_PLAINTEXT", KafkaSettings.common(VoxConfig.of(Map.of(KafkaSettings.SASL_USERNAME, "u",
                KafkaSettings.SASL_PASSWORD, "p", "voxpipe.kafka.client.security.protocol", "SASL_PLAINTEXT"))).get("security.protocol"));
    }

    @Test
    void halfOrConflictingSettingsAreConfigurationErrorsThatNameTheVariables() {
        var half = assertThrows(IllegalArgumentException.class,
                () -> KafkaSettings.common(VoxConfig.of(Map.of(KafkaSettings.SASL_USERNAME, "u"))));
        assertTrue(half.getMessage().contains("VOXPIPE_KAFKA_SASL_PASSWORD"), half.getMessage());
        var both = assertThrows(IllegalArgumentException.class, () -> KafkaSettings.common(VoxConfig.of(Map.of(
                KafkaSettings.SASL_USERNAME, "u", KafkaSettings.SASL_PASSWORD, "p",
                "voxpipe.kafka.client.sasl.jaas.config", "x required;"))));
        assertTrue(both.getMessage().contains("not both"), both.getMessage());
        var plain = assertThrows(IllegalArgumentException.class, () -> KafkaSettings.common(VoxConfig.of(Map.of(
                KafkaSettings.SASL_USERNAME, "u", KafkaSettings.SASL_PASSWORD, "p", KafkaSettings.SASL_MECHANISM, "PLAIN"))));
        assertTrue(plain.getMessage().contains("SCRAM"), plain.getMessage());
    }

    @Test
    void refusedCredentialsAreNamedWithoutThePassword() {
        Properties props = KafkaSettings.common(VoxConfig.of(Map.of("voxpipe.kafka.bootstrap", "broker:9093",
                KafkaSettings.SASL_USERNAME, "worker", KafkaSettings.SASL_PASSWORD, "secret-pw")));
        String message = KafkaSettings.authenticationFailure(props,
                new IllegalStateException("wrapped", new SaslAuthenticationException("invalid credentials"))).orElseThrow();
        assertTrue(message.contains("broker:9093") && message.contains("'worker'") && message.contains("SCRAM-SHA-512"), message);
        assertFalse(message.contains("secret-pw"), message);
        assertTrue(KafkaSettings.authenticationFailure(props, new IllegalStateException("other")).isEmpty());
    }
}
