package dev.voxpipe.core.worker;

import dev.voxpipe.core.config.VoxConfig;
import dev.voxpipe.core.messaging.KafkaSettings;
import dev.voxpipe.core.topics.TopicCatalogue;
import java.util.Properties;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.streams.StreamsConfig;

/** The one place Kafka Streams properties are built; each application adds only what is its own. */
public final class StreamsSettings {

    /**
     * {@code true}: static group membership (issue 22). The instance joins its application's group under a stable
     * name, so a successor after a crash (kill -9, an OOM kill) takes the dead instance's place and its tasks at once
     * instead of waiting out the dead member's session first. Only for instances with a stable name of their own: two
     * live instances of one application under one name fence each other. Default false.
     */
    public static final String STATIC_MEMBERSHIP = "voxpipe.streams.static-membership";
    /** The stable name for {@link #STATIC_MEMBERSHIP}: default the host name (a container's or a pod's name). */
    public static final String INSTANCE_ID = "voxpipe.streams.instance-id";
    /**
     * Warm copies of each task's state kept on other instances ({@code num.standby.replicas}), so that when an instance
     * dies for good its tasks move to one that need not rebuild their stores from the changelogs. Default 0 (Kafka's):
     * with one instance there is nowhere to keep one; compose sets 1 for the scaled feature workers.
     */
    public static final String STANDBY_REPLICAS = "voxpipe.streams.standby-replicas";

    private StreamsSettings() {}

    /** Bootstrap and security (from {@link KafkaSettings}), application id, state directory, replication of internal topics. */
    public static Properties base(VoxConfig config, String applicationId, String stateDir) {
        if (applicationId == null || applicationId.isBlank()) throw new IllegalArgumentException("a Streams application needs an application id");
        Properties props = KafkaSettings.common(config);
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, applicationId);
        props.put(StreamsConfig.STATE_DIR_CONFIG, stateDir);
        props.put(StreamsConfig.REPLICATION_FACTOR_CONFIG, TopicCatalogue.replicationFactor(config));
        // As the loop workers' consumers (KafkaSettings.workerConsumer): a restarted broker loads the group with
        // its old members, and the first rebalance waits out their sessions (45 s by default) before any record
        // is processed; a killed instance's tasks move as late. 10 s, heartbeats every 2 s.
        props.put(StreamsConfig.consumerPrefix(org.apache.kafka.clients.consumer.ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG), 10_000);
        props.put(StreamsConfig.consumerPrefix(org.apache.kafka.clients.consumer.ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG), 2_000);
        // Changelogs and repartition topics that Streams creates take the broker's default record limit (1 MiB) unless
        // told otherwise, while a store's value can grow past it (a book's assembly state grows with its chunks); the
        // producer must be allowed to send what the topic accepts. Existing topics keep their config (compose/README).
        int changelogMaxBytes = config.getInt(CHANGELOG_MAX_BYTES, DEFAULT_CHANGELOG_MAX_BYTES);
        props.put(StreamsConfig.topicPrefix(TopicConfig.MAX_MESSAGE_BYTES_CONFIG), Integer.toString(changelogMaxBytes));
        props.put(StreamsConfig.producerPrefix(ProducerConfig.MAX_REQUEST_SIZE_CONFIG), changelogMaxBytes);
        // RocksDB's native memory within a fixed budget (BoundedRocksDb); an app may set its own setter after this
        props.put(StreamsConfig.ROCKSDB_CONFIG_SETTER_CLASS_CONFIG, BoundedRocksDb.class);
        props.put(BoundedRocksDb.MEMORY_BYTES, Long.toString(config.getLong(BoundedRocksDb.MEMORY_BYTES, BoundedRocksDb.DEFAULT_MEMORY_BYTES)));
        staticInstanceId(config).ifPresent(id ->
                // Kafka Streams appends each stream thread's index, so one name serves every thread
                props.put(StreamsConfig.mainConsumerPrefix(org.apache.kafka.clients.consumer.ConsumerConfig.GROUP_INSTANCE_ID_CONFIG), id));
        return props;
    }

    /** Largest record of the topics Streams creates for an app (changelogs, repartitions), and of its producer. */
    public static final String CHANGELOG_MAX_BYTES = "voxpipe.streams.changelog-max-bytes";
    /** 16 MiB: the largest topic's limit (dead letters), which the brokers' replica.fetch.max.bytes already allows. */
    public static final int DEFAULT_CHANGELOG_MAX_BYTES = 16 * 1024 * 1024;

    /** The group instance id when {@link #STATIC_MEMBERSHIP} is on: {@link #INSTANCE_ID}, else the host's name. */
    static java.util.Optional<String> staticInstanceId(VoxConfig config) {
        if (!config.getBoolean(STATIC_MEMBERSHIP, false)) return java.util.Optional.empty();
        String id = config.find(INSTANCE_ID).map(String::trim).filter(s -> !s.isEmpty()).orElseGet(StreamsSettings::hostName);
        if (id.isEmpty()) {
            throw new IllegalArgumentException(STATIC_MEMBERSHIP + " is on but the instance has no name: set " + INSTANCE_ID);
        }
        return java.util.Optional.of(id);
    }

    private static String hostName() {
        String env = System.getenv("HOSTNAME");
        if (env != null && !env.isBlank()) return env.trim();
        try {
            return java.net.InetAddress.getLocalHost().getHostName();
        } catch (java.io.IOException e) {
            return "";
        }
    }

    /**
     * {@link #base} with {@code exactly_once_v2}: a stage's state stores, outputs and input offsets commit
     * together, so a crash neither loses nor repeats a record's effects.
     */
    public static Properties exactlyOnce(VoxConfig config, String applicationId, String stateDir, int threads,
                                         int commitIntervalMs) {
        if (threads < 1) throw new IllegalArgumentException(applicationId + ": stream threads must be at least 1, got " + threads);
        Properties props = base(config, applicationId, stateDir);
        props.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
        props.put(StreamsConfig.NUM_STREAM_THREADS_CONFIG, threads);
        props.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, commitIntervalMs);
        int standbys = config.getInt(STANDBY_REPLICAS, 0);
        if (standbys < 0) throw new IllegalArgumentException(STANDBY_REPLICAS + " must be 0 or more, got " + standbys);
        props.put(StreamsConfig.NUM_STANDBY_REPLICAS_CONFIG, standbys);
        return props;
    }
}
