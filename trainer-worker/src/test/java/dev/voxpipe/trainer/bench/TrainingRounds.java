package dev.voxpipe.trainer.bench;

import dev.voxpipe.model.FineTuneConfig;
import dev.voxpipe.model.FineTuneResult;
import dev.voxpipe.model.VoiceModelRuntime;
import dev.voxpipe.model.TrainingUtterance;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Fine-tuning jobs as the trainer worker runs them ({@link VoiceModelRuntime#fineTune}, where all of the trainer's
 * native memory goes: the batch's activations and gradients, the optimiser's state) on synthetic speech of a real
 * minute's shape: {@code utterances} clips of about {@code seconds} s each (100 mel frames a second, a sentence of
 * text each), a different speaker per job. The batch is {@code -Dvoxpipe.fineTuneBatchFrames} padded frames (2400 by
 * default), split into {@code microBatches} for gradient accumulation.
 */
public final class TrainingRounds {

    private static final String[] WORDS = {"the", "harbour", "was", "quiet", "when", "first", "boat", "came", "in", "after",
            "six", "morning", "crew", "had", "been", "at", "sea", "three", "days", "tired", "cold", "glad", "home"};

    private final VoiceModelRuntime runtime;
    private final int utterances;
    private final double seconds;
    private final int steps;
    private final int microBatches;

    public TrainingRounds(VoiceModelRuntime runtime, int utterances, double seconds, int steps, int microBatches) {
        this.runtime = runtime;
        this.utterances = utterances;
        this.seconds = seconds;
        this.steps = steps;
        this.microBatches = microBatches;
    }

    /** One job: a fresh speaker's clips, {@code steps} optimiser steps, no checkpoints. */
    public FineTuneResult job(int job) {
        Random rng = new Random(job);
        List<TrainingUtterance> clips = new ArrayList<>();
        for (int u = 0; u < utterances; u++) {
            int frames = (int) Math.round(seconds * 100 * (0.8 + 0.4 * rng.nextDouble()));
            StringBuilder text = new StringBuilder();
            while (text.length() < frames / 8) text.append(text.length() == 0 ? "" : " ").append(WORDS[rng.nextInt(WORDS.length)]);
            float[][] mel = new float[frames][100];
            for (int f = 0; f < frames; f++) {
                for (int b = 0; b < 100; b++) {
                    mel[f][b] = (float) (-7 + 2 * Math.sin(0.05 * f + b * 0.1 + job) + 0.5 * rng.nextGaussian() - b * 0.02);
                }
            }
            clips.add(new TrainingUtterance(mel, text.append('.').toString()));
        }
        FineTuneConfig config = new FineTuneConfig(steps, 0, 3e-3, job, 0).withMicroBatches(microBatches);
        return runtime.fineTune(clips, config, null, null);
    }
}
