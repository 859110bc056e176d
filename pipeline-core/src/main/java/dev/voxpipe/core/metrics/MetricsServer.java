package dev.voxpipe.core.metrics;

import com.sun.net.httpserver.HttpServer;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.function.BooleanSupplier;

/**
 * A worker's Prometheus endpoint: {@code /metrics}, plus {@code /health/live} and
 * {@code /health/ready} for orchestrators. Port 0 takes any free port; a negative port disables
 * it (the local launcher runs every worker in one JVM and serves metrics through ingest).
 */
public final class MetricsServer implements AutoCloseable {

    private final PrometheusMeterRegistry registry;
    private final HttpServer server;

    private MetricsServer(PrometheusMeterRegistry registry, HttpServer server) {
        this.registry = registry;
        this.server = server;
    }

    public static PrometheusMeterRegistry newRegistry(String service) {
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        registry.config().commonTags("service", service);
        new JvmMemoryMetrics().bindTo(registry);
        new JvmGcMetrics().bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        return registry;
    }

    public static MetricsServer start(PrometheusMeterRegistry registry, int port, BooleanSupplier ready)
            throws IOException {
        return start(registry, port, () -> true, ready);
    }

    /** {@code live}: the process works (restart it otherwise); {@code ready}: it can take traffic. */
    public static MetricsServer start(PrometheusMeterRegistry registry, int port, BooleanSupplier live,
                                      BooleanSupplier ready) throws IOException {
        if (port < 0) return new MetricsServer(registry, null);
        HttpServer server = HttpServer.create(new InetSocketAddress(port), 0);
        server.createContext("/metrics", exchange -> {
            byte[] body = registry.scrape().getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", "text/plain; version=0.0.4; charset=utf-8");
            exchange.sendResponseHeaders(200, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        });
        health(server, "/health/live", live);
        health(server, "/health/ready", ready);
        server.start();
        return new MetricsServer(registry, server);
    }

    private static void health(HttpServer server, String path, BooleanSupplier check) {
        server.createContext(path, exchange -> {
            boolean up = check.getAsBoolean();
            answer(exchange, up ? 200 : 503, up ? "{\"status\":\"UP\"}" : "{\"status\":\"DOWN\"}");
        });
    }

    private static void answer(com.sun.net.httpserver.HttpExchange exchange, int status, String json) throws IOException {
        byte[] body = json.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, body.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
        }
    }

    public PrometheusMeterRegistry registry() {
        return registry;
    }

    public int port() {
        return server == null ? 0 : server.getAddress().getPort();
    }

    @Override
    public void close() {
        if (server != null) server.stop(0);
    }
}
