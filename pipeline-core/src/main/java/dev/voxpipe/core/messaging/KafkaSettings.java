package dev.voxpipe.core.messaging;

import dev.voxpipe.core.config.VoxConfig;
import java.util.Properties;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;

/**
 * Kafka client properties from VoxPipe configuration. {@code voxpipe.kafka.bootstrap} names the
 * brokers; any {@code voxpipe.kafka.client.<kafka-key>} is passed through (security settings,
 * for example {@code VOXPIPE_KAFKA_CLIENT_SECURITY_PROTOCOL}).
 */
public final class KafkaSettings {

    public static final String BOOTSTRAP = "voxpipe.kafka.bootstrap";
    private static final String PASS_THROUGH = "voxpipe.kafka.client.";

    private KafkaSettings() {}

    public static Properties common(VoxConfig config) {
        Properties props = new Properties();
        props.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, config.get(BOOTSTRAP, "127.0.0.1:9092"));
        for (String key : new String[] {"security.protocol", "sasl.mechanism", "sasl.jaas.config",
                "ssl.truststore.location", "ssl.truststore.password"}) {
            config.find(PASS_THROUGH + key).ifPresent(v -> props.put(key, v));
        }
        return props;
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
