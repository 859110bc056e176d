package dev.voxpipe.core.worker;

import java.util.Map;
import org.apache.kafka.streams.state.RocksDBConfigSetter;
import org.rocksdb.BlockBasedTableConfig;
import org.rocksdb.Cache;
import org.rocksdb.LRUCache;
import org.rocksdb.Options;
import org.rocksdb.WriteBufferManager;

/**
 * Every RocksDB store of a Streams app shares one block cache that also accounts for the memtables, sized by
 * {@code voxpipe.streams.rocksdb-memory-bytes} (env VOXPIPE_STREAMS_ROCKSDB_MEMORY_BYTES; default 64 MiB). Without it
 * each store takes RocksDB's defaults (a 50 MiB cache and up to three 16 MiB memtables apiece), native memory outside
 * the heap that a container's memory limit does not leave room for. compose/docker-compose.yml sets the budget per
 * service next to its memory limit and heap share.
 */
public final class BoundedRocksDb implements RocksDBConfigSetter {

    /** The Streams property (passed through to {@link #setConfig}) that carries the budget. */
    public static final String MEMORY_BYTES = "voxpipe.streams.rocksdb-memory-bytes";
    public static final long DEFAULT_MEMORY_BYTES = 64L * 1024 * 1024;

    private static Cache cache;
    private static WriteBufferManager writeBuffers;
    private static long budget;

    /** The shared cache, made once per process with the first store's budget (every store of an app has the same). */
    static synchronized long budget(Map<String, Object> configs) {
        if (cache == null) {
            Object configured = configs.get(MEMORY_BYTES);
            budget = configured == null ? DEFAULT_MEMORY_BYTES : Long.parseLong(configured.toString().strip());
            if (budget < 8L * 1024 * 1024) {
                throw new IllegalArgumentException(MEMORY_BYTES + " must be at least 8 MiB, got " + budget);
            }
            cache = new LRUCache(budget);
            // memtables count against the cache: half of it at most, so reads keep the other half
            writeBuffers = new WriteBufferManager(budget / 2, cache);
        }
        return budget;
    }

    @Override
    public void setConfig(String storeName, Options options, Map<String, Object> configs) {
        budget(configs);
        BlockBasedTableConfig table = (BlockBasedTableConfig) options.tableFormatConfig();
        table.setBlockCache(cache);
        table.setCacheIndexAndFilterBlocks(true);
        options.setWriteBufferManager(writeBuffers);
        options.setWriteBufferSize(Math.min(16L * 1024 * 1024, budget / 8));
        options.setMaxWriteBufferNumber(2);
        options.setTableFormatConfig(table);
    }

    @Override
    public void close(String storeName, Options options) {
        // the cache and the write buffer manager are shared for the life of the process
    }
}
