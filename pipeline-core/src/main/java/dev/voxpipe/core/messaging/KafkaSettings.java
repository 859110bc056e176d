package dev.voxpipe.core.messaging;

import dev.voxpipe.core.config.VoxConfig;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.config.SaslConfigs;
import org.apache.kafka.common.errors.AuthenticationException;

/**
 * Kafka client properties from VoxPipe configuration, the one place every client's connection and
 * security settings come from (the worker skeleton's {@code WorkerContext.kafka()} and
 * {@code StreamsSettings}, ingest's producer and views, the tools). {@code voxpipe.kafka.bootstrap}
 * names the brokers. Security:
 * <ul>
 *   <li>SASL/SCRAM the short way: {@code voxpipe.kafka.sasl.username} and {@code .password}
 *       ({@code VOXPIPE_KAFKA_SASL_USERNAME}, {@code VOXPIPE_KAFKA_SASL_PASSWORD}) build the SCRAM login
 *       module's JAAS line; the mechanism is {@code voxpipe.kafka.sasl.mechanism} (default
 *       {@code SCRAM-SHA-512}) and the protocol {@code SASL_SSL} unless
 *       {@code voxpipe.kafka.client.security.protocol} says otherwise.</li>
 *   <li>Anything else (TLS trust, mTLS key stores, another SASL mechanism): the Kafka key itself under
 *       {@code voxpipe.kafka.client.}, e.g. {@code VOXPIPE_KAFKA_CLIENT_SSL_KEYSTORE_LOCATION}; the keys
 *       passed through are {@link #PASSED_THROUGH}.</li>
 * </ul>
 */
public final class KafkaSettings {

    public static final String BOOTSTRAP = "voxpipe.kafka.bootstrap";
    public static final String SASL_USERNAME = "voxpipe.kafka.sasl.username";
    public static final String SASL_PASSWORD = "voxpipe.kafka.sasl.password";
    public static final String SASL_MECHANISM = "voxpipe.kafka.sasl.mechanism";
    private static final String PASS_THROUGH = "voxpipe.kafka.client.";

    /**
     * The Kafka client keys read from {@code voxpipe.kafka.client.<key>}. A fixed list, because an
     * environment variable's name cannot say where a Kafka key has dots and where dashes.
     */
    public static final List<String> PASSED_THROUGH = List.of(
            "security.protocol", "sasl.mechanism", "sasl.jaas.config",
            "ssl.truststore.location", "ssl.truststore.password", "ssl.truststore.type", "ssl.truststore.certificates",
            "ssl.keystore.location", "ssl.keystore.password", "ssl.keystore.type", "ssl.key.password",
            "ssl.keystore.certificate.chain", "ssl.keystore.key", "ssl.endpoint.identification.algorithm");

    private KafkaSettings() {}

    public static Properties common(VoxConfig config) {
        Properties props = new Properties();
        props.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, config.get(BOOTSTRAP, "127.0.0.1:9092"));
        for (String key : PASSED_THROUGH) {
            config.find(PASS_THROUGH + key).ifPresent(v -> props.put(key, v));
        }
        Optional<String> user = config.find(SASL_USERNAME);
        Optional<String> password = config.find(SASL_PASSWORD);
        if (user.isPresent() != password.isPresent()) {
            throw new IllegalArgumentException(SASL_USERNAME + " (VOXPIPE_KAFKA_SASL_USERNAME) and " + SASL_PASSWORD
                    + " (VOXPIPE_KAFKA_SASL_PASSWORD) go together: only " + (user.isPresent() ? "the user name" : "the password") + " is set");
        }
        if (user.isPresent()) {
            if (props.containsKey(SaslConfigs.SASL_JAAS_CONFIG)) {
                throw new IllegalArgumentException("set either " + SASL_USERNAME + "/" + SASL_PASSWORD + " or "
                        + PASS_THROUGH + SaslConfigs.SASL_JAAS_CONFIG + ", not both");
            }
            String mechanism = config.get(SASL_MECHANISM, props.getProperty(SaslConfigs.SASL_MECHANISM, "SCRAM-SHA-512"));
            if (!mechanism.startsWith("SCRAM-")) {
                throw new IllegalArgumentException(SASL_MECHANISM + "=" + mechanism + ": the user name and password settings "
                        + "are for SCRAM-SHA-256 or SCRAM-SHA-512; for other mechanisms set " + PASS_THROUGH + SaslConfigs.SASL_JAAS_CONFIG);
            }
            props.put(SaslConfigs.SASL_MECHANISM, mechanism);
            props.put(SaslConfigs.SASL_JAAS_CONFIG, "org.apache.kafka.common.security.scram.ScramLoginModule required username=\""
                    + jaasEscape(user.get()) + "\" password=\"" + jaasEscape(password.get()) + "\";");
            props.putIfAbsent(CommonClientConfigs.SECURITY_PROTOCOL_CONFIG, "SASL_SSL");
        }
        return props;
    }

    /** A JAAS option value is a quoted string: backslashes and quotes are escaped. */
    private static String jaasEscape(String value) {
        return value.replace("\\", "\\\\").replace("\"", "\\\"");
    }

    /**
     * Says in words, without the password, that the brokers refused this client's credentials, when
     * {@code failure} was caused by that (a wrong SASL password, an unknown user, a client certificate
     * the broker does not trust); empty otherwise. Kafka does not retry such a failure, so a worker that
     * gets it stops at once with this message instead of waiting.
     */
    public static Optional<String> authenticationFailure(Properties kafka, Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof AuthenticationException) {
                String jaas = String.valueOf(kafka.getOrDefault(SaslConfigs.SASL_JAAS_CONFIG, ""));
                java.util.regex.Matcher user = java.util.regex.Pattern.compile("username=\"([^\"]*)\"").matcher(jaas);
                return Optional.of("Kafka at " + kafka.get(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG) + " refused the credentials"
                        + (user.find() ? " of user '" + user.group(1) + "'" : "")
                        + " (" + kafka.getOrDefault(CommonClientConfigs.SECURITY_PROTOCOL_CONFIG, "PLAINTEXT")
                        + (kafka.containsKey(SaslConfigs.SASL_MECHANISM) ? ", " + kafka.get(SaslConfigs.SASL_MECHANISM) : "") + "): "
                        + t.getMessage() + ". Check VOXPIPE_KAFKA_SASL_USERNAME / VOXPIPE_KAFKA_SASL_PASSWORD (or the TLS key store).");
            }
        }
        return Optional.empty();
    }

    /**
     * A worker's group consumer that commits by hand and sees only committed records. A short
     * session timeout hands a killed worker's partitions over quickly.
     */
    public static Properties workerConsumer(Properties kafka, String groupId, int maxPollRecords) {
        Properties props = new Properties();
        props.putAll(kafka);
        props.put(ConsumerConfig.GROUP_ID_CONFIG, groupId);
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, maxPollRecords);
        props.putIfAbsent(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, 10_000);
        props.putIfAbsent(ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG, 2_000);
        return props;
    }

    /** An idempotent producer that waits for all in-sync replicas: nothing acknowledged is lost. */
    public static Properties durableProducer(VoxConfig config, String clientId) {
        Properties props = common(config);
        props.put(ProducerConfig.CLIENT_ID_CONFIG, clientId);
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        props.put(ProducerConfig.LINGER_MS_CONFIG, 5);
        props.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
        props.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 30_000);
        props.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 10_000);
        props.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 10_000);
        return props;
    }
}
