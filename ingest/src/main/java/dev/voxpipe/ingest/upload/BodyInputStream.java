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
 * bytes and fails with {@link TooLargeException} past {@code maxBytes}, and with
 * {@link TooSlowException} when the client sends nothing for the idle timeout or, after a grace
 * period, sends slower than the minimum rate: a reader waits on the client only that long, so a
 * stalled or trickling upload cannot hold a blob thread.
 */
public final class BodyInputStream extends InputStream {

    public static final class TooLargeException extends IOException {
        public TooLargeException(long max) {
            super("the upload is larger than " + max + " bytes", null);
        }
    }

    /** The client stalled or sends slower than the minimum rate; answered 408. */
    public static final class TooSlowException extends IOException {
        public TooSlowException(String message) {
            super(message, null);
        }
    }

    /** How long one wait on the queue lasts before the idle and rate rules are checked again. */
    private static final long CHECK_SLICE_NANOS = TimeUnit.MILLISECONDS.toNanos(250);

    private static final Object END = new Object();

    private final LinkedBlockingQueue<Object> queue = new LinkedBlockingQueue<>();
    private final AtomicLong queued = new AtomicLong();
    private final AtomicBoolean paused = new AtomicBoolean();
    private final AtomicLong received = new AtomicLong();
    private final Context context;
    private final ReadStream<Buffer> source;
    private final long highWater;
    private final long maxBytes;
    private final long idleTimeoutNanos;
    private final long minBytesPerSecond;
    private final long rateGraceNanos;
    private final long startedNanos = System.nanoTime();
    private volatile long lastDataNanos = startedNanos;
    /** Time the source spent paused by our back-pressure: the client's rate is not measured over it. */
    private final AtomicLong pausedNanos = new AtomicLong();
    private volatile long pausedSinceNanos;
    private long lastPaceCheckNanos = startedNanos;
    private Buffer current;
    private int position;
    private boolean ended;

    /**
     * @param minBytesPerSecond the slowest average rate accepted once {@code rateGraceMillis} have
     *        passed (0: no minimum)
     */
    public BodyInputStream(Context context, ReadStream<Buffer> source, long highWater, long maxBytes, long idleTimeoutMillis,
                           long minBytesPerSecond, long rateGraceMillis) {
        this.context = context;
        this.source = source;
        this.highWater = highWater;
        this.maxBytes = maxBytes;
        this.idleTimeoutNanos = TimeUnit.MILLISECONDS.toNanos(idleTimeoutMillis);
        this.minBytesPerSecond = minBytesPerSecond;
        this.rateGraceNanos = TimeUnit.MILLISECONDS.toNanos(rateGraceMillis);
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
        lastDataNanos = System.nanoTime();
        long total = received.addAndGet(buffer.length());
        if (total > maxBytes) {
            if (total - buffer.length() <= maxBytes) queue.add(new TooLargeException(maxBytes));
            return; // drop the rest; the handler answers 413 and closes the connection
        }
        queue.add(buffer);
        if (queued.addAndGet(buffer.length()) > highWater && paused.compareAndSet(false, true)) {
            pausedSinceNanos = System.nanoTime();
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
            Object next = awaitNext();
            if (next == END) {
                ended = true;
                return false;
            }
            if (next instanceof IOException e) throw e;
            current = (Buffer) next;
            position = 0;
            long left = queued.addAndGet(-current.length());
            if (left < highWater / 4 && paused.compareAndSet(true, false)) {
                pausedNanos.addAndGet(System.nanoTime() - pausedSinceNanos);
                context.runOnContext(v -> source.resume());
            }
        }
        return true;
    }

    /**
     * The next queued item, checking the client's pace while we wait: nothing for the idle
     * timeout, or (after the grace period) an average rate under the minimum, ends the upload.
     * The rate is measured over the time the client could send, i.e. without the time our own
     * back-pressure paused it, so a slow blob store is never blamed on the client.
     */
    private Object awaitNext() throws IOException {
        while (true) {
            Object next;
            try {
                next = queue.poll(CHECK_SLICE_NANOS, TimeUnit.NANOSECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new InterruptedIOException("interrupted while reading the upload");
            }
            if (next == END || next instanceof IOException) return next;
            long now = System.nanoTime();
            if (next == null && now - lastDataNanos > idleTimeoutNanos) {
                throw new TooSlowException("the client sent nothing for " + TimeUnit.NANOSECONDS.toMillis(idleTimeoutNanos) + " ms");
            }
            if (now - lastPaceCheckNanos >= CHECK_SLICE_NANOS) {
                lastPaceCheckNanos = now;
                checkRate(now);
            }
            if (next != null) return next;
        }
    }

    private void checkRate(long now) throws TooSlowException {
        if (minBytesPerSecond <= 0) return;
        long sending = now - startedNanos - pausedNanos.get() - (paused.get() ? now - pausedSinceNanos : 0);
        if (sending <= rateGraceNanos) return;
        double rate = received.get() / (sending / 1e9);
        if (rate < minBytesPerSecond) {
            throw new TooSlowException(String.format(java.util.Locale.ROOT,
                    "the client sent %.0f bytes/s on average; the minimum is %d bytes/s", rate, minBytesPerSecond));
        }
    }
}
