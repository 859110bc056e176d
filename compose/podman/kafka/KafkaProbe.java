import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.MemberDescription;

/**
 * The Kafka image's command-line probe (the kafka_2.13 jar set has no kafka-tools): compiled by
 * compose/podman/build-images.sh against kafka-clients and run inside the broker's container.
 *   ready  BOOTSTRAP         exit 0 when the cluster answers a metadata request with at least one broker
 *   groups BOOTSTRAP GROUP   one line per member: client id, host, and how many partitions of each topic it owns
 */
public final class KafkaProbe {

    public static void main(String[] args) throws Exception {
        if (args.length < 2) usage();
        Properties props = new Properties();
        props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, args[1]);
        props.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, "4000");
        props.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "6000");
        try (Admin admin = Admin.create(props)) {
            switch (args[0]) {
                case "ready" -> {
                    int brokers = admin.describeCluster().nodes().get(8, TimeUnit.SECONDS).size();
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
                default -> usage();
            }
        }
    }

    private static void usage() {
        System.err.println("usage: KafkaProbe ready BOOTSTRAP | groups BOOTSTRAP GROUP");
        System.exit(2);
    }

}
