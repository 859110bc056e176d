package dev.voxpipe.ingest.audio;

/**
 * A piece of a virtual file: literal bytes, a span of a blob, or silence (zeros). A progressive
 * WAV is a header followed by chunk PCM spans and pauses.
 */
public sealed interface Segment {

    long length();

    record Bytes(byte[] data) implements Segment {
        public long length() {
            return data.length;
        }
    }

    record BlobSpan(String key, long offset, long length) implements Segment {}

    record Zeros(long length) implements Segment {}
}
