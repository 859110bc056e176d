package dev.voxpipe.core.blob;

import dev.voxpipe.schemas.common.BlobRef;
import java.io.IOException;
import java.io.InputStream;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Another store behind a switch that simulates its outage: while {@link #down()} is set, every read and write fails
 * with the I/O error an unreachable S3 endpoint gives ({@code delete} stays available, as a cleanup must). For fault
 * tests of the stages: what they do when the store is away, and that they carry on when it is back.
 */
public final class OutageBlobStore implements BlobStore {

    private final BlobStore store;
    private final AtomicBoolean down = new AtomicBoolean();
    private final AtomicInteger failures = new AtomicInteger();

    public OutageBlobStore(BlobStore store) {
        this.store = store;
    }

    /** The switch: set it to take the store away, clear it to bring it back. */
    public AtomicBoolean down() {
        return down;
    }

    /** Calls refused so far. */
    public int failures() {
        return failures.get();
    }

    private void check() throws IOException {
        if (down.get()) {
            failures.incrementAndGet();
            throw new IOException("cannot reach s3://voxpipe: Connection refused");
        }
    }

    @Override public BlobRef put(InputStream content, String contentType) throws IOException { check(); return store.put(content, contentType); }
    @Override public BlobRef putAt(String key, InputStream content, String contentType) throws IOException { check(); return store.putAt(key, content, contentType); }
    @Override public InputStream open(String key) throws IOException { check(); return store.open(key); }
    @Override public InputStream openRange(String key, long offset, long length) throws IOException { check(); return store.openRange(key, offset, length); }
    @Override public Optional<BlobStat> stat(String key) throws IOException { check(); return store.stat(key); }
    @Override public boolean delete(String key) throws IOException { return store.delete(key); }
    @Override public String describe() { return "outage-switched " + store.describe(); }
}
