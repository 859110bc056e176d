package dev.voxpipe.model;

/**
 * One clip of the target speaker for fine-tuning.
 *
 * @param logMel     the feature stage's log-mel, [frames][100] at 100 frames/s
 * @param transcript what is said in it
 * @param f0Hz       the feature stage's F0 per frame (0: unvoiced), or {@code null} when the clip has none; gives the
 *                   voice its pitch range
 */
public record TrainingUtterance(float[][] logMel, String transcript, float[] f0Hz) {
    public TrainingUtterance(float[][] logMel, String transcript) {
        this(logMel, transcript, null);
    }
}
