package dev.voxpipe.core.blob;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.voxpipe.schemas.common.BlobRef;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** What every blob store must do; each implementation's test extends this. */
abstract class BlobStoreContract {

    abstract BlobStore store();

    static byte[] randomBytes(int size, long seed) {
        byte[] bytes = new byte[size];
        new Random(seed).nextBytes(bytes);
        return bytes;
    }

    static String sha256(byte[] bytes) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    }

    @Test
    void contentAddressedPutReturnsDigestSizeAndKey() throws Exception {
        byte[] content = randomBytes(100_000, 1);
        BlobRef ref = store().put(new ByteArrayInputStream(content), "audio/wav");
        assertEquals(sha256(content), ref.getSha256());
        assertEquals(content.length, ref.getSizeBytes());
        assertEquals("sha256/" + ref.getSha256().substring(0, 2) + "/" + ref.getSha256().substring(2, 4) + "/"
                + ref.getSha256(), ref.getKey());
        try (InputStream in = store().open(ref.getKey())) {
            assertArrayEquals(content, in.readAllBytes());
        }
        assertEquals(ref, store().put(new ByteArrayInputStream(content), "audio/wav"), "same bytes, same ref");
    }

    @Test
    void namedPutReplacesAndRangeReadsReturnTheSlice() throws Exception {
        String key = "checkpoints/job-1/step-100.ckpt";
        store().putAt(key, new ByteArrayInputStream("old".getBytes(StandardCharsets.UTF_8)), null);
        byte[] content = randomBytes(50_000, 2);
        store().putAt(key, new ByteArrayInputStream(content), "application/octet-stream");
        assertEquals(content.length, store().stat(key).orElseThrow().sizeBytes());
        try (InputStream in = store().openRange(key, 1000, 500)) {
            byte[] expected = java.util.Arrays.copyOfRange(content, 1000, 1500);
            assertArrayEquals(expected, in.readAllBytes());
        }
        try (InputStream in = store().openRange(key, content.length - 10, 500)) {
            assertEquals(10, in.readAllBytes().length, "a range past the end is cut at the end");
        }
        assertTrue(store().delete(key));
        assertFalse(store().stat(key).isPresent());
        assertFalse(store().delete(key));
    }

    @Test
    void missingBlobIsNoSuchBlob() {
        assertThrows(NoSuchBlobException.class, () -> store().open("audio/never-written.wav").close());
        assertThrows(NoSuchBlobException.class, () -> store().openRange("audio/never-written.wav", 0, 5).close());
    }

    @ParameterizedTest
    @ValueSource(strings = {"../escape", "a/../../etc/passwd", "/etc/passwd", "a//b", "a/./b", ".staging/x",
            "..", "a\\b", "a/b/", "", "a b", "%2e%2e/x", "ok/\u0000nul"})
    void keysThatCouldEscapeOrAreMalformedAreRefused(String key) {
        assertThrows(BlobKeys.InvalidBlobKeyException.class, () -> store().open(key).close());
        assertThrows(BlobKeys.InvalidBlobKeyException.class,
                () -> store().putAt(key, new ByteArrayInputStream(new byte[] {1}), null));
    }

    @Test
    void aFailingUploadLeavesNothingBehind() throws Exception {
        String key = "uploads/interrupted.bin";
        InputStream failing = new InputStream() {
            int served;
            @Override public int read() throws IOException {
                if (served++ > 10_000) throw new IOException("client went away");
                return 7;
            }
        };
        assertThrows(IOException.class, () -> store().putAt(key, failing, null));
        assertFalse(store().stat(key).isPresent(), "no half-written blob is visible");
    }
}
