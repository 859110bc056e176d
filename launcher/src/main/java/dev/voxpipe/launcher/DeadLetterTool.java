package dev.voxpipe.launcher;

import dev.voxpipe.core.config.VoxConfig;
import dev.voxpipe.core.messaging.KafkaSettings;
import dev.voxpipe.core.serde.AvroWireDeserializer;
import dev.voxpipe.core.serde.SchemaRegistryClient;
import dev.voxpipe.core.serde.SchemaRegistryConfig;
import dev.voxpipe.core.topics.Topics;
import dev.voxpipe.schemas.DeadLetter;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndTimestamp;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * {@code ./voxpipe dlq list|replay} (issue 17): the operator's view of {@code voxpipe.dead-letters}, and replay of
 * chosen letters after a fix. A replay re-sends the letter's original key and value to its source topic with the
 * header {@value #REPLAY_HEADER} = the letter's id ({@code <partition>-<offset>} on the dead-letter topic); before it
 * sends, it looks for that header on the source topic from the letter's time on, so running a replay twice sends
 * each letter once. Letters without their original value (a clip's PCM is not kept) cannot be replayed and say so.
 *
 * <pre>
 * ./voxpipe dlq list   [--stage S] [--topic T] [--tenant X] [--since 2026-01-01T00:00:00Z] [--id P-O]...
 * ./voxpipe dlq replay [the same filters] [--dry-run]
 * </pre>
 * Connection settings as every worker's: {@code VOXPIPE_KAFKA_BOOTSTRAP}, {@code VOXPIPE_REGISTRY_URL}.
 */
public final class DeadLetterTool {

    public static final String REPLAY_HEADER = "voxpipe.replay-of";

    /** Which letters: every given filter must match (null: any). */
    public record Filter(String stage, String topic, String tenant, Instant since, Set<String> ids) {
        boolean matches(String id, DeadLetter d) {
            return (stage == null || stage.equals(str(d.getStage())))
                    && (topic == null || topic.equals(str(d.getSourceTopic())))
                    && (tenant == null || tenant.equals(str(d.getTenantId())))
                    && (since == null || !d.getFailedAt().isBefore(since))
                    && (ids == null || ids.isEmpty() || ids.contains(id));
        }
    }

    /** One letter with its id on the dead-letter topic. */
    public record Letter(String id, DeadLetter letter) {}

    /** What a replay did. */
    public record Outcome(int replayed, int alreadyReplayed, int notReplayable) {}

    private final Properties kafka;
    private final SchemaRegistryClient registry;

    public DeadLetterTool(Properties kafka, SchemaRegistryClient registry) {
        this.kafka = kafka;
        this.registry = registry;
    }

    /** The matching letters on the topic now, oldest first per partition. */
    public List<Letter> list(Filter filter) {
        AvroWireDeserializer<DeadLetter> letters = new AvroWireDeserializer<>(registry, DeadLetter.class);
        List<Letter> out = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> consumer = consumer()) {
            List<TopicPartition> partitions = consumer.partitionsFor(Topics.DEAD_LETTERS, Duration.ofSeconds(30)).stream()
                    .map(p -> new TopicPartition(Topics.DEAD_LETTERS, p.partition())).toList();
            readAll(consumer, partitions, Map.of(), record -> {
                if (record.value() == null) return;
                String id = record.partition() + "-" + record.offset();
                DeadLetter d;
                try {
                    d = letters.deserialize(record.topic(), record.value());
                } catch (RuntimeException e) {
                    return; // not a dead letter we can read: nothing to list or replay
                }
                if (filter.matches(id, d)) out.add(new Letter(id, d));
            });
        }
        return out;
    }

    /** Re-sends the matching letters' records to their source topics, each at most once over any number of runs. */
    public Outcome replay(Filter filter, boolean dryRun, PrintStream log) {
        List<Letter> chosen = list(filter);
        int replayed = 0, already = 0, not = 0;
        Set<String> done = alreadyReplayed(chosen);
        Properties p = new Properties();
        p.putAll(kafka);
        p.put("acks", "all");
        p.put("enable.idempotence", true);
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer())) {
            for (Letter l : chosen) {
                DeadLetter d = l.letter();
                if (d.getOriginalValue() == null) {
                    not++;
                    log.println("not replayable " + l.id() + ": the letter kept no value (" + str(d.getSourceTopic()) + ")");
                    continue;
                }
                if (done.contains(l.id())) {
                    already++;
                    log.println("already replayed " + l.id());
                    continue;
                }
                if (!dryRun) {
                    ProducerRecord<byte[], byte[]> record = new ProducerRecord<>(str(d.getSourceTopic()), bytes(d.getOriginalKey()), bytes(d.getOriginalValue()));
                    record.headers().add(REPLAY_HEADER, l.id().getBytes(StandardCharsets.UTF_8));
                    try {
                        producer.send(record).get();
                    } catch (Exception e) {
                        throw new IllegalStateException("replay of " + l.id() + " to " + d.getSourceTopic() + " failed: " + e.getMessage(), e);
                    }
                }
                replayed++;
                log.println((dryRun ? "would replay " : "replayed ") + l.id() + " to " + d.getSourceTopic());
            }
        }
        return new Outcome(replayed, already, not);
    }

    /** The ids of chosen letters already replayed: the header on their source topics, from the earliest letter's time on. */
    private Set<String> alreadyReplayed(List<Letter> chosen) {
        Map<String, Instant> earliest = new HashMap<>();
        for (Letter l : chosen) earliest.merge(str(l.letter().getSourceTopic()), l.letter().getFailedAt(), (a, b) -> a.isBefore(b) ? a : b);
        Set<String> found = new HashSet<>();
        try (KafkaConsumer<byte[], byte[]> consumer = consumer()) {
            for (var e : earliest.entrySet()) {
                List<TopicPartition> partitions = consumer.partitionsFor(e.getKey(), Duration.ofSeconds(30)).stream()
                        .map(p -> new TopicPartition(e.getKey(), p.partition())).toList();
                Map<TopicPartition, Long> times = new HashMap<>();
                partitions.forEach(tp -> times.put(tp, e.getValue().toEpochMilli()));
                Map<TopicPartition, OffsetAndTimestamp> from = consumer.offsetsForTimes(times, Duration.ofSeconds(30));
                readAll(consumer, partitions, from, record -> {
                    for (Header h : record.headers().headers(REPLAY_HEADER)) found.add(new String(h.value(), StandardCharsets.UTF_8));
                });
            }
        }
        return found;
    }

    private interface Sink {
        void accept(ConsumerRecord<byte[], byte[]> record);
    }

    /** Reads {@code partitions} from {@code from} (or the beginning) to their end offsets at the start. */
    private static void readAll(KafkaConsumer<byte[], byte[]> consumer, List<TopicPartition> partitions,
                                Map<TopicPartition, OffsetAndTimestamp> from, Sink sink) {
        consumer.assign(partitions);
        Map<TopicPartition, Long> ends = new HashMap<>(consumer.endOffsets(partitions, Duration.ofSeconds(30)));
        for (TopicPartition tp : partitions) {
            OffsetAndTimestamp at = from.get(tp);
            if (from.containsKey(tp) && at == null) ends.remove(tp); // nothing at or after that time
            else if (at != null) consumer.seek(tp, at.offset());
            else consumer.seekToBeginning(List.of(tp));
        }
        ends.entrySet().removeIf(e -> e.getValue() == 0 || consumer.position(e.getKey()) >= e.getValue());
        long deadline = System.nanoTime() + Duration.ofMinutes(5).toNanos();
        while (!ends.isEmpty()) {
            if (System.nanoTime() > deadline) throw new IllegalStateException("reading " + ends.keySet() + " took over 5 min");
            for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(500))) {
                Long end = ends.get(new TopicPartition(r.topic(), r.partition()));
                if (end != null && r.offset() < end) sink.accept(r);
            }
            ends.entrySet().removeIf(e -> consumer.position(e.getKey()) >= e.getValue());
        }
    }

    private KafkaConsumer<byte[], byte[]> consumer() {
        Properties p = new Properties();
        p.putAll(kafka);
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        return new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer());
    }

    private static byte[] bytes(ByteBuffer b) {
        if (b == null) return null;
        ByteBuffer copy = b.duplicate();
        byte[] out = new byte[copy.remaining()];
        copy.get(out);
        return out;
    }

    static String str(CharSequence s) {
        return s == null ? null : s.toString();
    }

    public static void main(String[] args) {
        if (args.length == 0 || !(args[0].equals("list") || args[0].equals("replay"))) {
            System.err.println("usage: ./voxpipe dlq list|replay [--stage S] [--topic T] [--tenant X] [--since ISO-8601] [--id P-O]... [--dry-run]");
            System.exit(2);
        }
        String stage = null, topic = null, tenant = null;
        Instant since = null;
        Set<String> ids = new HashSet<>();
        boolean dryRun = false;
        try {
            for (int i = 1; i < args.length; i++) {
                switch (args[i]) {
                    case "--stage" -> stage = args[++i];
                    case "--topic" -> topic = args[++i];
                    case "--tenant" -> tenant = args[++i];
                    case "--since" -> since = Instant.parse(args[++i]);
                    case "--id" -> ids.add(args[++i]);
                    case "--dry-run" -> dryRun = true;
                    default -> throw new IllegalArgumentException("unknown option " + args[i]);
                }
            }
        } catch (RuntimeException e) {
            System.err.println("voxpipe dlq: " + e.getMessage());
            System.exit(2);
            return;
        }
        VoxConfig config = VoxConfig.fromEnvironment();
        DeadLetterTool tool = new DeadLetterTool(KafkaSettings.common(config), SchemaRegistryClient.http(SchemaRegistryConfig.from(config)));
        Filter filter = new Filter(stage, topic, tenant, since, ids);
        if (args[0].equals("list")) {
            List<Letter> letters = tool.list(filter);
            for (Letter l : letters) {
                DeadLetter d = l.letter();
                System.out.printf("%s  %s  %-15s %s@%d:%d key=%s tenant=%s voice=%s%s%n    %s%n", l.id(), d.getFailedAt(), d.getStage(),
                        d.getSourceTopic(), d.getPartition(), d.getOffset(), d.getOriginalKey() == null ? "-"
                                : new String(bytes(d.getOriginalKey()), StandardCharsets.UTF_8), d.getTenantId(), d.getVoiceId(),
                        d.getOriginalValue() == null ? " (no value kept)" : "", d.getReason());
            }
            System.out.println(letters.size() + " dead letters");
        } else {
            Outcome o = tool.replay(filter, dryRun, System.out);
            System.out.printf("%s %d, already replayed %d, not replayable %d%n", dryRun ? "would replay" : "replayed", o.replayed(),
                    o.alreadyReplayed(), o.notReplayable());
        }
    }
}
