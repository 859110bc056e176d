package dev.voxpipe.ingest.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.util.function.Supplier;

/**
 * The service's meters in one Prometheus registry (vertx-micrometer-metrics 5.2.0 is not on
 * Maven Central, so HTTP timing is recorded by our own handler).
 */
public final class IngestMetrics implements AutoCloseable {

    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final JvmGcMetrics gc = new JvmGcMetrics();
    private final DistributionSummary uploadBytes;
    private final Counter publishFailures;

    public IngestMetrics() {
        new JvmMemoryMetrics().bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        gc.bindTo(registry);
        uploadBytes = DistributionSummary.builder("voxpipe.ingest.upload.bytes")
                .description("Bytes per accepted upload").baseUnit("bytes").register(registry);
        publishFailures = Counter.builder("voxpipe.ingest.publish.failures")
                .description("Kafka sends that failed (answered 503)").register(registry);
    }

    /** Route templates and statuses are few, so the timers are cached rather than looked up per request. */
    private final java.util.concurrent.ConcurrentMap<String, Timer> httpTimers = new java.util.concurrent.ConcurrentHashMap<>();

    public void httpRequest(String method, String route, int status, long nanos) {
        String key = method + ' ' + route + ' ' + status;
        Timer timer = httpTimers.get(key);
        if (timer == null) {
            timer = httpTimers.computeIfAbsent(key, k -> Timer.builder("voxpipe.ingest.http.requests")
                    .description("HTTP requests by route template and status")
                    .tags("method", method, "route", route, "status", Integer.toString(status))
                    .register(registry));
        }
        timer.record(nanos, java.util.concurrent.TimeUnit.NANOSECONDS);
    }

    private final java.util.concurrent.ConcurrentMap<String, Timer> publishTimers = new java.util.concurrent.ConcurrentHashMap<>();

    public void published(String topic, long nanos) {
        publishTimers.computeIfAbsent(topic, t -> Timer.builder("voxpipe.ingest.publish")
                        .description("Time until Kafka acknowledged an event").tag("topic", t).register(registry))
                .record(nanos, java.util.concurrent.TimeUnit.NANOSECONDS);
    }

    public void publishFailed() {
        publishFailures.increment();
    }

    public void uploadAccepted(long bytes) {
        uploadBytes.record(bytes);
    }

    public void rateLimited(String tenant) {
        Counter.builder("voxpipe.ingest.rate.limited").tag("tenant", tenant).register(registry).increment();
    }

    public void gauge(String name, String description, Supplier<Number> value) {
        Gauge.builder(name, value).description(description).register(registry);
    }

    public String scrape() {
        return registry.scrape();
    }

    public PrometheusMeterRegistry registry() {
        return registry;
    }

    @Override
    public void close() {
        gc.close();
        registry.close();
    }
}
