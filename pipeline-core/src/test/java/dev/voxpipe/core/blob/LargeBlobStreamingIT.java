package dev.voxpipe.core.blob;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A 200 MB blob through each store in a JVM whose heap is capped at 64 MB. */
class LargeBlobStreamingIT {

    private static final long SIZE = 200L * 1024 * 1024;

    @TempDir Path dir;

    private static String runCapped(String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx64m", "-cp", System.getProperty("java.class.path"),
                LargeBlobRoundTrip.class.getName(), Long.toString(SIZE)));
        command.addAll(List.of(args));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(process.waitFor(5, TimeUnit.MINUTES), "timed out");
        assertEquals(0, process.exitValue(), output);
        return output;
    }

    @Test
    void filesystemStoreStreams200MbUnder64MbHeap() throws Exception {
        String out = runCapped("fs", dir.resolve("blobs").toString());
        assertTrue(out.contains("OK fs " + SIZE), out);
    }

    @Test
    void s3StoreStreams200MbUnder64MbHeap() throws Exception {
        try (S3TestServer server = new S3TestServer(dir.resolve("s3"))) {
            String out = runCapped("s3", server.endpoint().toString(), "voxpipe-large");
            assertTrue(out.contains("OK s3 " + SIZE), out);
        }
    }
}
