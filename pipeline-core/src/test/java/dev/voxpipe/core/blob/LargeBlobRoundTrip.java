package dev.voxpipe.core.blob;

import dev.voxpipe.schemas.common.BlobRef;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.SplittableRandom;

/**
 * Run in a child JVM with a small heap by {@link LargeBlobStreamingIT}: streams a large generated
 * blob into a store and back, and fails if the digests differ. With {@code -Xmx64m}, a 200 MB
 * blob only gets through if nothing holds it whole.
 */
public final class LargeBlobRoundTrip {

    public static void main(String[] args) throws Exception {
        long size = Long.parseLong(args[0]);
        BlobStore store = switch (args[1]) {
            case "fs" -> new FileSystemBlobStore(Path.of(args[2]));
            case "s3" -> S3BlobStore.connect(new S3BlobStore.Settings(URI.create(args[2]), "us-east-1", args[3], "",
                    S3TestServer.ACCESS_KEY, S3TestServer.SECRET_KEY, true, true));
            default -> throw new IllegalArgumentException(args[1]);
        };
        try (store) {
            GeneratedStream source = new GeneratedStream(size);
            BlobRef ref = store.put(source, "application/octet-stream");
            String expected = HexFormat.of().formatHex(source.digest.digest());
            if (!expected.equals(ref.getSha256()) || ref.getSizeBytes() != size) {
                throw new AssertionError("stored " + ref + ", expected sha256 " + expected + " size " + size);
            }
            MessageDigest readBack = MessageDigest.getInstance("SHA-256");
            long read = 0;
            byte[] buffer = new byte[64 * 1024];
            try (InputStream in = store.open(ref.getKey())) {
                for (int n; (n = in.read(buffer)) > 0; ) {
                    readBack.update(buffer, 0, n);
                    read += n;
                }
            }
            String actual = HexFormat.of().formatHex(readBack.digest());
            if (!expected.equals(actual) || read != size) {
                throw new AssertionError("read back " + read + " bytes with sha256 " + actual);
            }
            Runtime rt = Runtime.getRuntime();
            System.out.printf("OK %s %d bytes, max heap %d MiB%n", args[1], size, rt.maxMemory() >> 20);
        }
    }

    /** Deterministic pseudo-random bytes, produced on demand and hashed as they go. */
    static final class GeneratedStream extends InputStream {
        private final SplittableRandom random = new SplittableRandom(20261121);
        final MessageDigest digest;
        private long remaining;

        GeneratedStream(long size) throws Exception {
            this.remaining = size;
            this.digest = MessageDigest.getInstance("SHA-256");
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) {
            if (remaining == 0) return -1;
            int n = (int) Math.min(len, remaining);
            for (int i = 0; i < n; i++) b[off + i] = (byte) random.nextInt(256);
            digest.update(b, off, n);
            remaining -= n;
            return n;
        }
    }
}
