package dev.voxpipe.dsp.decode;

/**
 * Audio bytes could not be turned into samples. {@link #reason()} is a human-readable sentence fit
 * for a dead letter or an HTTP 4xx body; {@link #kind()} lets callers count failures by cause.
 */
public class AudioDecodeException extends Exception {
    private static final long serialVersionUID = 1L;

    public enum Kind {
        /** Not audio, or a container/codec we do not decode. */
        UNSUPPORTED_FORMAT,
        /** Header fields that are impossible or contradict each other. */
        INVALID_HEADER,
        /** Data ends before the header says it should, or the codec stream is broken. */
        TRUNCATED_OR_CORRUPT,
        /** Sample values that are not finite numbers. */
        INVALID_SAMPLES,
        /** Decoding would exceed the configured limits (duration, bytes). */
        LIMIT_EXCEEDED,
        /** Reading the input failed. */
        IO
    }

    private final Kind kind;

    public AudioDecodeException(Kind kind, String reason) {
        super(reason);
        this.kind = kind;
    }

    public AudioDecodeException(Kind kind, String reason, Throwable cause) {
        super(reason, cause);
        this.kind = kind;
    }

    public Kind kind() {
        return kind;
    }

    public String reason() {
        return getMessage();
    }
}
