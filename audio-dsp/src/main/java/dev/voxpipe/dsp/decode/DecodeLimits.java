package dev.voxpipe.dsp.decode;

/**
 * Bounds on what a decoder accepts, so a small or hostile file cannot expand without bound.
 *
 * @param maxDurationSeconds decoded audio longer than this is rejected (default 30 min)
 * @param maxInputBytes      input bytes read at most (default 1 GiB)
 * @param minSampleRate      lowest plausible sample rate (default 4000 Hz)
 * @param maxSampleRate      highest plausible sample rate (default 384000 Hz)
 * @param maxChannels        most channels accepted (default 32)
 * @param maxDecodedBytes    decoded mono float samples take at most this many bytes (default 384 MiB: 30 min at
 *                           53 kHz), so that a high sample rate cannot turn a file within the duration limit into
 *                           gigabytes (a few-MB FLAC declaring 384 kHz and 29 minutes would be 2.7 GB of floats)
 */
public record DecodeLimits(double maxDurationSeconds, long maxInputBytes, int minSampleRate, int maxSampleRate, int maxChannels,
                           long maxDecodedBytes) {
    public static final long DEFAULT_MAX_DECODED_BYTES = 384L << 20;

    public DecodeLimits(double maxDurationSeconds, long maxInputBytes, int minSampleRate, int maxSampleRate, int maxChannels) {
        this(maxDurationSeconds, maxInputBytes, minSampleRate, maxSampleRate, maxChannels, DEFAULT_MAX_DECODED_BYTES);
    }

    public DecodeLimits {
        if (maxDecodedBytes < Float.BYTES) throw new IllegalArgumentException("maxDecodedBytes must be >= 4");
        if (maxDurationSeconds <= 0) throw new IllegalArgumentException("maxDurationSeconds must be > 0");
        if (maxInputBytes <= 0) throw new IllegalArgumentException("maxInputBytes must be > 0");
        if (minSampleRate <= 0 || maxSampleRate < minSampleRate) throw new IllegalArgumentException("bad sample rate bounds");
        if (maxChannels < 1) throw new IllegalArgumentException("maxChannels must be >= 1");
    }

    public static DecodeLimits defaults() {
        return new DecodeLimits(30 * 60, 1L << 30, 4000, 384_000, 32, DEFAULT_MAX_DECODED_BYTES);
    }

    public DecodeLimits withMaxDurationSeconds(double seconds) {
        return new DecodeLimits(seconds, maxInputBytes, minSampleRate, maxSampleRate, maxChannels, maxDecodedBytes);
    }

    public DecodeLimits withMaxInputBytes(long bytes) {
        return new DecodeLimits(maxDurationSeconds, bytes, minSampleRate, maxSampleRate, maxChannels, maxDecodedBytes);
    }

    public DecodeLimits withMaxDecodedBytes(long bytes) {
        return new DecodeLimits(maxDurationSeconds, maxInputBytes, minSampleRate, maxSampleRate, maxChannels, bytes);
    }

    /** Most mono samples a stream at {@code sampleRate} may decode to: the duration limit or the decoded-bytes limit, whichever is less. */
    public long maxSamples(int sampleRate) {
        return Math.min((long) Math.ceil(maxDurationSeconds * sampleRate), maxDecodedBytes / Float.BYTES);
    }

    /** Whether the decoded-bytes limit, not the duration, bounds a stream at {@code sampleRate}. */
    public boolean boundByBytes(int sampleRate) {
        return maxDecodedBytes / Float.BYTES < (long) Math.ceil(maxDurationSeconds * sampleRate);
    }

    /** Why audio of {@code container} at {@code sampleRate} is too much, naming the limit that binds. */
    public String exceeded(String container, int sampleRate) {
        if (!boundByBytes(sampleRate)) return String.format("%s audio is longer than the %.0f s limit", container, maxDurationSeconds);
        return String.format("%s audio at %d Hz decodes to more than the %d MiB decode limit (%.0f s at that rate)",
                container, sampleRate, maxDecodedBytes >> 20, maxSamples(sampleRate) / (double) sampleRate);
    }

    /** Rejects impossible or out-of-range formats with a reason. */
    public void checkFormat(String container, int sampleRate, int channels) throws AudioDecodeException {
        if (channels < 1) {
            throw new AudioDecodeException(AudioDecodeException.Kind.INVALID_HEADER,
                    container + " header declares " + channels + " channels; at least 1 is required");
        }
        if (channels > maxChannels) {
            throw new AudioDecodeException(AudioDecodeException.Kind.INVALID_HEADER,
                    container + " header declares " + channels + " channels; at most " + maxChannels + " are accepted");
        }
        if (sampleRate < minSampleRate || sampleRate > maxSampleRate) {
            throw new AudioDecodeException(AudioDecodeException.Kind.INVALID_HEADER,
                    container + " header declares a sample rate of " + Integer.toUnsignedString(sampleRate) + " Hz; accepted range is "
                            + minSampleRate + ".." + maxSampleRate + " Hz");
        }
    }
}
