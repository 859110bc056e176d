package dev.voxpipe.launcher;

import dev.voxpipe.core.blob.FileSystemBlobStore;
import dev.voxpipe.core.serde.SchemaRegistryClient;
import dev.voxpipe.core.serde.SchemaRegistryConfig;
import dev.voxpipe.core.topics.TopicCatalogue;
import dev.voxpipe.localstack.LocalStack;
import dev.voxpipe.localstack.LocalStackConfig;
import dev.voxpipe.localstack.LocalStackMain;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;

/**
 * The main job on the embedded default ({@code ./voxpipe demo}): starts the local broker and
 * registry, creates the topics, registers the schemas, and sends one upload event through the
 * pipeline's first topic and back.
 */
public final class LocalMain {

    private LocalMain() {}

    public static void main(String[] args) throws Exception {
        Progress progress = new Progress(System.out, 4);
        LocalStackConfig config = LocalStackConfig.fromEnvironment();
        progress.step("starting the local stack (Kafka KRaft broker + Apicurio Registry) in " + config.dataDir());
        try (LocalStack stack = LocalStackMain.startOrExit(config)) {
            progress.done(String.format("kafka %s, registry %s, %d MiB resident",
                    stack.bootstrapServers(), stack.registryUrl(), stack.residentMemoryMib()));

            progress.step("creating topics");
            try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, stack.bootstrapServers()))) {
                TopicCatalogue.Outcome outcome = TopicCatalogue.standard(1).ensure(admin);
                progress.done(outcome.created().size() + " created, " + outcome.existing().size() + " already there"
                        + (outcome.problems().isEmpty() ? "" : ", problems: " + outcome.problems()));
            }

            progress.step("registering schemas (subjects <topic>-value, BACKWARD)");
            SchemaRegistryClient registry = new SchemaRegistryClient(SchemaRegistryConfig.of(stack.registryUrl()));
            Map<String, Integer> ids = SchemaPublisher.registerAll(registry);
            progress.done(ids.size() + " subjects");

            progress.step("publishing one upload event and reading it back");
            FileSystemBlobStore blobs = new FileSystemBlobStore(stack.dataDir().resolve("blobs"));
            StackPreflight.Result result = StackPreflight.roundTripUpload(stack.bootstrapServers(), registry, blobs);
            if (!result.sent().equals(result.received())) {
                throw new IllegalStateException("the event read back differs from the one sent");
            }
            progress.done(String.format("%s partition %d offset %d, blob %s (%d bytes) in %s",
                    result.where().topic(), result.where().partition(), result.where().offset(),
                    result.received().getBlob().getKey(), result.received().getBlob().getSizeBytes(),
                    blobs.root()));
            progress.info(String.format("total %.1f s", progress.elapsed().toMillis() / 1000.0));
        }
    }

}
