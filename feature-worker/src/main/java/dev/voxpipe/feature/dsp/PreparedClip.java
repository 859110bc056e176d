package dev.voxpipe.feature.dsp;

import dev.voxpipe.dsp.slice.ClipQuality;

import java.util.List;

/**
 * One clip cut from an upload. {@code normalized} is null for rejected clips (nobody trains on them).
 *
 * @param start, end     samples in the resampled upload
 * @param quality        measurements of the clip before normalisation (null for dropped slivers)
 * @param reasons        why it is rejected (empty when accepted)
 * @param transcript     its span of the upload's transcript, or null
 * @param needsAlignment the upload had a transcript that could not be split onto clips
 */
public record PreparedClip(int index, int start, int end, int sampleRate, float[] normalized, ClipQuality.Report quality,
                           double gainDb, List<String> reasons, String transcript, boolean needsAlignment) {
    public boolean accepted() {
        return reasons.isEmpty();
    }

    public double seconds() {
        return (end - start) / (double) sampleRate;
    }
}
