package dev.voxpipe.ingest;

import dev.voxpipe.ingest.views.Views;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;

/** Runs the Kafka Streams views for the life of the deployment; start and close are blocking, so they run on a worker. */
public final class ViewsVerticle extends VerticleBase {

    private final Views views;

    public ViewsVerticle(Views views) {
        this.views = views;
    }

    @Override
    public Future<?> start() {
        return vertx.executeBlocking(() -> {
            views.start();
            return null;
        }, false);
    }

    @Override
    public Future<?> stop() {
        return vertx.executeBlocking(() -> {
            views.close();
            return null;
        }, false);
    }
}
