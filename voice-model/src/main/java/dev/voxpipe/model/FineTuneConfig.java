package dev.voxpipe.model;

/**
 * Few-shot fine-tuning settings.
 *
 * @param maxSteps             optimiser steps
 * @param checkpointEverySteps how often {@link FineTuneListener#onCheckpoint} is called (0 = never)
 * @param learningRate         Adam learning rate for the speaker embedding and adapter tensors
 * @param seed                 makes batch choice deterministic (resume replays the same batches)
 * @param minimumSeconds       usable speech below which fine-tuning is refused (one minute is the product's promise;
 *                             on 20 s the model overfits, final loss 0.10 against 0.28 on a minute)
 * @param microBatches         gradient accumulation: each step's batch (the effective batch, up to
 *                             {@code voxpipe.fineTuneBatchFrames} padded frames) runs as this many micro-batches whose
 *                             gradients add up before one optimiser step, so effective batch = micro-batch x steps and
 *                             only one micro-batch's activations are in memory at a time (1 = no accumulation)
 * @param auditionEverySteps   how often {@link FineTuneListener#onAudition} gets the voice as trained so far
 *                             (0 = never; the final step is never announced there: the result is the final voice)
 * @param loraRank             0: the adapted weights are fine-tuned in full (a voice stores copies of them); N > 0: the
 *                             adapted matrices are trained as rank-N LoRA factors ({@link LowRank}), which is what a
 *                             voice stores
 */
public record FineTuneConfig(int maxSteps, int checkpointEverySteps, double learningRate, long seed, double minimumSeconds,
                             int microBatches, int auditionEverySteps, int loraRank) {
    /** {@code -Dvoxpipe.loraRank=N}: LoRA for runs that do not choose (experiments on the validation split). */
    public static final int DEFAULT_LORA_RANK = Integer.getInteger("voxpipe.loraRank", 0);

    /**
     * How far a fine-tuned voice goes from where it started (the base and the clips' embedding) towards the weights
     * training reached: 1 = all the way. 0.75, chosen on the evaluation protocol's validation split against 1 and 0.5:
     * the real speaker's MCD 2.67 -> 2.64 dB and open-WER ratio 1.53x -> 1.11x; flite_rms 1.72 -> 1.85 dB and 1.87x ->
     * 1.58x (0.5: 2.71 | 2.20 dB, 0.84 | 1.31x). One minute of speech pulls the voice's weights past what it can
     * support; the way back towards the base keeps the likeness and returns the intelligibility (voice-model README,
     * "Interpolated few-shot"). {@code -Dvoxpipe.fineTune.interpolate} for experiments.
     */
    public static final double INTERPOLATION = Double.parseDouble(System.getProperty("voxpipe.fineTune.interpolate", "0.75"));

    /** The API's training minimum. */
    public static final double MINIMUM_SECONDS = 30;

    public FineTuneConfig {
        if (maxSteps < 0 || checkpointEverySteps < 0 || !(learningRate > 0) || !(minimumSeconds >= 0)) {
            throw new IllegalArgumentException("invalid fine-tune config");
        }
        if (microBatches < 1) {
            throw new IllegalArgumentException("gradient accumulation needs at least 1 micro-batch per step, not " + microBatches);
        }
        if (loraRank < 0) {
            throw new IllegalArgumentException("LoRA rank must be 0 (full adaptation) or positive, not " + loraRank);
        }
        if (auditionEverySteps < 0) {
            throw new IllegalArgumentException("audition interval must be 0 (none) or positive, not " + auditionEverySteps);
        }
    }

    /** Without accumulation or auditions. */
    public FineTuneConfig(int maxSteps, int checkpointEverySteps, double learningRate, long seed, double minimumSeconds) {
        this(maxSteps, checkpointEverySteps, learningRate, seed, minimumSeconds, 1, 0, DEFAULT_LORA_RANK);
    }

    /** With the API's {@link #MINIMUM_SECONDS}. */
    public FineTuneConfig(int maxSteps, int checkpointEverySteps, double learningRate, long seed) {
        this(maxSteps, checkpointEverySteps, learningRate, seed, MINIMUM_SECONDS);
    }

    /**
     * 60 steps (about 12 s for 60 s of speech on a quiet 2-core CPU, 25-40 s loaded), chosen on the evaluation
     * protocol's validation split with the v2 base: against 150 steps the open-WER ratio fell from 1.93x to 1.39x
     * for the real speaker at equal MCD (2.75 against 2.77 dB), and flite_rms moved within noise (1.89x against
     * 1.80x, 1.87 against 1.84 dB); more steps overfit one minute of speech (voice-model README, "v2").
     */
    public static FineTuneConfig defaults() {
        return new FineTuneConfig(60, 20, 3e-3, 42L);
    }

    /** The same settings with another minimum (tests on a few seconds of synthetic speech use 0). */
    public FineTuneConfig withMinimumSeconds(double seconds) {
        return new FineTuneConfig(maxSteps, checkpointEverySteps, learningRate, seed, seconds, microBatches, auditionEverySteps,
                loraRank);
    }

    /** The same settings with gradient accumulation over {@code micro} micro-batches per step. */
    public FineTuneConfig withMicroBatches(int micro) {
        return new FineTuneConfig(maxSteps, checkpointEverySteps, learningRate, seed, minimumSeconds, micro, auditionEverySteps,
                loraRank);
    }

    /** The same settings with an audition every {@code steps} steps (0: none). */
    public FineTuneConfig withAuditionEverySteps(int steps) {
        return new FineTuneConfig(maxSteps, checkpointEverySteps, learningRate, seed, minimumSeconds, microBatches, steps,
                loraRank);
    }

    /** The same settings with LoRA factors of rank {@code rank} (0: full adaptation of the adapted weights). */
    public FineTuneConfig withLoraRank(int rank) {
        return new FineTuneConfig(maxSteps, checkpointEverySteps, learningRate, seed, minimumSeconds, microBatches,
                auditionEverySteps, rank);
    }
}
