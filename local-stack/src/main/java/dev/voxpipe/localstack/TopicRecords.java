package dev.voxpipe.localstack;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Predicate;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/** For tests: what a topic holds, read as a read_committed consumer sees it. */
public final class TopicRecords {

    private TopicRecords() {}

    /**
     * Reads the topic from the beginning until {@code done} holds (or the timeout passes), then a
     * few polls more, so that a late duplicate would be seen too.
     */
    public static <T> List<T> readUntil(LocalStack stack, String topic, Deserializer<T> values,
                                        Predicate<List<T>> done, Duration timeout) {
        Map<String, Object> config = Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.bootstrapServers(),
                ConsumerConfig.GROUP_ID_CONFIG, "test-reader-" + UUID.randomUUID(),
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        List<T> seen = new ArrayList<>();
        try (KafkaConsumer<String, T> consumer = new KafkaConsumer<>(config, new StringDeserializer(), values)) {
            consumer.subscribe(List.of(topic));
            long deadline = System.nanoTime() + timeout.toNanos();
            int extraPolls = 0;
            while (System.nanoTime() < deadline && extraPolls < 6) {
                consumer.poll(Duration.ofMillis(300)).forEach(r -> seen.add(r.value()));
                if (done.test(seen)) extraPolls++;
            }
        }
        return seen;
    }
}
