package dev.voxpipe.dsp.slice;

/** Samples [start, end) of the sliced signal; {@code droppedReason} is null for a kept clip. */
public record Segment(int start, int end, String droppedReason) {
    public int length() {
        return end - start;
    }

    public double seconds(int sampleRate) {
        return length() / (double) sampleRate;
    }

    public boolean kept() {
        return droppedReason == null;
    }
}
