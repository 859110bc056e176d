package dev.voxpipe.feature.dsp;

import java.util.List;

/**
 * An upload decoded, resampled, sliced, gated and labelled.
 *
 * @param labelNote why its clips got no text or only some, or null
 */
public record PreparedUpload(int sourceSampleRate, int sampleRate, double durationSeconds, double loudnessLufs, List<PreparedClip> clips,
                             String labelNote) {
    public PreparedUpload(int sourceSampleRate, int sampleRate, double durationSeconds, double loudnessLufs, List<PreparedClip> clips) {
        this(sourceSampleRate, sampleRate, durationSeconds, loudnessLufs, clips, null);
    }

    public long acceptedCount() {
        return clips.stream().filter(PreparedClip::accepted).count();
    }

    public double acceptedSeconds() {
        return clips.stream().filter(PreparedClip::accepted).mapToDouble(PreparedClip::seconds).sum();
    }
}
