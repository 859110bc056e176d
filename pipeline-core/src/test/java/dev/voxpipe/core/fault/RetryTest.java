package dev.voxpipe.core.fault;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.voxpipe.core.blob.NoSuchBlobException;
import dev.voxpipe.core.serde.SchemaRegistryException;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.common.errors.TimeoutException;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.exception.SdkClientException;

/** Transient vs content faults, and the bounded backoff every stage shares. */
class RetryTest {

    private final SimpleMeterRegistry metrics = new SimpleMeterRegistry();
    private final List<Duration> slept = new ArrayList<>();
    private final Retry retry = new Retry("test", new Retry.Policy(Duration.ofMillis(100), Duration.ofMillis(800),
            Duration.ofSeconds(3)), metrics, slept::add);

    @Test
    void infrastructureFaultsAreTransientContentFaultsAreNot() {
        assertTrue(Faults.isTransient(new SchemaRegistryException.Unavailable("registry down", new ConnectException())));
        assertTrue(Faults.isTransient(new IllegalStateException("publish", new ExecutionException(new TimeoutException("no broker")))));
        assertTrue(Faults.isTransient(new IOException("s3", SdkClientException.create("connect refused"))));
        assertTrue(Faults.isTransient(Faults.storeFault(new IOException("disk"))));
        assertTrue(Faults.isTransient(new RuntimeException(new ConnectException("refused"))));

        assertFalse(Faults.isTransient(new SchemaRegistryException.BadWireFormat("magic byte 7")));
        assertFalse(Faults.isTransient(new SchemaRegistryException.UnknownSchemaId(42, "http://r")));
        assertFalse(Faults.isTransient(new NoSuchBlobException("a/b", "fs")));
        assertFalse(Faults.isTransient(Faults.storeFault(new NoSuchBlobException("a/b", "fs"))), "a missing blob stays content");
        assertFalse(Faults.isTransient(new IOException("FLAC frame CRC mismatch")), "a decoder's I/O error is the content's");
        assertFalse(Faults.isTransient(new IllegalArgumentException("chunk has no text")));
    }

    @Test
    void aTransientFaultIsRetriedWithGrowingBoundedBackoffUntilItPasses() throws Exception {
        AtomicInteger calls = new AtomicInteger();
        String out = retry.call("read", () -> {
            if (calls.incrementAndGet() < 6) throw new SchemaRegistryException.Unavailable("down", null);
            return "ok";
        });
        assertEquals("ok", out);
        assertEquals(6, calls.get());
        assertEquals(List.of(100L, 200L, 400L, 800L, 800L), slept.stream().map(Duration::toMillis).toList());
        assertEquals(5.0, metrics.counter("voxpipe_transient_faults_total", "stage", "test", "outcome", "retried").count());
    }

    @Test
    void aContentFaultIsRethrownAtOnceUnchanged() {
        IllegalArgumentException bad = new IllegalArgumentException("not audio");
        Exception thrown = assertThrows(IllegalArgumentException.class, () -> retry.call("decode", () -> {
            throw bad;
        }));
        assertSame(bad, thrown);
        assertTrue(slept.isEmpty());
    }

    @Test
    void aLastingTransientFaultEndsAsTransientFaultExceptionNeverAsContent() {
        // the sleeper does not sleep, so the budget is spent by wall time: give it none
        Retry quick = new Retry("test", new Retry.Policy(Duration.ofMillis(100), Duration.ofMillis(800), Duration.ZERO), metrics, slept::add);
        TransientFaultException e = assertThrows(TransientFaultException.class, () -> quick.store("open blob", () -> {
            throw new IOException("connection reset");
        }));
        assertTrue(e.getMessage().contains("open blob"), e.getMessage());
        assertTrue(Faults.isTransient(e));
        assertEquals(1.0, metrics.counter("voxpipe_transient_faults_total", "stage", "test", "outcome", "exhausted").count());
    }

    @Test
    void aBlobStreamsReadErrorsAreTheStores() {
        InputStream broken = new InputStream() {
            @Override
            public int read() throws IOException {
                throw new IOException("connection reset by peer");
            }
        };
        IOException e = assertThrows(IOException.class, () -> Faults.storeStream(broken).read());
        assertTrue(Faults.isTransient(e));
    }
}
