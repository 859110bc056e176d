import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.MemberDescription;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * The Kafka image's command-line probe (the kafka_2.13 jar set has no kafka-tools): compiled by
 * compose/podman/build-images.sh against kafka-clients and run inside the broker's container.
 *   ready  BOOTSTRAP         exit 0 when the cluster answers a metadata request with at least one broker
 *   groups BOOTSTRAP GROUP   one line per member: client id, host, and how many partitions of each topic it owns
 *   create BOOTSTRAP TOPIC RF MIN_ISR
 *                            creates TOPIC (3 partitions) with that replication factor and min.insync.replicas, then
 *                            exits 0 once every partition has RF replicas in sync
 *   count  BOOTSTRAP TOPIC TEXT
 *                            how many committed records of TOPIC carry TEXT (an id) in their key or value bytes
 * KAFKA_PROBE_CONFIG names a properties file of client settings added to every client (security.protocol, SASL and
 * TLS settings: compose/test-run.sh logs in to the published SASL_SSL listener with it).
 */
public final class KafkaProbe {

    public static void main(String[] args) throws Exception {
        if (args.length < 2) usage();
        Properties props = clientConfig();
        props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, args[1]);
        props.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, "4000");
        props.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "6000");
        try (Admin admin = Admin.create(props)) {
            switch (args[0]) {
                case "ready" -> {
                    int brokers;
                    try {
                        brokers = admin.describeCluster().nodes().get(8, TimeUnit.SECONDS).size();
                    } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
                        // one line with the reason (refused login, TLS failure, timeout), not a stack trace
                        System.out.println("not ready: " + (e.getCause() != null ? e.getCause() : e));
                        System.exit(1);
                        return;
                    }
                    System.out.println("brokers: " + brokers);
                    System.exit(brokers > 0 ? 0 : 1);
                }
                case "groups" -> {
                    if (args.length < 3) usage();
                    Map<String, ConsumerGroupDescription> groups =
                            admin.describeConsumerGroups(List.of(args[2])).all().get(10, TimeUnit.SECONDS);
                    ConsumerGroupDescription group = groups.get(args[2]);
                    System.out.println("group " + group.groupId() + " state " + group.groupState() + " members "
                            + group.members().size());
                    for (MemberDescription member : group.members()) {
                        Map<String, Integer> perTopic = new TreeMap<>();
                        member.assignment().topicPartitions().forEach(tp -> perTopic.merge(tp.topic(), 1, Integer::sum));
                        System.out.println("  member " + member.clientId() + " host " + member.host() + " partitions "
                                + perTopic);
                    }
                }
                case "create" -> {
                    if (args.length < 5) usage();
                    short rf = Short.parseShort(args[3]);
                    admin.createTopics(List.of(new org.apache.kafka.clients.admin.NewTopic(args[2], 3, rf)
                            .configs(Map.of("min.insync.replicas", args[4])))).all().get(30, TimeUnit.SECONDS);
                    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
                    while (true) {
                        var description = admin.describeTopics(List.of(args[2])).allTopicNames().get(10, TimeUnit.SECONDS).get(args[2]);
                        boolean inSync = description.partitions().stream().allMatch(p -> p.isr().size() == rf);
                        description.partitions().forEach(p -> System.out.println("  partition " + p.partition() + " leader "
                                + p.leader().id() + " replicas " + p.replicas().size() + " in sync " + p.isr().size()));
                        if (inSync) break;
                        if (System.nanoTime() > deadline) System.exit(1);
                        Thread.sleep(2000);
                    }
                }
                case "count" -> {
                    if (args.length < 4) usage();
                    System.out.println(count(args[1], args[2], args[3]));
                }
                default -> usage();
            }
        }
    }

    /** Reads TOPIC from the start to its end offsets, committed records only (the pipeline writes in transactions). */
    private static long count(String bootstrap, String topic, String text) throws java.io.IOException {
        Properties props = clientConfig();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        byte[] needle = text.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        long found = 0;
        try (KafkaConsumer<byte[], byte[]> consumer =
                     new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic).stream()
                    .map(p -> new TopicPartition(topic, p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (partitions.stream().anyMatch(tp -> consumer.position(tp) < end.get(tp)) && System.nanoTime() < deadline) {
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(java.time.Duration.ofMillis(500))) {
                    if (contains(r.key(), needle) || contains(r.value(), needle)) found++;
                }
            }
        }
        return found;
    }

    private static Properties clientConfig() throws java.io.IOException {
        Properties props = new Properties();
        String file = System.getenv("KAFKA_PROBE_CONFIG");
        if (file != null && !file.isBlank()) {
            try (var in = java.nio.file.Files.newInputStream(java.nio.file.Path.of(file))) {
                props.load(in);
            }
        }
        return props;
    }

    private static boolean contains(byte[] haystack, byte[] needle) {
        if (haystack == null) return false;
        outer:
        for (int i = 0; i + needle.length <= haystack.length; i++) {
            for (int j = 0; j < needle.length; j++) if (haystack[i + j] != needle[j]) continue outer;
            return true;
        }
        return false;
    }

    private static void usage() {
        System.err.println("usage: KafkaProbe ready BOOTSTRAP | groups BOOTSTRAP GROUP | create BOOTSTRAP TOPIC RF MIN_ISR | count BOOTSTRAP TOPIC TEXT");
        System.exit(2);
    }

}
