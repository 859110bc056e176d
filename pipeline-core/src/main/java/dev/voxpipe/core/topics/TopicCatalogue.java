package dev.voxpipe.core.topics;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Creates the declared topics that are missing and checks the ones that exist. Running it twice,
 * or from several workers at once, is harmless.
 */
public final class TopicCatalogue {

    private static final Logger log = LoggerFactory.getLogger(TopicCatalogue.class);

    private final Collection<TopicSpec> topics;
    private final short replicationFactor;

    public TopicCatalogue(Collection<TopicSpec> topics, int replicationFactor) {
        this.topics = List.copyOf(topics);
        this.replicationFactor = (short) replicationFactor;
    }

    public static TopicCatalogue standard(int replicationFactor) {
        return new TopicCatalogue(Topics.ALL, replicationFactor);
    }

    /** The one configuration key for the replication factor of topics created at start. */
    public static final String REPLICATION_FACTOR = "voxpipe.topics.replication-factor";

    public static int replicationFactor(dev.voxpipe.core.config.VoxConfig config) {
        return config.getInt(REPLICATION_FACTOR, 1);
    }

    /** What {@link #ensure} found and did. */
    public record Outcome(List<String> created, List<String> existing, List<String> problems) {}

    public Outcome ensure(Admin admin) {
        try {
            Set<String> present = admin.listTopics().names().get(30, TimeUnit.SECONDS);
            List<NewTopic> missing = topics.stream()
                    .filter(t -> !present.contains(t.name()))
                    .map(t -> new NewTopic(t.name(), t.partitions(), replicationFactor).configs(t.configs()))
                    .toList();
            List<String> created = new ArrayList<>();
            for (var entry : admin.createTopics(missing).values().entrySet()) {
                try {
                    entry.getValue().get(30, TimeUnit.SECONDS);
                    created.add(entry.getKey());
                } catch (ExecutionException e) {
                    if (!(e.getCause() instanceof TopicExistsException)) throw e; // a peer was faster
                }
            }
            // Everything not created now existed already (listed, or created by a peer in the meantime).
            List<String> existing = topics.stream().map(TopicSpec::name).filter(n -> !created.contains(n)).toList();
            List<String> problems = check(admin, existing);
            if (!created.isEmpty()) log.info("created topics {}", created);
            problems.forEach(p -> log.warn("topic check: {}", p));
            return new Outcome(created, existing, problems);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while creating topics", e);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("cannot create or check topics: " + e.getMessage(), e);
        }
    }

    /** A topic a peer just created may not be in this broker's metadata yet: give it a moment. */
    private static Map<String, TopicDescription> describeWhenVisible(Admin admin, List<String> names)
            throws InterruptedException, ExecutionException, TimeoutException {
        for (int attempt = 1; ; attempt++) {
            try {
                return admin.describeTopics(names).allTopicNames().get(30, TimeUnit.SECONDS);
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof UnknownTopicOrPartitionException) || attempt == 20) throw e;
                Thread.sleep(250);
            }
        }
    }

    private List<String> check(Admin admin, List<String> existing)
            throws InterruptedException, ExecutionException, TimeoutException {
        if (existing.isEmpty()) return List.of();
        Map<String, TopicDescription> described = describeWhenVisible(admin, existing);
        Map<String, TopicSpec> byName = topics.stream().collect(Collectors.toMap(TopicSpec::name, t -> t));
        List<String> problems = new ArrayList<>();
        for (TopicDescription d : described.values()) {
            TopicSpec spec = byName.get(d.name());
            if (d.partitions().size() < spec.partitions()) {
                problems.add(d.name() + " has " + d.partitions().size() + " partitions, the catalogue declares "
                        + spec.partitions() + " (fewer partitions cap how many workers can share it)");
            }
        }
        return problems;
    }
}
