package dev.voxpipe.ingest.views;

import dev.voxpipe.core.config.VoxConfig;
import dev.voxpipe.core.serde.SchemaRegistryClient;
import dev.voxpipe.core.worker.StreamsSettings;
import dev.voxpipe.core.worker.StreamsWorker;
import dev.voxpipe.ingest.api.ApiException;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StoreQueryParameters;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.apache.kafka.streams.errors.LogAndContinueExceptionHandler;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.QueryableStoreTypes;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the view topology and answers interactive queries on its global stores. Also remembers,
 * for a short while, what this instance itself just wrote: the global stores catch up within
 * milliseconds, and this closes the gap so a client can read its own write at once.
 */
public final class Views implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(Views.class);
    private static final long RECENT_TTL_NANOS = Duration.ofMinutes(2).toNanos();
    private static final long RECENT_PRUNE_NANOS = Duration.ofSeconds(5).toNanos();
    /** Bounds the heap this takes (about 0.5 KB an entry) under a sustained burst of writes. */
    private static final int RECENT_MAX = 20_000;

    private final KafkaStreams streams;
    private final int retryAfterSeconds;
    private final Map<String, Recent> recent = new ConcurrentHashMap<>();
    private final Map<String, ReadOnlyKeyValueStore<String, String>> handles = new ConcurrentHashMap<>();

    private record Recent(String value, long atNanos) {}

    public Views(VoxConfig config, SchemaRegistryClient registry, String applicationId, Path stateDir,
                 int retryAfterSeconds) {
        try {
            Files.createDirectories(stateDir);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException("cannot create the state directory " + stateDir, e);
        }
        Properties props = StreamsSettings.base(config, applicationId, stateDir.toAbsolutePath().toString());
        props.put(StreamsConfig.DESERIALIZATION_EXCEPTION_HANDLER_CLASS_CONFIG, LogAndContinueExceptionHandler.class);
        props.put(StreamsConfig.STATESTORE_CACHE_MAX_BYTES_CONFIG, 0);
        props.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, 1000);
        props.put(StreamsConfig.globalConsumerPrefix(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG), 50);
        props.put(StreamsConfig.globalConsumerPrefix(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG), "earliest");
        // chunk results and completions are written in transactions: a view that read uncommitted
        // records counted the chunks of a worker killed before its commit, which another worker redoes
        props.put(StreamsConfig.globalConsumerPrefix(ConsumerConfig.ISOLATION_LEVEL_CONFIG), "read_committed");
        props.put(StreamsConfig.consumerPrefix(ConsumerConfig.ISOLATION_LEVEL_CONFIG), "read_committed");
        props.put(StreamsConfig.ROCKSDB_CONFIG_SETTER_CLASS_CONFIG, SmallRocksDb.class);
        this.streams = new KafkaStreams(ViewTopology.build(registry), props);
        this.retryAfterSeconds = retryAfterSeconds;
        streams.setStateListener((now, before) -> log.info("views: {} -> {}", before, now));
        streams.setUncaughtExceptionHandler(StreamsWorker.replaceThread("ingest views"));
    }

    public void start() {
        streams.start();
    }

    public KafkaStreams.State state() {
        return streams.state();
    }

    public boolean running() {
        return streams.state() == KafkaStreams.State.RUNNING;
    }

    /** Blocks until RUNNING or the timeout passes; for start-up and tests, never on an event loop. */
    public boolean awaitRunning(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!running()) {
            if (System.nanoTime() > deadline || streams.state().hasCompletedShutdown()) return false;
            Thread.sleep(50);
        }
        return true;
    }

    public void remember(String store, String key, JsonObject doc) {
        long now = System.nanoTime();
        if (recent.size() >= RECENT_MAX) {
            // The global stores catch up in milliseconds: entries older than a few seconds are no longer needed.
            recent.values().removeIf(r -> now - r.atNanos > RECENT_PRUNE_NANOS);
            if (recent.size() >= RECENT_MAX) recent.clear(); // only costs read-your-write freshness
        }
        recent.put(store + "\u0000" + key, new Recent(doc.encode(), now));
    }

    /** What this instance itself wrote under the key in the last two minutes, whatever the store holds. */
    public Optional<JsonObject> recent(String store, String key) {
        Recent r = recent.get(store + "\u0000" + key);
        if (r == null || System.nanoTime() - r.atNanos >= RECENT_TTL_NANOS) return Optional.empty();
        return Optional.of(new JsonObject(r.value));
    }

    /** Drops what this instance remembered under a key (a deletion must not be answered from memory). */
    public void forget(String store, String key) {
        recent.remove(store + "\u0000" + key);
    }

    /** Drops everything this instance remembered under a key prefix. */
    public void forgetPrefix(String store, String prefix) {
        String full = store + "\u0000" + prefix;
        recent.keySet().removeIf(k -> k.startsWith(full));
    }

    /** A store's value as it is stored (for the stores whose values are not JSON documents). */
    public Optional<String> getRaw(String store, String key) {
        try {
            return Optional.ofNullable(store(store).get(key));
        } catch (InvalidStateStoreException e) {
            throw ApiException.unavailable("the status views are not ready; retry shortly", retryAfterSeconds);
        }
    }

    public Optional<JsonObject> get(String store, String key) {
        String value;
        try {
            value = store(store).get(key);
        } catch (InvalidStateStoreException e) {
            throw ApiException.unavailable("the status views are not ready; retry shortly", retryAfterSeconds);
        }
        if (value == null) {
            Recent r = recent.get(store + "\u0000" + key);
            if (r != null) {
                if (System.nanoTime() - r.atNanos < RECENT_TTL_NANOS) return Optional.of(new JsonObject(r.value));
                recent.remove(store + "\u0000" + key);
            }
            return Optional.empty();
        }
        return Optional.of(new JsonObject(value));
    }

    /** Keys and values under a prefix, in key order, starting after {@code afterKey} (exclusive), at most {@code limit}. */
    public List<Map.Entry<String, String>> scan(String store, String prefix, String afterKey, int limit) {
        List<Map.Entry<String, String>> out = new ArrayList<>();
        String from = afterKey == null ? prefix : afterKey + "\u0000";
        String to = prefix + "\uffff";
        try (KeyValueIterator<String, String> it = store(store).range(from, to)) {
            while (it.hasNext() && out.size() < limit) {
                var kv = it.next();
                if (!kv.key.startsWith(prefix)) break;
                out.add(Map.entry(kv.key, kv.value));
            }
        } catch (InvalidStateStoreException e) {
            throw ApiException.unavailable("the status views are not ready; retry shortly", retryAfterSeconds);
        }
        return out;
    }

    /** Keys this instance wrote recently under a prefix and that the store does not show yet. */
    public List<String> recentKeys(String store, String prefix) {
        String full = store + "\u0000" + prefix;
        List<String> keys = new ArrayList<>();
        long now = System.nanoTime();
        recent.forEach((k, r) -> {
            if (k.startsWith(full) && now - r.atNanos < RECENT_TTL_NANOS) keys.add(k.substring(store.length() + 1));
        });
        return keys;
    }

    private ReadOnlyKeyValueStore<String, String> store(String name) {
        ReadOnlyKeyValueStore<String, String> handle = handles.get(name);
        if (handle != null) return handle;
        if (!running()) {
            throw ApiException.unavailable("the status views are " + streams.state().name().toLowerCase()
                    + "; retry shortly", retryAfterSeconds);
        }
        try {
            handle = streams.store(StoreQueryParameters.fromNameAndType(name, QueryableStoreTypes.keyValueStore()));
        } catch (InvalidStateStoreException e) {
            throw ApiException.unavailable("the status views are not ready; retry shortly", retryAfterSeconds);
        }
        handles.put(name, handle);
        return handle;
    }

    @Override
    public void close() {
        streams.close(Duration.ofSeconds(20));
    }
}
