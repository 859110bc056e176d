package dev.voxpipe.core.blob;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/** Counts and SHA-256-hashes what passes through, so stores hash while they stream. */
final class HashingInputStream extends FilterInputStream {

    private final MessageDigest digest;
    private long count;

    HashingInputStream(InputStream in) {
        super(in);
        try {
            this.digest = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required by the Java platform", e);
        }
    }

    @Override
    public int read() throws IOException {
        int b = super.read();
        if (b >= 0) {
            digest.update((byte) b);
            count++;
        }
        return b;
    }

    @Override
    public int read(byte[] buffer, int offset, int length) throws IOException {
        int n = super.read(buffer, offset, length);
        if (n > 0) {
            digest.update(buffer, offset, n);
            count += n;
        }
        return n;
    }

    @Override
    public long skip(long n) {
        throw new UnsupportedOperationException("hashing stream cannot skip");
    }

    @Override
    public boolean markSupported() {
        return false;
    }

    long count() {
        return count;
    }

    byte[] sha256() {
        return digest.digest();
    }
}
