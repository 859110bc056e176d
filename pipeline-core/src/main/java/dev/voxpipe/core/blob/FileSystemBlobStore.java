package dev.voxpipe.core.blob;

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
 */
public final class FileSystemBlobStore implements BlobStore {

    private final Path root;
    private final Path staging;

    public FileSystemBlobStore(Path root) throws IOException {
        this.root = Files.createDirectories(root).toRealPath();
        this.staging = Files.createDirectories(this.root.resolve(".staging"));
    }

    public Path root() {
        return root;
    }

    @Override
    public BlobRef put(InputStream content, String contentType) throws IOException {
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
        try {
            return Files.newInputStream(resolve(key));
        } catch (NoSuchFileException e) {
            throw new NoSuchBlobException(key, describe());
        }
    }

    @Override
    public InputStream openRange(String key, long offset, long length) throws IOException {
        if (offset < 0 || length < 0) throw new IllegalArgumentException("negative range " + offset + "+" + length);
        FileChannel channel;
        try {
            channel = FileChannel.open(resolve(key), StandardOpenOption.READ);
        } catch (NoSuchFileException e) {
            throw new NoSuchBlobException(key, describe());
        }
        channel.position(offset);
        return new BoundedInputStream(Channels.newInputStream(channel), length);
    }

    @Override
    public Optional<BlobStat> stat(String key) throws IOException {
        Path path = resolve(key);
        if (!Files.isRegularFile(path)) return Optional.empty();
        return Optional.of(new BlobStat(key, Files.size(path)));
    }

    @Override
    public boolean delete(String key) throws IOException {
        return Files.deleteIfExists(resolve(key));
    }

    @Override
    public String describe() {
        return "file blob store at " + root;
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
