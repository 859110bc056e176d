package dev.voxpipe.dsp.decode;

import dev.voxpipe.dsp.PcmAudio;

import java.util.Arrays;

/** Growable mono float buffer that enforces the duration limit and rejects non-finite samples. */
final class SampleSink {
    private final String container;
    private final DecodeLimits limits;
    private float[] data = new float[1 << 16];
    private int size;
    private int sampleRate;
    private long maxSamples = Long.MAX_VALUE;

    SampleSink(String container, DecodeLimits limits) {
        this.container = container;
        this.limits = limits;
    }

    void format(int sampleRate, int channels) throws AudioDecodeException {
        limits.checkFormat(container, sampleRate, channels);
        if (this.sampleRate != 0 && this.sampleRate != sampleRate) {
            throw new AudioDecodeException(AudioDecodeException.Kind.INVALID_HEADER,
                    container + " stream changes sample rate from " + this.sampleRate + " to " + sampleRate + " Hz mid-stream");
        }
        this.sampleRate = sampleRate;
        this.maxSamples = limits.maxSamples(sampleRate);
    }

    int sampleRate() {
        return sampleRate;
    }

    void ensure(int more) throws AudioDecodeException {
        if (size + (long) more > maxSamples) {
            throw new AudioDecodeException(AudioDecodeException.Kind.LIMIT_EXCEEDED, limits.exceeded(container, sampleRate));
        }
        // grow by doubling, never past the limit: the buffer is bounded by the decoded-bytes limit
        if (size + more > data.length) data = Arrays.copyOf(data, (int) Math.min(Math.min(Integer.MAX_VALUE - 8, maxSamples),
                Math.max(data.length * 2L, size + (long) more)));
    }

    void add(float v) throws AudioDecodeException {
        if (!Float.isFinite(v)) {
            throw new AudioDecodeException(AudioDecodeException.Kind.INVALID_SAMPLES, container + " decoded a non-finite sample at " + size);
        }
        data[size++] = v;
    }

    PcmAudio finish() throws AudioDecodeException {
        if (sampleRate == 0 || size == 0) {
            throw new AudioDecodeException(AudioDecodeException.Kind.TRUNCATED_OR_CORRUPT, container + " stream holds no audio");
        }
        return new PcmAudio(Arrays.copyOf(data, size), sampleRate);
    }
}
