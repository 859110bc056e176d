package dev.voxpipe.feature.dsp;

import java.util.List;

/** An upload decoded, resampled, sliced and gated. */
public record PreparedUpload(int sourceSampleRate, int sampleRate, double durationSeconds, double loudnessLufs, List<PreparedClip> clips) {
    public long acceptedCount() {
        return clips.stream().filter(PreparedClip::accepted).count();
    }

    public double acceptedSeconds() {
        return clips.stream().filter(PreparedClip::accepted).mapToDouble(PreparedClip::seconds).sum();
    }
}
