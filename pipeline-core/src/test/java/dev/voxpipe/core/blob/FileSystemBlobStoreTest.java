package dev.voxpipe.core.blob;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.voxpipe.core.fault.Faults;

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

    /** A volume that is unmounted (its root gone, or something else in its place) is an outage, not missing blobs. */
    @Test
    void aMissingOrReplacedRootIsAnOutageNotAMissingBlob() throws Exception {
        var ref = store.put(new java.io.ByteArrayInputStream(randomBytes(100, 4)), null);
        Path away = root.resolve("away");
        Files.move(store.root(), away);
        for (boolean replaced : new boolean[]{false, true}) {
            if (replaced) Files.writeString(store.root(), "not a directory");
            for (var call : java.util.List.<org.junit.jupiter.api.function.Executable>of(
                    () -> store.open(ref.getKey()),
                    () -> store.openRange(ref.getKey(), 0, 10),
                    () -> store.stat(ref.getKey()),
                    () -> store.delete(ref.getKey()),
                    () -> store.put(new java.io.ByteArrayInputStream(randomBytes(10, 5)), null),
                    () -> store.putAt("voices/v/x.bin", new java.io.ByteArrayInputStream(randomBytes(10, 6)), null))) {
                IOException e = assertThrows(IOException.class, call);
                assertTrue(Faults.isTransient(e), (replaced ? "replaced root: " : "missing root: ") + e);
                assertTrue(!(e instanceof NoSuchBlobException), e.toString());
            }
        }
        Files.delete(store.root());
        Files.move(away, store.root());
        try (var in = store.open(ref.getKey())) {
            assertEquals(100, in.readAllBytes().length, "the blob is back with its volume");
        }
        assertThrows(NoSuchBlobException.class, () -> store.open("voices/v/never-written.bin"));
    }

    /** A worker starting while the volume is away waits for it (WorkerMain retries transient faults), not exit 2. */
    @Test
    void openingAStoreWhoseRootIsNotADirectoryIsAnOutage() throws Exception {
        Path file = root.resolve("not-mounted");
        Files.writeString(file, "x");
        IOException direct = assertThrows(IOException.class, () -> new FileSystemBlobStore(file));
        assertTrue(Faults.isTransient(direct), direct.toString());
        RuntimeException configured = assertThrows(RuntimeException.class, () -> BlobStores.fromConfig(
                dev.voxpipe.core.config.VoxConfig.of(java.util.Map.of("voxpipe.blob.root", file.toString()))));
        assertTrue(Faults.isTransient(configured), configured.toString());
    }
}
