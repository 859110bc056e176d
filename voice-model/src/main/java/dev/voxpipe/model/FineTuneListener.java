package dev.voxpipe.model;

/** Progress, checkpoints and cancellation of a fine-tune run. */
public interface FineTuneListener {
    /** Called every few steps. */
    void onProgress(int step, int totalSteps, double loss);

    /** Called every {@link FineTuneConfig#checkpointEverySteps()} steps with a resumable state. */
    void onCheckpoint(FineTuneState state);

    /**
     * Called every {@link FineTuneConfig#auditionEverySteps()} steps (not at the last one) with the voice as it would
     * be if training stopped here (duration and pitch calibrated like the final one), for rendering audition samples.
     */
    default void onAudition(int step, VoiceDelta voiceSoFar) {
    }

    /** Polled between steps; true stops the run (a fenced-off worker). */
    default boolean cancelled() {
        return false;
    }

    /** A listener that ignores everything. */
    static FineTuneListener none() {
        return new FineTuneListener() {
            @Override
            public void onProgress(int step, int totalSteps, double loss) {
            }

            @Override
            public void onCheckpoint(FineTuneState state) {
            }
        };
    }
}
