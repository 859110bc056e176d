package dev.voxpipe.core.blob;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FileSystemBlobStoreTest extends BlobStoreContract {

    @TempDir Path root;
    private FileSystemBlobStore store;

    @BeforeEach
    void open() throws IOException {
        store = new FileSystemBlobStore(root.resolve("blobs"));
    }

    @Override
    BlobStore store() {
        return store;
    }

    @Test
    void stagingIsEmptyAfterWritesAndNothingLandsOutsideTheRoot() throws Exception {
        store.put(new java.io.ByteArrayInputStream(randomBytes(1000, 3)), null);
        try (var staged = Files.list(store.root().resolve(".staging"))) {
            assertEquals(0, staged.count());
        }
        try (var outside = Files.list(root)) {
            assertEquals(1, outside.count(), "only the store's root directory");
        }
    }
}
