package dev.voxpipe.model;

/**
 * One clip of the target speaker for fine-tuning.
 *
 * @param logMel     the feature stage's log-mel, [frames][100] at 100 frames/s
 * @param transcript what is said in it
 */
public record TrainingUtterance(float[][] logMel, String transcript) {
}
