package dev.voxpipe.synth.audiobook;

import dev.voxpipe.core.serde.HttpSchemaRegistryClient;
import dev.voxpipe.core.blob.BlobStore;
import dev.voxpipe.core.blob.BlobStores;
import dev.voxpipe.core.config.VoxConfig;
import dev.voxpipe.core.messaging.KafkaSettings;
import dev.voxpipe.core.metrics.MetricsServer;
import dev.voxpipe.core.serde.SchemaRegistryClient;
import dev.voxpipe.core.serde.SchemaRegistryConfig;
import dev.voxpipe.core.topics.TopicCatalogue;
import io.micrometer.core.instrument.binder.kafka.KafkaStreamsMetrics;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.Topology;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The audiobook flow (splitter and assembler) as a Kafka Streams application. */
public final class AudiobookApp implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(AudiobookApp.class);

    private final KafkaStreams streams;
    private final MetricsServer metricsServer;

    public AudiobookApp(VoxConfig config, BlobStore blobs, PrometheusMeterRegistry metrics) throws Exception {
        SchemaRegistryClient registry = new HttpSchemaRegistryClient(SchemaRegistryConfig.from(config));
        StreamsBuilder builder = new StreamsBuilder();
        AudiobookTopology.build(builder, registry,
                new RequestSplitter(blobs, config.getInt("voxpipe.audiobook.max-chunk-chars", 400)),
                new BookWriter(blobs, config.get("voxpipe.audiobook.ffmpeg", "ffmpeg")));
        Topology topology = builder.build();
        this.streams = new KafkaStreams(topology, streamsConfig(config));
        new KafkaStreamsMetrics(streams).bindTo(metrics);
        streams.setUncaughtExceptionHandler(e -> {
            log.error("audiobook stream thread failed; replacing it", e);
            return org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse.REPLACE_THREAD;
        });
        this.metricsServer = MetricsServer.start(metrics, config.getInt("voxpipe.metrics.port", 9104),
                () -> streams.state() == KafkaStreams.State.RUNNING);
        streams.start();
    }

    static Properties streamsConfig(VoxConfig config) {
        Properties props = KafkaSettings.common(config);
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, config.get("voxpipe.audiobook.application-id", "voxpipe-audiobook"));
        props.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
        props.put(StreamsConfig.STATE_DIR_CONFIG, config.get("voxpipe.audiobook.state-dir", "data/state/audiobook"));
        props.put(StreamsConfig.NUM_STREAM_THREADS_CONFIG, config.getInt("voxpipe.audiobook.threads", 1));
        props.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, 200);
        props.put(StreamsConfig.REPLICATION_FACTOR_CONFIG, TopicCatalogue.replicationFactor(config));
        // Writing a long book happens inside one poll; give it time.
        props.put(StreamsConfig.consumerPrefix("max.poll.interval.ms"), (int) Duration.ofMinutes(15).toMillis());
        return props;
    }

    public KafkaStreams.State state() {
        return streams.state();
    }

    public static void main(String[] args) throws Exception {
        VoxConfig config = VoxConfig.fromEnvironment();
        AudiobookApp app = new AudiobookApp(config, BlobStores.fromConfig(config), MetricsServer.newRegistry("audiobook"));
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            app.close();
            stopped.countDown();
        }, "audiobook-shutdown"));
        stopped.await();
    }

    @Override
    public void close() {
        streams.close(Duration.ofSeconds(30));
        metricsServer.close();
    }
}
