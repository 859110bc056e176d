package dev.voxpipe.ingest.audio;

import dev.voxpipe.ingest.api.ApiException;
import io.vertx.core.json.JsonObject;

/** One satisfiable byte range of an HTTP {@code Range: bytes=} header (RFC 9110 §14). */
public record ByteRange(long start, long endInclusive) {

    public long length() {
        return endInclusive - start + 1;
    }

    /**
     * The range to serve for a resource of {@code size} bytes: null for the whole resource (no or
     * unusable header, or several ranges, which we answer with the whole body as RFC 9110 allows);
     * a 416 {@link ApiException} when the range cannot be satisfied.
     */
    public static ByteRange parse(String header, long size) {
        if (header == null) return null;
        String h = header.strip();
        if (!h.regionMatches(true, 0, "bytes=", 0, 6)) return null;
        String spec = h.substring(6).strip();
        if (spec.contains(",")) return null;
        int dash = spec.indexOf('-');
        if (dash < 0) return null;
        String first = spec.substring(0, dash).strip();
        String last = spec.substring(dash + 1).strip();
        try {
            if (first.isEmpty()) { // suffix: the last N bytes
                long n = Long.parseLong(last);
                if (n <= 0 || size == 0) throw unsatisfiable(size);
                return new ByteRange(Math.max(0, size - n), size - 1);
            }
            long start = Long.parseLong(first);
            long end = last.isEmpty() ? size - 1 : Math.min(Long.parseLong(last), size - 1);
            if (start >= size || start < 0) throw unsatisfiable(size);
            if (end < start) return null; // syntactically invalid: ignore the header
            return new ByteRange(start, end);
        } catch (NumberFormatException e) {
            return null;
        }
    }

    static ApiException unsatisfiable(long size) {
        return new ApiException(416, "range_not_satisfiable", "the range is outside the " + size + "-byte resource",
                new JsonObject().put("sizeBytes", size), null);
    }

    public String contentRange(long size) {
        return "bytes " + start + "-" + endInclusive + "/" + size;
    }
}
