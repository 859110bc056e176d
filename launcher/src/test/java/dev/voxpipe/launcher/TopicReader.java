package dev.voxpipe.launcher;

import dev.voxpipe.core.serde.AvroWireDeserializer;
import dev.voxpipe.core.serde.SchemaRegistryClient;
import dev.voxpipe.core.serde.SchemaRegistryConfig;
import dev.voxpipe.localstack.LocalStack;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Predicate;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.StringDeserializer;

/** Reads a whole topic as a read_committed consumer would, until a condition holds or time runs out. */
final class TopicReader {

    private TopicReader() {}

    static <T extends SpecificRecord> List<T> read(LocalStack stack, String topic, Class<T> type,
                                                   Predicate<List<T>> done, Duration timeout) {
        SchemaRegistryClient registry = new SchemaRegistryClient(SchemaRegistryConfig.of(stack.registryUrl()));
        Map<String, Object> config = Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.bootstrapServers(),
                ConsumerConfig.GROUP_ID_CONFIG, "test-reader-" + UUID.randomUUID(),
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        List<T> seen = new ArrayList<>();
        try (KafkaConsumer<String, T> consumer = new KafkaConsumer<>(config, new StringDeserializer(),
                new AvroWireDeserializer<>(registry, type))) {
            consumer.subscribe(List.of(topic));
            long deadline = System.nanoTime() + timeout.toNanos();
            // Read at least a few polls past the condition, so late duplicates would be seen.
            int extraPolls = 0;
            while (System.nanoTime() < deadline && extraPolls < 6) {
                consumer.poll(Duration.ofMillis(300)).forEach(r -> seen.add(r.value()));
                if (done.test(seen)) extraPolls++;
            }
        }
        return seen;
    }
}
