package dev.voxpipe.core.blob;

import dev.voxpipe.core.config.VoxConfig;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Path;

/** Builds the configured store: {@code voxpipe.blob.store=fs} (default) or {@code s3}. */
public final class BlobStores {

    private BlobStores() {}

    public static BlobStore fromConfig(VoxConfig config) {
        String kind = config.get("voxpipe.blob.store", "fs");
        return switch (kind) {
            case "fs", "file", "filesystem" -> {
                Path root = Path.of(config.get("voxpipe.blob.root", "data/blobs"));
                try {
                    yield new FileSystemBlobStore(root);
                } catch (IOException e) {
                    throw new UncheckedIOException("cannot open blob root " + root.toAbsolutePath(), e);
                }
            }
            case "s3" -> S3BlobStore.connect(new S3BlobStore.Settings(
                    config.find("voxpipe.blob.s3.endpoint").map(URI::create).orElse(null),
                    config.get("voxpipe.blob.s3.region", "us-east-1"),
                    config.require("voxpipe.blob.s3.bucket"),
                    config.get("voxpipe.blob.s3.prefix", ""),
                    config.find("voxpipe.blob.s3.access-key").orElse(null),
                    config.find("voxpipe.blob.s3.secret-key").orElse(null),
                    config.getBoolean("voxpipe.blob.s3.path-style", true),
                    config.getBoolean("voxpipe.blob.s3.create-bucket", false)));
            default -> throw new IllegalArgumentException(
                    "voxpipe.blob.store must be 'fs' or 's3', got '" + kind + "'");
        };
    }
}
