package dev.voxpipe.model;

/** Progress, checkpoints and cancellation of a fine-tune run. */
public interface FineTuneListener {
    /** Called every few steps. */
    void onProgress(int step, int totalSteps, double loss);

    /** Called every {@link FineTuneConfig#checkpointEverySteps()} steps with a resumable state. */
    void onCheckpoint(FineTuneState state);

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
