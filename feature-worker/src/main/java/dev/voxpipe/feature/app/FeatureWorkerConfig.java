package dev.voxpipe.feature.app;

import dev.voxpipe.core.config.VoxConfig;
import dev.voxpipe.core.worker.StreamsSettings;
import dev.voxpipe.feature.topology.FeatureSettings;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.streams.StreamsConfig;

/**
 * The feature worker's own settings ({@code voxpipe.feature.*}): its Kafka Streams application and the
 * topology's {@link FeatureSettings}. What every worker shares (metrics port, registry, blob store) comes
 * from the worker skeleton ({@code dev.voxpipe.core.worker}).
 */
public record FeatureWorkerConfig(VoxConfig source, String applicationId, int streamThreads, String stateDir,
                                  int commitIntervalMs, int maxPollRecords, FeatureSettings features) {
    public static final String APPLICATION_ID = "voxpipe.feature.application-id";
    public static final String THREADS = "voxpipe.feature.threads";
    public static final String STATE_DIR = "voxpipe.feature.state-dir";
    public static final String COMMIT_INTERVAL_MS = "voxpipe.feature.commit-interval-ms";
    public static final String MAX_POLL_RECORDS = "voxpipe.feature.max-poll-records";

    public static FeatureWorkerConfig from(VoxConfig c) {
        return new FeatureWorkerConfig(c,
                c.get(APPLICATION_ID, "voxpipe-feature-worker"),
                c.getInt(THREADS, Math.max(1, Runtime.getRuntime().availableProcessors())),
                c.get(STATE_DIR, System.getProperty("java.io.tmpdir") + "/voxpipe-feature-worker"),
                c.getInt(COMMIT_INTERVAL_MS, 200),
                c.getInt(MAX_POLL_RECORDS, 50),
                FeatureSettings.from(c));
    }

    public Properties streamsProperties() {
        Properties p = StreamsSettings.exactlyOnce(source, applicationId, stateDir, streamThreads, commitIntervalMs);
        // An upload can take a few seconds to decode and slice: poll fewer records at a time, so a
        // batch stays well inside max.poll.interval.ms.
        p.put(StreamsConfig.consumerPrefix(ConsumerConfig.MAX_POLL_RECORDS_CONFIG), maxPollRecords);
        // Labelling a long upload runs a recogniser over all of it: English recognition of a 30-minute upload (the
        // decode limit) takes about 5 min of one core, more on a busy one. Streams polls between records, so one record must fit.
        p.put(StreamsConfig.consumerPrefix(ConsumerConfig.MAX_POLL_INTERVAL_MS_CONFIG),
                source.getInt("voxpipe.feature.max-poll-interval-ms", 30 * 60 * 1000));
        p.put(StreamsConfig.producerPrefix(ProducerConfig.COMPRESSION_TYPE_CONFIG), "lz4");
        return p;
    }
}
