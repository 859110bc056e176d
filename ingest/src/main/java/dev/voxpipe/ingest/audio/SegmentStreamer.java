package dev.voxpipe.ingest.audio;

import dev.voxpipe.core.blob.BlobStore;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.WorkerExecutor;
import io.vertx.core.buffer.Buffer;
import dev.voxpipe.ingest.api.ApiException;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.RoutingContext;
import java.util.function.Consumer;
import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * Streams a byte range of a virtual file made of {@link Segment}s to an HTTP response: blob reads
 * run on a worker thread; writes are handed to the response's event loop in order, with at most
 * {@link #IN_FLIGHT_KIB} KiB not yet written, so a slow client holds little memory.
 */
public final class SegmentStreamer {

    private static final int PIECE = 64 * 1024;
    private static final int IN_FLIGHT_KIB = 1024;

    private SegmentStreamer() {}

    public static long totalLength(List<Segment> segments) {
        long n = 0;
        for (Segment s : segments) n += s.length();
        return n;
    }

    /** Writes bytes [start, endInclusive] and ends the response; the headers must be set already. */
    /**
     * Answers a GET or HEAD for {@code segments} as one resource: a single byte range from the request's
     * {@code Range} header (206 with {@code Content-Range}; 416 with {@code bytes *&#47;size} outside), else the
     * whole (200), with {@code Content-Length}; {@code headers} adds the caller's own headers first. Streams on
     * {@code workers}; a failure mid-stream resets the connection (the status is already sent).
     */
    public static void serve(RoutingContext ctx, Context context, WorkerExecutor workers, BlobStore blobs,
                             List<Segment> segments, Consumer<HttpServerResponse> headers) {
        HttpServerResponse response = ctx.response();
        long size = totalLength(segments);
        ByteRange range;
        try {
            range = ByteRange.parse(ctx.request().getHeader("Range"), size);
        } catch (ApiException e) {
            response.putHeader("Content-Range", "bytes */" + size);
            throw e;
        }
        response.putHeader("Accept-Ranges", "bytes");
        headers.accept(response);
        long start = 0;
        long end = size - 1;
        if (range != null) {
            start = range.start();
            end = range.endInclusive();
            response.setStatusCode(206).putHeader("Content-Range", range.contentRange(size));
        } else {
            response.setStatusCode(200);
        }
        response.putHeader("Content-Length", Long.toString(end - start + 1));
        if (ctx.request().method() == HttpMethod.HEAD || size == 0) {
            response.end();
            return;
        }
        stream(context, workers, blobs, segments, start, end, response).onFailure(e -> {
            if (!response.ended()) response.reset();
        });
    }

    public static Future<Void> stream(Context context, WorkerExecutor workers, BlobStore blobs, List<Segment> segments,
                                      long start, long endInclusive, HttpServerResponse response) {
        Semaphore inFlight = new Semaphore(IN_FLIGHT_KIB);
        return workers.<Void>executeBlocking(() -> {
            long position = 0;
            for (Segment segment : segments) {
                long segStart = position;
                long segEnd = position + segment.length(); // exclusive
                position = segEnd;
                if (segEnd <= start) continue;
                if (segStart > endInclusive) break;
                long from = Math.max(start, segStart) - segStart;
                long to = Math.min(endInclusive + 1, segEnd) - segStart;
                switch (segment) {
                    case Segment.Bytes b -> write(context, response, inFlight, Buffer.buffer(
                            java.util.Arrays.copyOfRange(b.data(), (int) from, (int) to)));
                    case Segment.Zeros z -> {
                        long left = to - from;
                        byte[] zeros = new byte[(int) Math.min(PIECE, left)];
                        while (left > 0) {
                            int n = (int) Math.min(zeros.length, left);
                            write(context, response, inFlight, Buffer.buffer(n == zeros.length ? zeros : java.util.Arrays.copyOf(zeros, n)));
                            left -= n;
                        }
                    }
                    case Segment.BlobSpan span -> {
                        try (InputStream in = blobs.openRange(span.key(), span.offset() + from, to - from)) {
                            byte[] piece;
                            while ((piece = in.readNBytes(PIECE)).length > 0) {
                                write(context, response, inFlight, Buffer.buffer(piece));
                            }
                        }
                    }
                }
            }
            context.runOnContext(v -> response.end());
            return null;
        }, false);
    }

    private static void write(Context context, HttpServerResponse response, Semaphore inFlight, Buffer piece)
            throws IOException, InterruptedException {
        int kib = Math.max(1, piece.length() / 1024);
        while (!inFlight.tryAcquire(kib, 1, TimeUnit.SECONDS)) {
            if (response.closed()) throw new IOException("the client went away");
        }
        if (response.closed()) throw new IOException("the client went away");
        context.runOnContext(v -> response.write(piece).onComplete(r -> inFlight.release(kib)));
    }
}
