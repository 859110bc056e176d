package dev.voxpipe.dsp.decode;

/**
 * Bounds on what a decoder accepts, so a small or hostile file cannot expand without bound.
 *
 * @param maxDurationSeconds decoded audio longer than this is rejected (default 30 min)
 * @param maxInputBytes      input bytes read at most (default 1 GiB)
 * @param minSampleRate      lowest plausible sample rate (default 4000 Hz)
 * @param maxSampleRate      highest plausible sample rate (default 384000 Hz)
 * @param maxChannels        most channels accepted (default 32)
 */
public record DecodeLimits(double maxDurationSeconds, long maxInputBytes, int minSampleRate, int maxSampleRate, int maxChannels) {
    public DecodeLimits {
        if (maxDurationSeconds <= 0) throw new IllegalArgumentException("maxDurationSeconds must be > 0");
        if (maxInputBytes <= 0) throw new IllegalArgumentException("maxInputBytes must be > 0");
        if (minSampleRate <= 0 || maxSampleRate < minSampleRate) throw new IllegalArgumentException("bad sample rate bounds");
        if (maxChannels < 1) throw new IllegalArgumentException("maxChannels must be >= 1");
    }

    public static DecodeLimits defaults() {
        return new DecodeLimits(30 * 60, 1L << 30, 4000, 384_000, 32);
    }

    public DecodeLimits withMaxDurationSeconds(double seconds) {
        return new DecodeLimits(seconds, maxInputBytes, minSampleRate, maxSampleRate, maxChannels);
    }

    public DecodeLimits withMaxInputBytes(long bytes) {
        return new DecodeLimits(maxDurationSeconds, bytes, minSampleRate, maxSampleRate, maxChannels);
    }

    /** Most mono samples a stream at {@code sampleRate} may decode to. */
    public long maxSamples(int sampleRate) {
        return (long) Math.ceil(maxDurationSeconds * sampleRate);
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
