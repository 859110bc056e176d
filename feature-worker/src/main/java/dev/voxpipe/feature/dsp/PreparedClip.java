package dev.voxpipe.feature.dsp;

import dev.voxpipe.dsp.slice.ClipQuality;
import dev.voxpipe.feature.label.ClipLabel;

import java.util.List;

/**
 * One clip cut from an upload. {@code normalized} is null for rejected clips (nobody trains on them).
 *
 * @param start, end     samples in the resampled upload
 * @param quality        measurements of the clip before normalisation (null for dropped slivers)
 * @param reasons        why it is rejected (empty when accepted)
 * @param transcript     its text (span of the upload's transcript, aligned or recognised), or null
 * @param needsAlignment the upload had a transcript that could not be placed on this clip
 * @param label          where the text came from and how far to trust it
 */
public record PreparedClip(int index, int start, int end, int sampleRate, float[] normalized, ClipQuality.Report quality,
                           double gainDb, List<String> reasons, String transcript, boolean needsAlignment, ClipLabel label) {
    public PreparedClip(int index, int start, int end, int sampleRate, float[] normalized, ClipQuality.Report quality,
                        double gainDb, List<String> reasons, String transcript, boolean needsAlignment) {
        this(index, start, end, sampleRate, normalized, quality, gainDb, reasons, transcript, needsAlignment, ClipLabel.none(null));
    }

    public boolean accepted() {
        return reasons.isEmpty();
    }

    public double seconds() {
        return (end - start) / (double) sampleRate;
    }

    /** This clip with {@code label}: its text becomes the transcript; a clip that got text needs no more alignment. */
    public PreparedClip labelled(ClipLabel label) {
        return new PreparedClip(index, start, end, sampleRate, normalized, quality, gainDb, reasons, label.text(),
                needsAlignment && label.text() == null, label);
    }
}
