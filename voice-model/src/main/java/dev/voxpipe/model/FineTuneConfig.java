package dev.voxpipe.model;

/**
 * Few-shot fine-tuning settings.
 *
 * @param maxSteps             optimiser steps
 * @param checkpointEverySteps how often {@link FineTuneListener#onCheckpoint} is called (0 = never)
 * @param learningRate         Adam learning rate for the speaker embedding and adapter tensors
 * @param seed                 makes batch choice deterministic (resume replays the same batches)
 */
public record FineTuneConfig(int maxSteps, int checkpointEverySteps, double learningRate, long seed) {
    public FineTuneConfig {
        if (maxSteps < 0 || checkpointEverySteps < 0 || !(learningRate > 0)) {
            throw new IllegalArgumentException("invalid fine-tune config");
        }
    }

    /** Fits the 5-minute budget for 60 s of speech on 2 CPU cores with the base model. */
    public static FineTuneConfig defaults() {
        return new FineTuneConfig(300, 50, 3e-3, 42L);
    }
}
