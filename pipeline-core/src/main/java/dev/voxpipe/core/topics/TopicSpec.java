package dev.voxpipe.core.topics;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.common.config.TopicConfig;

/** How one topic is laid out: partitions, cleanup, retention, largest message. */
public record TopicSpec(String name, int partitions, boolean compacted, Duration retention, int maxMessageBytes,
                        String valueRecord) {

    /** Longer than the longest retention of a work topic (30 days). */
    public static final Duration TOMBSTONE_RETENTION = Duration.ofDays(31);

    public TopicSpec {
        if (partitions < 1) throw new IllegalArgumentException(name + ": partitions must be >= 1");
    }

    public TopicSpec withPartitions(int count) {
        return new TopicSpec(name, count, compacted, retention, maxMessageBytes, valueRecord);
    }

    /** Topic-level configs as Kafka names them. */
    public Map<String, String> configs() {
        Map<String, String> configs = new HashMap<>();
        // compacted with a retention: both policies, so old keys also leave the topic
        configs.put(TopicConfig.CLEANUP_POLICY_CONFIG, !compacted ? TopicConfig.CLEANUP_POLICY_DELETE
                : retention == null ? TopicConfig.CLEANUP_POLICY_COMPACT
                : TopicConfig.CLEANUP_POLICY_COMPACT + "," + TopicConfig.CLEANUP_POLICY_DELETE);
        configs.put(TopicConfig.RETENTION_MS_CONFIG,
                retention == null ? "-1" : Long.toString(retention.toMillis()));
        configs.put(TopicConfig.MAX_MESSAGE_BYTES_CONFIG, Integer.toString(maxMessageBytes));
        if (compacted) {
            // A tombstone (a deleted voice) must outlive every record of work queued before it, so
            // that a worker reading the topic from the start still sees it (VoiceGate).
            configs.put(TopicConfig.DELETE_RETENTION_MS_CONFIG, Long.toString(TOMBSTONE_RETENTION.toMillis()));
        }
        return configs;
    }

    public String valueSubject() {
        return name + "-value";
    }
}
