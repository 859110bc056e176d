package dev.voxpipe.ingest.views;

import dev.voxpipe.core.serde.AvroWireSerde;
import dev.voxpipe.core.serde.SchemaRegistryClient;
import dev.voxpipe.core.topics.Topics;
import dev.voxpipe.schemas.IdempotencyRecord;
import dev.voxpipe.schemas.IdempotencyState;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;

/**
 * The Idempotency-Key records of every ingest instance (issue 22): a global store fed by the
 * compacted {@code voxpipe.ingest.idempotency}, key {@code <tenantId>/<sha256 of the key>}, so a
 * retry is recognised by any instance and after a restart. A COMPLETED record is never replaced by
 * a PENDING one of the same request (a late duplicate). Entries older than {@link #KEEP} are pruned
 * as newer records arrive (global processors cannot schedule punctuations), so the store holds about
 * a window of keys; the API honours a key for its own, shorter TTL.
 */
public final class IdempotencyView {

    /** How long the store keeps an entry: longer than any TTL the API is configured with. */
    public static final Duration KEEP = Duration.ofDays(7);
    private static final long PRUNE_EVERY_MILLIS = Duration.ofHours(1).toMillis();

    private IdempotencyView() {}

    public static void add(StreamsBuilder builder, SchemaRegistryClient registry) {
        builder.addGlobalStore(
                Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(ViewStores.IDEMPOTENCY), Serdes.String(), Serdes.String())
                        .withLoggingDisabled(),
                Topics.INGEST_IDEMPOTENCY,
                Consumed.with(Serdes.String(), new AvroWireSerde<>(registry, IdempotencyRecord.class, false))
                        .withName("source-" + ViewStores.IDEMPOTENCY),
                () -> new Processor<String, IdempotencyRecord, Void, Void>() {
                    private KeyValueStore<String, String> store;
                    private long lastPruneMillis;

                    @Override
                    public void init(ProcessorContext<Void, Void> context) {
                        store = context.getStateStore(ViewStores.IDEMPOTENCY);
                    }

                    @Override
                    public void process(Record<String, IdempotencyRecord> record) {
                        if (record.key() == null) return;
                        apply(store, record.key(), record.value());
                        long now = record.value() == null ? record.timestamp() : record.value().getCreatedAt().toEpochMilli();
                        if (now - lastPruneMillis >= PRUNE_EVERY_MILLIS) {
                            lastPruneMillis = now;
                            prune(store, now - KEEP.toMillis());
                        }
                    }
                });
    }

    /** Applies one record (idempotent: a restore replays records). */
    static void apply(KeyValueStore<String, String> store, String key, IdempotencyRecord value) {
        if (value == null) {
            store.delete(key);
            return;
        }
        String old = store.get(key);
        if (old != null && value.getState() == IdempotencyState.PENDING) {
            JsonObject previous = new JsonObject(old);
            if ("COMPLETED".equals(previous.getString("state"))
                    && value.getRequestHash().equals(previous.getString("requestHash"))) return;
        }
        store.put(key, doc(value).encode());
    }

    static void prune(KeyValueStore<String, String> store, long olderThanMillis) {
        List<String> old = new ArrayList<>();
        try (var it = store.all()) {
            while (it.hasNext()) {
                var kv = it.next();
                try {
                    if (new JsonObject(kv.value).getLong("createdAtMillis", 0L) < olderThanMillis) old.add(kv.key);
                } catch (RuntimeException e) {
                    old.add(kv.key); // unreadable: nothing can use it
                }
            }
        }
        old.forEach(store::delete);
    }

    public static JsonObject doc(IdempotencyRecord r) {
        return new JsonObject()
                .put("tenantId", r.getTenantId())
                .put("requestHash", r.getRequestHash())
                .put("state", r.getState().name())
                .put("resourceId", r.getResourceId())
                .put("status", r.getStatus())
                .put("body", r.getBody())
                .put("location", r.getLocation())
                .put("createdAtMillis", r.getCreatedAt().toEpochMilli());
    }
}
