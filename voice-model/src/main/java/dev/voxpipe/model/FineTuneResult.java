package dev.voxpipe.model;

/**
 * @param delta     the voice
 * @param steps     steps done in total (including those before a resume)
 * @param finalLoss training loss of the last step
 * @param seconds   wall time of this call
 */
public record FineTuneResult(VoiceDelta delta, int steps, double finalLoss, double seconds) {
}
