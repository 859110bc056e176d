package dev.voxpipe.ingest.kafka;

import dev.voxpipe.core.config.VoxConfig;
import dev.voxpipe.core.messaging.KafkaSettings;
import dev.voxpipe.core.serde.AvroWireSerializer;
import dev.voxpipe.core.serde.SchemaRegistryClient;
import dev.voxpipe.ingest.api.ApiException;
import dev.voxpipe.ingest.metrics.IngestMetrics;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.time.Duration;
import java.util.Properties;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends events with the durable producer (acks=all, idempotent) and completes a Vert.x future on
 * the caller's context only once Kafka acknowledged them: that is when a request is acknowledged.
 * Serialisation (which may ask the registry on first use) and {@code send} (which blocks while
 * metadata is missing) run on a dedicated thread, never on an event loop. A background probe marks
 * the broker unavailable, so requests are refused at once with 503 instead of waiting out the
 * delivery timeout.
 */
public final class EventPublisher implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(EventPublisher.class);

    private final KafkaProducer<String, byte[]> producer;
    private final AvroWireSerializer<SpecificRecord> serializer;
    private final ExecutorService sender = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "ingest-kafka-send");
        t.setDaemon(true);
        return t;
    });
    private final ScheduledProbe probe;
    private final IngestMetrics metrics;
    private final int retryAfterSeconds;
    private final AtomicBoolean lastSendFailed = new AtomicBoolean(false);

    public EventPublisher(VoxConfig config, SchemaRegistryClient registry, Duration deliveryTimeout,
                          Duration probeInterval, int retryAfterSeconds, IngestMetrics metrics) {
        Properties props = KafkaSettings.durableProducer(config, "voxpipe-ingest");
        long delivery = deliveryTimeout.toMillis();
        int requestTimeout = (int) Math.max(1000, Math.min(10_000, delivery / 2));
        props.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, (int) delivery);
        props.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, requestTimeout);
        props.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, (long) requestTimeout);
        props.put(ProducerConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG, 1000);
        this.producer = new KafkaProducer<>(props, new StringSerializer(), new ByteArraySerializer());
        this.serializer = new AvroWireSerializer<>(registry, true);
        this.metrics = metrics;
        this.retryAfterSeconds = retryAfterSeconds;
        Properties adminProps = KafkaSettings.common(config);
        adminProps.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 2000);
        adminProps.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 3000);
        adminProps.put(AdminClientConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG, 1000);
        this.probe = new ScheduledProbe(Admin.create(adminProps), probeInterval);
    }

    /** True while the broker answered the last probe and the last send did not fail. */
    public boolean available() {
        return probe.reachable() && !lastSendFailed.get();
    }

    public boolean brokerReachable() {
        return probe.reachable();
    }

    public Future<RecordMetadata> publish(Context context, String topic, String key, SpecificRecord value) {
        Promise<RecordMetadata> promise = Promise.promise();
        if (!probe.reachable()) {
            metrics.publishFailed();
            promise.fail(unavailable("Kafka is unreachable"));
            return promise.future();
        }
        long started = System.nanoTime();
        try {
            sender.execute(() -> {
                try {
                    byte[] bytes = serializer.serialize(topic, value);
                    producer.send(new ProducerRecord<>(topic, key, bytes), (metadata, error) -> {
                        if (error == null) {
                            lastSendFailed.set(false);
                            metrics.published(topic, System.nanoTime() - started);
                            context.runOnContext(v -> promise.complete(metadata));
                        } else {
                            failed(context, promise, topic, error);
                        }
                    });
                } catch (RuntimeException e) {
                    failed(context, promise, topic, e);
                }
            });
        } catch (RejectedExecutionException e) {
            promise.fail(unavailable("the service is shutting down"));
        }
        return promise.future();
    }

    private void failed(Context context, Promise<RecordMetadata> promise, String topic, Throwable error) {
        lastSendFailed.set(true);
        metrics.publishFailed();
        log.warn("could not publish to {}: {}", topic, error.toString());
        context.runOnContext(v -> promise.fail(unavailable("the event could not be committed to Kafka")));
    }

    private ApiException unavailable(String why) {
        return ApiException.unavailable(why + "; nothing was accepted, retry later", retryAfterSeconds);
    }

    @Override
    public void close() {
        sender.shutdown();
        try {
            sender.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        producer.close(Duration.ofSeconds(5));
        probe.close();
    }

    /** Asks the broker for its cluster description every interval, on its own thread. */
    private static final class ScheduledProbe implements AutoCloseable {
        private final Admin admin;
        private final java.util.concurrent.ScheduledExecutorService timer;
        private volatile boolean reachable = true; // optimistic until the first probe says otherwise

        ScheduledProbe(Admin admin, Duration interval) {
            this.admin = admin;
            this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
                Thread t = new Thread(r, "ingest-broker-probe");
                t.setDaemon(true);
                return t;
            });
            timer.scheduleWithFixedDelay(this::probe, 0, interval.toMillis(), TimeUnit.MILLISECONDS);
        }

        private void probe() {
            boolean ok;
            try {
                ok = !admin.describeCluster().nodes().get(3, TimeUnit.SECONDS).isEmpty();
            } catch (Exception e) {
                ok = false;
            }
            if (ok != reachable) log.info("Kafka broker is {}", ok ? "reachable again" : "unreachable");
            reachable = ok;
        }

        boolean reachable() {
            return reachable;
        }

        @Override
        public void close() {
            timer.shutdownNow();
            admin.close(Duration.ofSeconds(2));
        }
    }
}
