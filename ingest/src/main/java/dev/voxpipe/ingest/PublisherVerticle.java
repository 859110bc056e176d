package dev.voxpipe.ingest;

import dev.voxpipe.ingest.kafka.EventPublisher;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;

/** Owns the Kafka producer: flushed and closed (on a worker) when the deployment stops. */
public final class PublisherVerticle extends VerticleBase {

    private final EventPublisher publisher;

    public PublisherVerticle(EventPublisher publisher) {
        this.publisher = publisher;
    }

    @Override
    public Future<?> stop() {
        return vertx.executeBlocking(() -> {
            publisher.close();
            return null;
        }, false);
    }
}
