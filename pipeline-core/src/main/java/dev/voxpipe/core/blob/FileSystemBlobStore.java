package dev.voxpipe.core.blob;

import dev.voxpipe.core.fault.Faults.StoreUnavailableException;
import dev.voxpipe.core.io.BoundedInputStream;
import dev.voxpipe.schemas.common.BlobRef;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.HexFormat;
import java.util.Optional;
import java.util.UUID;

/**
 * Blobs as files under one root. Writes go to a temporary file in the same file system, are
 * flushed to disk, then renamed into place, so a reader never sees half a blob.
 *
 * <p>The root is a mount in a cluster (a network file system, a volume): when it is gone or is no
 * longer a directory, every call says the store is unavailable ({@link StoreUnavailableException},
 * a transient fault), never that a blob is missing, which would dead-letter good records.
 */
public final class FileSystemBlobStore implements BlobStore {

    private final Path root;
    private final Path staging;

    public FileSystemBlobStore(Path root) throws IOException {
        if (Files.exists(root) && !Files.isDirectory(root)) {
            // something else where the volume should be mounted: an outage, not a configuration to create
            throw new StoreUnavailableException("file blob store at " + root + " is unavailable: it is not a directory (volume unmounted?)");
        }
        this.root = Files.createDirectories(root).toRealPath();
        this.staging = Files.createDirectories(this.root.resolve(".staging"));
    }

    public Path root() {
        return root;
    }

    @Override
    public BlobRef put(InputStream content, String contentType) throws IOException {
        requireAvailable();
        Path temp = staging.resolve(UUID.randomUUID() + ".part");
        try {
            HashingInputStream hashing = new HashingInputStream(content);
            writeDurably(hashing, temp);
            byte[] sha = hashing.sha256();
            String key = BlobKeys.contentAddressed(sha);
            Path target = resolve(key);
            Files.createDirectories(target.getParent());
            if (Files.exists(target)) {
                Files.delete(temp); // same bytes already stored
            } else {
                moveIntoPlace(temp, target);
            }
            return new BlobRef(key, HexFormat.of().formatHex(sha), hashing.count(), contentType);
        } finally {
            Files.deleteIfExists(temp);
        }
    }

    @Override
    public BlobRef putAt(String key, InputStream content, String contentType) throws IOException {
        Path target = resolve(key);
        requireAvailable();
        Path temp = staging.resolve(UUID.randomUUID() + ".part");
        try {
            HashingInputStream hashing = new HashingInputStream(content);
            writeDurably(hashing, temp);
            Files.createDirectories(target.getParent());
            moveIntoPlace(temp, target);
            return new BlobRef(key, HexFormat.of().formatHex(hashing.sha256()), hashing.count(), contentType);
        } finally {
            Files.deleteIfExists(temp);
        }
    }

    @Override
    public InputStream open(String key) throws IOException {
        Path path = resolve(key);
        try {
            return Files.newInputStream(path);
        } catch (IOException e) {
            throw readFault(e, key);
        }
    }

    @Override
    public InputStream openRange(String key, long offset, long length) throws IOException {
        if (offset < 0 || length < 0) throw new IllegalArgumentException("negative range " + offset + "+" + length);
        FileChannel channel;
        Path path = resolve(key);
        try {
            channel = FileChannel.open(path, StandardOpenOption.READ);
        } catch (IOException e) {
            throw readFault(e, key);
        }
        channel.position(offset);
        return new BoundedInputStream(Channels.newInputStream(channel), length);
    }

    @Override
    public Optional<BlobStat> stat(String key) throws IOException {
        Path path = resolve(key);
        if (!Files.isRegularFile(path)) {
            requireAvailable();
            return Optional.empty();
        }
        return Optional.of(new BlobStat(key, Files.size(path)));
    }

    @Override
    public boolean delete(String key) throws IOException {
        Path path = resolve(key);
        requireAvailable();
        return Files.deleteIfExists(path);
    }

    @Override
    public String describe() {
        return "file blob store at " + root;
    }

    /** A failed open: the store's outage if its root is gone, else a missing blob, else the error itself. */
    private IOException readFault(IOException e, String key) throws StoreUnavailableException {
        requireAvailable();
        return e instanceof NoSuchFileException ? new NoSuchBlobException(key, describe()) : e;
    }

    /**
     * Throws unless the root is a directory. The staging directory is made again if only it is gone (a root
     * restored from a backup); a missing root is not made again, since that would hide an unmounted volume
     * behind an empty store.
     */
    private void requireAvailable() throws StoreUnavailableException {
        if (!Files.isDirectory(root)) {
            throw new StoreUnavailableException(describe() + " is unavailable: " + root + " is not a directory (volume unmounted?)");
        }
        if (!Files.isDirectory(staging)) {
            try {
                Files.createDirectories(staging);
            } catch (IOException e) {
                throw new StoreUnavailableException(e);
            }
        }
    }

    /** Maps a validated key to a path and double-checks it stays under the root. */
    Path resolve(String key) {
        Path path = root.resolve(BlobKeys.validate(key)).normalize();
        if (!path.startsWith(root) || path.startsWith(staging)) {
            throw new BlobKeys.InvalidBlobKeyException(key, "it resolves outside the store");
        }
        return path;
    }

    private static void writeDurably(InputStream in, Path temp) throws IOException {
        try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
             OutputStream out = Channels.newOutputStream(channel)) {
            in.transferTo(out);
            out.flush();
            channel.force(true);
        }
    }

    private static void moveIntoPlace(Path temp, Path target) throws IOException {
        try {
            Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException | FileAlreadyExistsException e) {
            Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING);
        }
    }
}
