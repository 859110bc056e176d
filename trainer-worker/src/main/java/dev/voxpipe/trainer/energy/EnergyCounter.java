package dev.voxpipe.trainer.energy;

import java.io.IOException;

/** A hardware energy counter: joules consumed since some fixed origin, non-decreasing between reads. */
public interface EnergyCounter {
    /** Joules since this counter's origin. */
    double joules() throws IOException;

    /** What is measured, for logs ("RAPL package 0+1", "nvidia-smi 2 GPUs"). */
    String describe();
}
