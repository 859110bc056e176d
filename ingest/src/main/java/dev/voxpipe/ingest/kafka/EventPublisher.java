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
        this.probe = new ScheduledProbe(Admin.create(adminProps), probeInterval, this::failInFlight);
    }

    /** True while the broker answered the last probe and the last send did not fail. */
    public boolean available() {
        return probe.reachable() && !lastSendFailed.get();
    }

    public boolean brokerReachable() {
        return probe.reachable();
    }

    /** A send not yet settled: completed once, by Kafka's callback or by the probe finding the broker gone. */
    private static final class InFlight {
        final Context context;
        final Promise<RecordMetadata> promise;
        final AtomicBoolean settled = new AtomicBoolean();

        InFlight(Context context, Promise<RecordMetadata> promise) {
            this.context = context;
            this.promise = promise;
        }
    }

    private final java.util.Set<InFlight> inFlight = java.util.concurrent.ConcurrentHashMap.newKeySet();

    /**
     * Completes on the caller's context once Kafka acknowledged the record. A failure is a 503
     * {@link ApiException} whose {@link ApiException#outcome()} says whether the record may still be
     * saved: {@code not_accepted} when it never left (broker known down, serialisation, a record
     * Kafka refuses), {@code unknown} when it was sent and no answer came (a timeout, or the probe
     * found the broker gone while waiting: those sends are answered at once, not after the delivery
     * timeout).
     */
    public Future<RecordMetadata> publish(Context context, String topic, String key, SpecificRecord value) {
        Promise<RecordMetadata> promise = Promise.promise();
        if (!probe.reachable()) {
            metrics.publishFailed();
            promise.fail(notAccepted("Kafka is unreachable"));
            return promise.future();
        }
        long started = System.nanoTime();
        InFlight send = new InFlight(context, promise);
        inFlight.add(send);
        try {
            sender.execute(() -> {
                if (send.settled.get()) return; // answered already: the broker went away while this waited
                if (!probe.reachable()) {
                    fail(send, topic, notAccepted("Kafka is unreachable"), null);
                    return;
                }
                byte[] bytes;
                try {
                    bytes = serializer.serialize(topic, value);
                } catch (RuntimeException e) {
                    fail(send, topic, notAccepted("the event could not be serialised"), e);
                    return;
                }
                try {
                    producer.send(new ProducerRecord<>(topic, key, bytes), (metadata, error) -> {
                        if (error == null) {
                            lastSendFailed.set(false);
                            metrics.published(topic, System.nanoTime() - started);
                            if (send.settled.compareAndSet(false, true)) {
                                inFlight.remove(send);
                                context.runOnContext(v -> promise.complete(metadata));
                            }
                        } else {
                            fail(send, topic, outcomeOf(error), error);
                        }
                    });
                } catch (RuntimeException e) {
                    fail(send, topic, outcomeOf(e), e);
                }
            });
        } catch (RejectedExecutionException e) {
            inFlight.remove(send);
            promise.fail(notAccepted("the service is shutting down"));
        }
        return promise.future();
    }

    /** Sends in flight now (for tests and the fail-fast path). */
    public int inFlight() {
        return inFlight.size();
    }

    /**
     * The probe found the broker gone: every send still waiting is answered now with an unknown
     * outcome (it may have reached the broker), instead of after the delivery timeout, so a write
     * is never slower than readiness to say the broker is down.
     */
    void failInFlight() {
        for (InFlight send : inFlight) {
            fail(send, "(any)", unknown("Kafka stopped answering while the event was being sent"), null);
        }
    }

    private void fail(InFlight send, String topic, ApiException answer, Throwable error) {
        if (!send.settled.compareAndSet(false, true)) return;
        inFlight.remove(send);
        lastSendFailed.set(true);
        metrics.publishFailed();
        log.warn("could not publish to {} (outcome {}): {}", topic, answer.outcome(), error == null ? answer.getMessage() : error.toString());
        send.context.runOnContext(v -> send.promise.fail(answer));
    }

    /**
     * A record Kafka refused for what it is never reached a log; after a timeout or a lost
     * connection (retriable errors) the broker may have written it.
     */
    ApiException outcomeOf(Throwable error) {
        Throwable e = error instanceof java.util.concurrent.ExecutionException && error.getCause() != null ? error.getCause() : error;
        if (e instanceof org.apache.kafka.common.errors.RetriableException || e instanceof org.apache.kafka.common.errors.TimeoutException
                || e instanceof org.apache.kafka.common.errors.InterruptException) {
            return unknown("Kafka did not confirm the event in time");
        }
        return notAccepted("Kafka refused the event");
    }

    private ApiException notAccepted(String why) {
        return ApiException.unavailable(why + "; nothing was accepted, retry later", retryAfterSeconds, ApiException.NOT_ACCEPTED);
    }

    private ApiException unknown(String why) {
        return ApiException.unavailable(why + "; it may still be saved: retry with the same Idempotency-Key to have it exactly once",
                retryAfterSeconds, ApiException.UNKNOWN);
    }

    @Override
    public void close() {
        // With the broker gone there is nothing to flush to: do not wait on a send blocked on metadata.
        boolean brokerGone = !probe.reachable();
        sender.shutdown();
        try {
            if (brokerGone) sender.shutdownNow();
            sender.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        producer.close(brokerGone ? Duration.ZERO : Duration.ofSeconds(5));
        probe.close();
    }

    /** Asks the broker for its cluster description every interval, on its own thread. */
    private static final class ScheduledProbe implements AutoCloseable {
        private final Admin admin;
        private final java.util.concurrent.ScheduledExecutorService timer;
        private final Runnable onUnreachable;
        private volatile boolean reachable = true; // optimistic until the first probe says otherwise

        ScheduledProbe(Admin admin, Duration interval, Runnable onUnreachable) {
            this.admin = admin;
            this.onUnreachable = onUnreachable;
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
            if (!ok) onUnreachable.run();
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
