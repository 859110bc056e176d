package dev.voxpipe.ingest.views;

import dev.voxpipe.core.serde.AvroWireSerde;
import dev.voxpipe.core.serde.SchemaRegistryClient;
import dev.voxpipe.core.topics.Topics;
import dev.voxpipe.schemas.DeadLetter;
import io.vertx.core.json.JsonObject;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;

/**
 * The dead letters a tenant may see (issue 17): a global store fed by {@code voxpipe.dead-letters}.
 * Keys: {@code t/<tenant>/<failedAt millis, 13 digits>/<partition>-<offset>} (the letter's own place on the
 * dead-letter topic is its id) with the letter without its original value; {@code c/<stage>} counts the letters per
 * stage (for the {@code voxpipe_dead_letters} gauge). A letter with no tenant (a record that could not be read at all)
 * is only counted: the operator sees it with {@code ./voxpipe dlq list}. Idempotent: a restore replays the same keys.
 */
public final class DeadLetterView {

    /** The stages that write dead letters: the gauge's labels (bounded). */
    public static final java.util.List<String> STAGES = java.util.List.of("feature-worker", "trainer-worker", "synth-worker", "audiobook");

    private DeadLetterView() {}

    public static void add(StreamsBuilder builder, SchemaRegistryClient registry) {
        builder.addGlobalStore(
                Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(ViewStores.DEAD_LETTERS), Serdes.String(), Serdes.String())
                        .withLoggingDisabled(),
                Topics.DEAD_LETTERS,
                Consumed.with(Serdes.String(), new AvroWireSerde<>(registry, DeadLetter.class, false)).withName("source-" + ViewStores.DEAD_LETTERS),
                () -> new Processor<String, DeadLetter, Void, Void>() {
                    private KeyValueStore<String, String> store;
                    private ProcessorContext<Void, Void> context;

                    @Override
                    public void init(ProcessorContext<Void, Void> context) {
                        this.context = context;
                        store = context.getStateStore(ViewStores.DEAD_LETTERS);
                    }

                    @Override
                    public void process(Record<String, DeadLetter> record) {
                        DeadLetter letter = record.value();
                        if (letter == null) return;
                        var meta = context.recordMetadata().orElse(null);
                        String id = meta == null ? "x-" + letter.getFailedAt().toEpochMilli() : meta.partition() + "-" + meta.offset();
                        String tenant = letter.getTenantId() == null ? null : letter.getTenantId().toString();
                        String key = tenant == null || tenant.isBlank() ? null
                                : "t/" + tenant + "/" + String.format("%013d", letter.getFailedAt().toEpochMilli()) + "/" + id;
                        if (key != null && store.get(key) != null) return; // replayed on restore: counted already
                        if (key == null && store.get("n/" + id) != null) return;
                        if (key != null) store.put(key, doc(id, letter).encode());
                        else store.put("n/" + id, "1");
                        String stage = STAGES.contains(letter.getStage().toString()) ? letter.getStage().toString() : "other";
                        String counted = store.get("c/" + stage);
                        store.put("c/" + stage, Long.toString(counted == null ? 1 : Long.parseLong(counted) + 1));
                    }
                });
    }

    static JsonObject doc(String id, DeadLetter d) {
        return new JsonObject()
                .put("id", id)
                .put("tenantId", str(d.getTenantId()))
                .put("voiceId", str(d.getVoiceId()))
                .put("stage", str(d.getStage()))
                .put("sourceTopic", str(d.getSourceTopic()))
                .put("partition", d.getPartition())
                .put("offset", d.getOffset())
                .put("key", key(d.getOriginalKey()))
                .put("reason", str(d.getReason()))
                .put("failedAt", d.getFailedAt() == null ? null : d.getFailedAt().toString());
    }

    private static String key(ByteBuffer b) {
        if (b == null) return null;
        ByteBuffer copy = b.duplicate();
        byte[] bytes = new byte[copy.remaining()];
        copy.get(bytes);
        return new String(bytes, StandardCharsets.UTF_8);
    }

    private static String str(CharSequence s) {
        return s == null ? null : s.toString();
    }
}
