package dev.voxpipe.ingest;

import dev.voxpipe.ingest.api.ApiRouter;
import dev.voxpipe.ingest.api.Services;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.WorkerExecutor;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.net.PemKeyCertOptions;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The HTTP server: one instance per event loop, all sharing the port. Blob I/O goes to a shared
 * worker pool, never the event loop.
 */
public final class HttpVerticle extends VerticleBase {

    private final Services services;
    private final AtomicReference<ApiRouter.Built> firstRouter;
    private final AtomicReference<Integer> boundPort;
    private WorkerExecutor workers;
    private HttpServer server;

    public HttpVerticle(Services services, AtomicReference<ApiRouter.Built> firstRouter, AtomicReference<Integer> boundPort) {
        this.services = services;
        this.firstRouter = firstRouter;
        this.boundPort = boundPort;
    }

    @Override
    public Future<?> start() {
        IngestSettings settings = services.settings();
        workers = vertx.createSharedWorkerExecutor("ingest-blob-io", settings.blobWorkerThreads());
        ApiRouter.Built built = ApiRouter.build(vertx, services, workers);
        firstRouter.compareAndSet(null, built);
        HttpServerOptions options = new HttpServerOptions()
                .setHost(settings.host())
                .setPort(settings.port())
                // Without this Vert.x leaves 'Expect: 100-continue' clients waiting (curl waits 1 s).
                .setHandle100ContinueAutomatically(true)
                .setCompressionSupported(false)
                .setIdleTimeout(120)
                .setTcpNoDelay(true)
                // multipart: every non-file field is held in memory, so each is capped, and their number
                .setMaxFormAttributeSize(settings.maxFormFieldBytes())
                .setMaxFormFields(ApiRouter.MAX_FORM_FIELDS);
        if (settings.tls()) {
            // TLS 1.2 and 1.3 only (Vert.x's default); a plain-HTTP client gets no answer, the handshake fails
            options.setSsl(true).setKeyCertOptions(new PemKeyCertOptions()
                    .setCertPath(settings.tlsCert().toString())
                    .setKeyPath(settings.tlsKey().toString()));
        }
        server = vertx.createHttpServer(options)
                .invalidRequestHandler(dev.voxpipe.ingest.api.Errors::invalidRequest) // 414, 431, 400 as JSON
                .requestHandler(built.router());
        return server.listen().onSuccess(s -> boundPort.compareAndSet(null, s.actualPort()));
    }

    @Override
    public Future<?> stop() {
        Future<Void> closed = server == null ? Future.succeededFuture() : server.close();
        return closed.eventually(() -> workers == null ? Future.succeededFuture() : workers.close());
    }
}
