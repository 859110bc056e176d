package dev.voxpipe.core.blob;

import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;

/** The blob-store contract against a real S3-API server (s3proxy, filesystem-backed). */
class S3BlobStoreIT extends BlobStoreContract {

    @TempDir static Path dir;
    private static S3TestServer server;
    private static S3BlobStore store;

    @BeforeAll
    static void start() throws Exception {
        server = new S3TestServer(dir);
        store = S3BlobStore.connect(server.settings("voxpipe-contract"));
    }

    @AfterAll
    static void stop() throws Exception {
        store.close();
        server.close();
    }

    @Override
    BlobStore store() {
        return store;
    }
}
