package dev.voxpipe.trainer.job;

import java.lang.management.ManagementFactory;

/**
 * CPU-seconds, GPU-seconds and an energy estimate for a job. Energy is the configured power draw
 * times wall time: a planning figure, not a measurement.
 */
final class ResourceMeter {

    private final long startNanos = System.nanoTime();
    private final long startCpuNanos = processCpuNanos();
    private final double powerWatts;
    private final boolean onGpu;

    ResourceMeter(double powerWatts, boolean onGpu) {
        this.powerWatts = powerWatts;
        this.onGpu = onGpu;
    }

    double wallSeconds() {
        return (System.nanoTime() - startNanos) / 1e9;
    }

    double cpuSeconds() {
        long now = processCpuNanos();
        return now < 0 || startCpuNanos < 0 ? wallSeconds() : (now - startCpuNanos) / 1e9;
    }

    double gpuSeconds() {
        return onGpu ? wallSeconds() : 0.0;
    }

    double energyWh() {
        return powerWatts * wallSeconds() / 3600.0;
    }

    private static long processCpuNanos() {
        if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) {
            return os.getProcessCpuTime();
        }
        return -1;
    }
}
