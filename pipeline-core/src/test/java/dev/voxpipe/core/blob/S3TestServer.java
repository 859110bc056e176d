package dev.voxpipe.core.blob;

import java.net.URI;
import java.nio.file.Path;
import java.util.Properties;
import org.gaul.s3proxy.AuthenticationType;
import org.gaul.s3proxy.S3Proxy;
import org.jclouds.ContextBuilder;
import org.jclouds.blobstore.BlobStoreContext;

/** A real S3-API server for tests: s3proxy over jclouds' filesystem backend, on 127.0.0.1. */
final class S3TestServer implements AutoCloseable {

    static final String ACCESS_KEY = "voxpipe-test";
    static final String SECRET_KEY = "voxpipe-test-secret";

    private final S3Proxy proxy;
    private final BlobStoreContext context;

    S3TestServer(Path dir) throws Exception {
        Properties props = new Properties();
        props.setProperty("jclouds.filesystem.basedir", dir.toAbsolutePath().toString());
        context = ContextBuilder.newBuilder("filesystem")
                .credentials(ACCESS_KEY, SECRET_KEY)
                .overrides(props)
                .build(BlobStoreContext.class);
        proxy = S3Proxy.builder()
                .blobStore(context.getBlobStore())
                .endpoint(URI.create("http://127.0.0.1:0"))
                .awsAuthentication(AuthenticationType.AWS_V2_OR_V4, ACCESS_KEY, SECRET_KEY)
                .build();
        proxy.start();
        long deadline = System.currentTimeMillis() + 10_000;
        while (!"STARTED".equals(proxy.getState())) {
            if (System.currentTimeMillis() > deadline) throw new IllegalStateException("s3proxy did not start");
            Thread.sleep(20);
        }
    }

    URI endpoint() {
        return URI.create("http://127.0.0.1:" + proxy.getPort());
    }

    S3BlobStore.Settings settings(String bucket) {
        return new S3BlobStore.Settings(endpoint(), "us-east-1", bucket, "", ACCESS_KEY, SECRET_KEY, true, true);
    }

    @Override
    public void close() throws Exception {
        proxy.stop();
        context.close();
    }
}
