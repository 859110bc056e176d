package dev.voxpipe.core.blob;

import dev.voxpipe.schemas.common.BlobRef;
import java.io.IOException;
import java.io.InputStream;
import java.util.Optional;

/**
 * Where large bytes live (uploads, clips, checkpoints, audio); messages carry a {@link BlobRef}.
 * Every method streams: no implementation holds a whole blob in memory.
 */
public interface BlobStore extends AutoCloseable {

    /** Stores content under its SHA-256 ({@code sha256/ab/cd/<hex>}); storing the same bytes twice is free. */
    BlobRef put(InputStream content, String contentType) throws IOException;

    /** Stores content under a chosen key, replacing what was there atomically. */
    BlobRef putAt(String key, InputStream content, String contentType) throws IOException;

    /** The whole blob; {@link NoSuchBlobException} when absent. */
    InputStream open(String key) throws IOException;

    /** {@code length} bytes from {@code offset} (fewer at the end of the blob), for HTTP Range reads. */
    InputStream openRange(String key, long offset, long length) throws IOException;

    Optional<BlobStat> stat(String key) throws IOException;

    boolean delete(String key) throws IOException;

    /** Where the store is, for logs and errors. */
    String describe();

    @Override
    default void close() throws IOException {}

    record BlobStat(String key, long sizeBytes) {}
}
