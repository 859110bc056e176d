package dev.voxpipe.core.fault;

import dev.voxpipe.core.blob.NoSuchBlobException;
import dev.voxpipe.core.serde.SchemaRegistryException;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.net.http.HttpTimeoutException;
import java.nio.channels.ClosedChannelException;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.common.errors.RetriableException;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.SdkClientException;

/**
 * The one classification of failures every stage uses: a <b>transient</b> fault is the
 * infrastructure's (the blob store, the schema registry or the broker is unreachable, slow or
 * overloaded) and passes by itself, so the stage waits and retries; a <b>content</b> fault is the
 * record's (undecodable bytes, a missing blob, a lying header) and never passes, so the record
 * becomes a dead letter with its reason. Anything not recognised as transient is content: a stage
 * never waits forever on a record that cannot succeed.
 */
public final class Faults {

    private Faults() {}

    /** Whether {@code error} (or the cause that decides it) is a transient infrastructure fault. */
    public static boolean isTransient(Throwable error) {
        Throwable t = error;
        for (int depth = 0; t != null && depth < 12; depth++) {
            Boolean decided = decide(t);
            if (decided != null) return decided;
            t = t.getCause() == t ? null : t.getCause();
        }
        return false;
    }

    /** True: transient; false: content; null: look at the cause. */
    private static Boolean decide(Throwable t) {
        if (t instanceof TransientFaultException) return true;
        if (t instanceof SchemaRegistryException.Unavailable) return true;
        if (t instanceof SchemaRegistryException) return false; // bad wire format, unknown id, incompatible, refused
        if (t instanceof NoSuchBlobException || t instanceof FileNotFoundException) return false;
        if (t instanceof RetriableException) return true; // Kafka: timeouts, network, not enough replicas, ...
        if (t instanceof org.apache.kafka.common.errors.InterruptException) return true;
        if (t instanceof AwsServiceException aws) {
            int status = aws.statusCode();
            return status >= 500 || status == 429 || aws.isThrottlingException();
        }
        if (t instanceof SdkClientException) return true; // no answer from the S3 endpoint
        if (t instanceof ConnectException || t instanceof NoRouteToHostException || t instanceof SocketTimeoutException
                || t instanceof UnknownHostException || t instanceof HttpTimeoutException || t instanceof ClosedChannelException
                || t instanceof SocketException) return true;
        if (t instanceof ExecutionException || t instanceof UncheckedIOException) return null;
        if (t instanceof StoreUnavailableException) return true;
        if (t instanceof IOException) {
            // a store's I/O error says so through its cause (an S3 client error, a refused connection) or
            // was tagged by storeFault; any other I/O error (a decoder's, EOF in a file) describes the content
            Throwable cause = t.getCause();
            if (cause != null && cause != t) {
                Boolean byCause = decideChain(cause);
                if (byCause != null) return byCause;
            }
            return false;
        }
        return null;
    }

    /**
     * An I/O error of a blob-store call: a missing blob stays what it is (content); anything else
     * (the store is unreachable, a disk or network error) is tagged as transient.
     */
    public static IOException storeFault(IOException e) {
        if (e instanceof NoSuchBlobException || e instanceof FileNotFoundException || e instanceof StoreUnavailableException) return e;
        return new StoreUnavailableException(e);
    }

    /** A blob's bytes as they stream in: a read error is the store's (transient), not the content's. */
    public static java.io.InputStream storeStream(java.io.InputStream in) {
        return new java.io.FilterInputStream(in) {
            @Override
            public int read() throws IOException {
                try {
                    return super.read();
                } catch (IOException e) {
                    throw storeFault(e);
                }
            }

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                try {
                    return super.read(b, off, len);
                } catch (IOException e) {
                    throw storeFault(e);
                }
            }

            @Override
            public long skip(long n) throws IOException {
                try {
                    return super.skip(n);
                } catch (IOException e) {
                    throw storeFault(e);
                }
            }
        };
    }

    /** A blob-store I/O error: transient. */
    public static final class StoreUnavailableException extends IOException {
        public StoreUnavailableException(IOException cause) {
            super("blob store: " + cause.getMessage(), cause);
        }

        public StoreUnavailableException(String message) {
            super(message);
        }
    }

    private static Boolean decideChain(Throwable t) {
        for (int depth = 0; t != null && depth < 12; depth++) {
            Boolean decided = decide(t);
            if (decided != null) return decided;
            t = t.getCause() == t ? null : t.getCause();
        }
        return null;
    }
}
