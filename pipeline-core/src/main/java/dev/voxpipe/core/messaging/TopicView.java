package dev.voxpipe.core.messaging;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads a whole topic from the beginning on every partition (no consumer group) and keeps
 * reading, handing each committed record to {@code apply}: a small global view that every
 * worker instance holds in full, like a GlobalKTable without a state directory. A record that
 * cannot be decoded is logged and skipped; the view never stops on bad input.
 */
public final class TopicView<V> implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(TopicView.class);

    private final String topic;
    private final KafkaConsumer<String, byte[]> consumer;
    private final Deserializer<V> deserializer;
    private final Applier<V> apply;

    /** What the view does with a record, knowing where it is (so a view can keep a reference instead of the value). */
    @FunctionalInterface
    public interface Applier<V> {
        void apply(String key, V value, int partition, long offset);
    }
    private final CountDownLatch caughtUp = new CountDownLatch(1);
    private final Thread thread;
    private volatile boolean running = true;
    private volatile Throwable failure;

    public TopicView(String topic, Properties kafka, Deserializer<V> deserializer, BiConsumer<String, V> apply) {
        this(topic, kafka, deserializer, (Applier<V>) (key, value, partition, offset) -> apply.accept(key, value));
    }

    public TopicView(String topic, Properties kafka, Deserializer<V> deserializer, Applier<V> apply) {
        this.topic = topic;
        this.deserializer = deserializer;
        this.apply = apply;
        Properties props = new Properties();
        props.putAll(kafka);
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        props.remove(ConsumerConfig.GROUP_ID_CONFIG);
        this.consumer = new KafkaConsumer<>(props, new StringDeserializer(), new ByteArrayDeserializer());
        this.thread = new Thread(this::run, "view-" + topic);
        this.thread.setDaemon(true);
    }

    public TopicView<V> start() {
        thread.start();
        return this;
    }

    /** Waits until the view holds everything that was in the topic when it started. */
    public boolean awaitCaughtUp(Duration timeout) throws InterruptedException {
        boolean done = caughtUp.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
        if (failure != null) throw new IllegalStateException("view of " + topic + " failed", failure);
        return done;
    }

    private void run() {
        try {
            List<TopicPartition> partitions = consumer.partitionsFor(topic, Duration.ofSeconds(30)).stream()
                    .map(p -> new TopicPartition(topic, p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> targets = new HashMap<>(consumer.endOffsets(partitions));
            targets.values().removeIf(end -> end == 0);
            checkCaughtUp(targets);
            while (running) {
                for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(250))) {
                    applyQuietly(record);
                }
                if (caughtUp.getCount() > 0) checkCaughtUp(targets);
            }
        } catch (WakeupException e) {
            if (running) failure = e;
        } catch (RuntimeException e) {
            failure = e;
            log.error("view of {} stopped: {}", topic, e.toString());
        } finally {
            caughtUp.countDown();
            consumer.close(CloseOptions.timeout(Duration.ofSeconds(5)));
        }
    }

    private void checkCaughtUp(Map<TopicPartition, Long> targets) {
        targets.entrySet().removeIf(e -> consumer.position(e.getKey()) >= e.getValue());
        if (targets.isEmpty()) caughtUp.countDown();
    }

    private void applyQuietly(ConsumerRecord<String, byte[]> record) {
        try {
            V value = record.value() == null ? null : deserializer.deserialize(topic, record.value());
            apply.apply(record.key(), value, record.partition(), record.offset());
        } catch (RuntimeException e) {
            log.warn("view of {} skips record {}-{}@{}: {}", topic, record.topic(), record.partition(),
                    record.offset(), DeadLetters.reason(e));
        }
    }

    @Override
    public void close() {
        running = false;
        consumer.wakeup();
        try {
            thread.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
