package dev.voxpipe.feature.app;

import dev.voxpipe.core.worker.StreamsWorker;
import dev.voxpipe.core.worker.WorkerContext;
import dev.voxpipe.core.worker.WorkerMain;
import dev.voxpipe.feature.topology.FeatureMetrics;
import dev.voxpipe.feature.topology.FeatureSerdes;
import dev.voxpipe.feature.topology.FeatureTopology;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.Topology;

/**
 * The feature worker: {@link FeatureWorkerConfig} + {@link FeatureTopology} on the worker skeleton
 * (a Kafka Streams application, exactly_once_v2). Creates missing topics first.
 */
public final class FeatureWorkerApp {

    public static final String SERVICE = "feature-worker";
    public static final int DEFAULT_METRICS_PORT = 9404;

    private FeatureWorkerApp() {}

    public static void main(String[] args) {
        WorkerMain.run(SERVICE, DEFAULT_METRICS_PORT, FeatureWorkerApp::start);
    }

    /** Starts a worker; {@code close()} stops it. Used by main, the launcher, the integration tests and the scaling bench. */
    public static StreamsWorker start(WorkerContext context) {
        FeatureWorkerConfig config = FeatureWorkerConfig.from(context.config());
        context.ensureTopics();
        Topology topology = FeatureTopology.build(new StreamsBuilder(), config.features(),
                new FeatureSerdes(context.registry()), context.blobs(), new FeatureMetrics(context.metrics())).build();
        return StreamsWorker.start(context, topology, config.streamsProperties());
    }
}
