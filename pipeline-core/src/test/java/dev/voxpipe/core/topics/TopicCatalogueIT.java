package dev.voxpipe.core.topics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.voxpipe.localstack.LocalStack;
import dev.voxpipe.localstack.LocalStackExtension;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.common.config.ConfigResource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(LocalStackExtension.class)
class TopicCatalogueIT {

    @Test
    void createsEveryTopicOnceAndIsIdempotent(LocalStack stack) throws Exception {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, stack.bootstrapServers()))) {
            TopicCatalogue catalogue = TopicCatalogue.standard(1);
            TopicCatalogue.Outcome first = catalogue.ensure(admin);
            TopicCatalogue.Outcome second = catalogue.ensure(admin);
            assertEquals(List.of(), second.created(), "second run creates nothing");
            assertEquals(Topics.ALL.size(), second.existing().size());
            assertEquals(List.of(), second.problems());
            assertTrue(first.created().size() + first.existing().size() >= Topics.ALL.size());

            var described = admin.describeTopics(List.of(Topics.SYNTHESIS_CHUNKS, Topics.VOICE_DATASETS))
                    .allTopicNames().get(10, TimeUnit.SECONDS);
            assertEquals(32, described.get(Topics.SYNTHESIS_CHUNKS).partitions().size());
            ConfigResource datasets = new ConfigResource(ConfigResource.Type.TOPIC, Topics.VOICE_DATASETS);
            Config config = admin.describeConfigs(List.of(datasets)).all().get(10, TimeUnit.SECONDS).get(datasets);
            assertEquals("compact", config.get("cleanup.policy").value());
        }
    }

    @Test
    void reportsATopicWithFewerPartitionsThanDeclared(LocalStack stack) throws Exception {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, stack.bootstrapServers()))) {
            TopicSpec small = new TopicSpec("it.catalogue.small", 2, false, null, 1 << 20, "DeadLetter");
            new TopicCatalogue(List.of(small), 1).ensure(admin);
            TopicCatalogue.Outcome outcome = new TopicCatalogue(List.of(small.withPartitions(6)), 1).ensure(admin);
            assertEquals(1, outcome.problems().size());
            assertTrue(outcome.problems().get(0).contains("has 2 partitions"), outcome.problems().get(0));
        }
    }
}
