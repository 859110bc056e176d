package dev.voxpipe.ingest.upload;

import io.vertx.core.Context;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.streams.ReadStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Turns a Vert.x body stream into a blocking {@link InputStream} for a worker thread, with
 * back-pressure: the source is paused while more than {@code highWater} bytes wait, and resumed
 * (on its own context) once the reader has drained them below a quarter of that. It also counts
 * bytes and fails with {@link TooLargeException} past {@code maxBytes}.
 */
public final class BodyInputStream extends InputStream {

    public static final class TooLargeException extends IOException {
        public TooLargeException(long max) {
            super("the upload is larger than " + max + " bytes", null);
        }
    }

    private static final Object END = new Object();

    private final LinkedBlockingQueue<Object> queue = new LinkedBlockingQueue<>();
    private final AtomicLong queued = new AtomicLong();
    private final AtomicBoolean paused = new AtomicBoolean();
    private final AtomicLong received = new AtomicLong();
    private final Context context;
    private final ReadStream<Buffer> source;
    private final long highWater;
    private final long maxBytes;
    private final long idleTimeoutMillis;
    private Buffer current;
    private int position;
    private boolean ended;

    public BodyInputStream(Context context, ReadStream<Buffer> source, long highWater, long maxBytes, long idleTimeoutMillis) {
        this.context = context;
        this.source = source;
        this.highWater = highWater;
        this.maxBytes = maxBytes;
        this.idleTimeoutMillis = idleTimeoutMillis;
    }

    /** Installs the handlers on the source; call on the source's context. */
    public BodyInputStream attach() {
        source.handler(this::offer);
        source.endHandler(v -> queue.add(END));
        source.exceptionHandler(e -> queue.add(e instanceof IOException io ? io : new IOException(e.getMessage(), e)));
        source.resume();
        return this;
    }

    private void offer(Buffer buffer) {
        long total = received.addAndGet(buffer.length());
        if (total > maxBytes) {
            if (total - buffer.length() <= maxBytes) queue.add(new TooLargeException(maxBytes));
            return; // drop the rest; the handler answers 413 and closes the connection
        }
        queue.add(buffer);
        if (queued.addAndGet(buffer.length()) > highWater && paused.compareAndSet(false, true)) {
            source.pause();
        }
    }

    public long received() {
        return Math.min(received.get(), maxBytes);
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        int n = read(one, 0, 1);
        return n < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        if (len == 0) return 0;
        if (!fill()) return -1;
        int n = Math.min(len, current.length() - position);
        current.getBytes(position, position + n, b, off);
        position += n;
        return n;
    }

    private boolean fill() throws IOException {
        while (current == null || position >= current.length()) {
            if (ended) return false;
            Object next;
            try {
                next = queue.poll(idleTimeoutMillis, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new InterruptedIOException("interrupted while reading the upload");
            }
            if (next == null) throw new IOException("the client sent nothing for " + idleTimeoutMillis + " ms");
            if (next == END) {
                ended = true;
                return false;
            }
            if (next instanceof IOException e) throw e;
            current = (Buffer) next;
            position = 0;
            long left = queued.addAndGet(-current.length());
            if (left < highWater / 4 && paused.compareAndSet(true, false)) {
                context.runOnContext(v -> source.resume());
            }
        }
        return true;
    }
}
