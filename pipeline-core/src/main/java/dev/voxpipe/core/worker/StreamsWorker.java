package dev.voxpipe.core.worker;

import dev.voxpipe.core.metrics.MetricsServer;
import io.micrometer.core.instrument.binder.kafka.KafkaStreamsMetrics;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A worker that is one Kafka Streams topology: the uncaught-exception policy, Kafka Streams
 * metrics in the worker's registry, the metrics and health server (live while running or
 * rebalancing, ready while running), start and a bounded close.
 */
public final class StreamsWorker implements Worker {

    private static final Logger log = LoggerFactory.getLogger(StreamsWorker.class);
    private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(30);

    private final String service;
    private final KafkaStreams streams;
    private final KafkaStreamsMetrics streamsMetrics;
    private final MetricsServer server;
    private final CountDownLatch stopped = new CountDownLatch(1);
    private final AtomicBoolean closed = new AtomicBoolean();

    private StreamsWorker(WorkerContext context, Topology topology, Properties props) {
        this.service = context.service();
        this.streams = new KafkaStreams(topology, props);
        streams.setUncaughtExceptionHandler(replaceThread(service));
        streams.setStateListener((now, before) -> {
            log.info("{}: {} -> {}", service, before, now);
            if (now == KafkaStreams.State.NOT_RUNNING || now == KafkaStreams.State.ERROR) stopped.countDown();
        });
        this.streamsMetrics = new KafkaStreamsMetrics(streams);
        streamsMetrics.bindTo(context.metrics());
        try {
            this.server = MetricsServer.start(context.metrics(), context.worker().metricsPort(), this::live, this::ready);
        } catch (IOException e) {
            streamsMetrics.close();
            streams.close(Duration.ZERO);
            throw new UncheckedIOException(service + ": cannot serve metrics on port " + context.worker().metricsPort(), e);
        }
    }

    /** Starts the topology with {@code props} (see {@link StreamsSettings}). */
    public static StreamsWorker start(WorkerContext context, Topology topology, Properties props) {
        StreamsWorker worker = new StreamsWorker(context, topology, props);
        worker.streams.start();
        log.info("{} started ({}), metrics on port {}", worker.service, props.get("application.id"),
                worker.metricsPort() < 0 ? "-" : worker.metricsPort());
        return worker;
    }

    /**
     * The policy for stream threads: bad records never reach it (every stage turns them into dead
     * letters), so what does is a bug or an infrastructure failure; replace the thread rather than
     * let the instance die, and let the rebalance hand its tasks on.
     */
    public static StreamsUncaughtExceptionHandler replaceThread(String service) {
        return error -> {
            log.error("{}: stream thread failed; replacing it", service, error);
            return StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse.REPLACE_THREAD;
        };
    }

    public KafkaStreams streams() {
        return streams;
    }

    public KafkaStreams.State state() {
        return streams.state();
    }

    /** The port the metrics server listens on, or -1 when it serves none. */
    public int metricsPort() {
        return server.port() == 0 ? -1 : server.port();
    }

    @Override
    public boolean live() {
        return streams.state().isRunningOrRebalancing();
    }

    @Override
    public boolean ready() {
        return streams.state() == KafkaStreams.State.RUNNING;
    }

    @Override
    public void awaitStopped() throws InterruptedException {
        stopped.await();
    }

    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) return;
        streams.close(CLOSE_TIMEOUT);
        streamsMetrics.close();
        server.close();
        stopped.countDown();
    }
}
