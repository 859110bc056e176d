package dev.voxpipe.ingest;

import dev.voxpipe.ingest.api.ApiRouter;
import dev.voxpipe.ingest.api.Services;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The management port ({@code voxpipe.ingest.management-port}, default 9400): {@code /metrics},
 * {@code /health/live}, {@code /health/ready}. Kept off the public API port, so metrics reach
 * the scraper on the internal network only; compose does not publish it.
 */
public final class ManagementVerticle extends VerticleBase {

    private final Services services;
    private final AtomicInteger boundPort;
    private HttpServer server;

    public ManagementVerticle(Services services, AtomicInteger boundPort) {
        this.services = services;
        this.boundPort = boundPort;
    }

    @Override
    public Future<?> start() {
        IngestSettings settings = services.settings();
        server = vertx.createHttpServer(new HttpServerOptions()
                        .setHost(settings.managementHost()).setPort(settings.managementPort()).setIdleTimeout(30))
                .invalidRequestHandler(dev.voxpipe.ingest.api.Errors::invalidRequest)
                .requestHandler(ApiRouter.management(vertx, services));
        return server.listen().onSuccess(s -> boundPort.set(s.actualPort()));
    }

    @Override
    public Future<?> stop() {
        return server == null ? Future.succeededFuture() : server.close();
    }
}
