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
 * Maven Central, so HTTP timing is recorded by our own handler). Every label takes a bounded set
 * of values chosen by the service, never by a client: the method is one of the standard ones or
 * {@code OTHER}, the route is a route template or {@code unmatched}, and no meter carries a
 * tenant, a key or an id. The registry is served on the management port only (see README).
 */
public final class IngestMetrics implements AutoCloseable {

    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final JvmGcMetrics gc = new JvmGcMetrics();
    private final DistributionSummary uploadBytes;
    private final Counter publishFailures;
    private final Counter rateLimited;

    public IngestMetrics() {
        new JvmMemoryMetrics().bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        gc.bindTo(registry);
        uploadBytes = DistributionSummary.builder("voxpipe.ingest.upload.bytes")
                .description("Bytes per accepted upload").baseUnit("bytes").register(registry);
        publishFailures = Counter.builder("voxpipe.ingest.publish.failures")
                .description("Kafka sends that failed (answered 503)").register(registry);
        rateLimited = Counter.builder("voxpipe.ingest.rate.limited")
                .description("Requests refused with 429 by a key's token bucket").register(registry);
    }

    /** Route templates and statuses are few, so the timers are cached rather than looked up per request. */
    private final java.util.concurrent.ConcurrentMap<String, Timer> httpTimers = new java.util.concurrent.ConcurrentHashMap<>();

    /** The methods that get their own label value; anything a client invents is {@code OTHER}. */
    private static final java.util.Set<String> STANDARD_METHODS =
            java.util.Set.of("GET", "HEAD", "POST", "PUT", "DELETE", "PATCH", "OPTIONS");

    public static String methodLabel(String method) {
        return method != null && STANDARD_METHODS.contains(method) ? method : "OTHER";
    }

    /** HTTP statuses are three digits; anything else (a handler bug) is one label, not a new series each. */
    static String statusLabel(int status) {
        return status >= 100 && status <= 599 ? Integer.toString(status) : "other";
    }

    public void httpRequest(String rawMethod, String route, int rawStatus, long nanos) {
        String method = methodLabel(rawMethod);
        String status = statusLabel(rawStatus);
        String key = method + ' ' + route + ' ' + status;
        Timer timer = httpTimers.get(key);
        if (timer == null) {
            timer = httpTimers.computeIfAbsent(key, k -> Timer.builder("voxpipe.ingest.http.requests")
                    .description("HTTP requests by route template and status")
                    .tags("method", method, "route", route, "status", status)
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

    /** No tenant label: tenant ids never leave the service, not even to the metrics scraper. */
    public void rateLimited() {
        rateLimited.increment();
    }

    /** An upload refused or cut off: {@code per_key}, {@code saturated}, {@code too_slow}, {@code too_large}. */
    public void uploadRefused(String reason) {
        uploadRefusals.computeIfAbsent(reason, r -> Counter.builder("voxpipe.ingest.uploads.refused")
                .description("Uploads refused or cut off, by reason").tag("reason", r).register(registry)).increment();
    }

    private final java.util.concurrent.ConcurrentMap<String, Counter> uploadRefusals = new java.util.concurrent.ConcurrentHashMap<>();

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
