package dev.voxpipe.trainer.job;

import dev.voxpipe.schemas.EnergySource;
import dev.voxpipe.trainer.energy.EnergyCounter;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * CPU-seconds, GPU-seconds and energy of a job. Energy is measured from the machine's counters (RAPL for the CPU
 * packages, nvidia-smi for GPUs) when the worker has every meter its work needs, else estimated as the configured
 * power draw times wall time. A counter that fails mid-job turns the job's figure into an estimate from then on
 * (a partly measured figure would be neither).
 */
final class ResourceMeter {

    private static final Logger log = LoggerFactory.getLogger(ResourceMeter.class);

    private final long startNanos = System.nanoTime();
    private final long startCpuNanos = processCpuNanos();
    private final double powerWatts;
    private final boolean onGpu;
    private final List<EnergyCounter> counters;
    private final double[] startJoules;
    private volatile boolean measuring;

    /** An estimating meter. */
    ResourceMeter(double powerWatts, boolean onGpu) {
        this(powerWatts, onGpu, List.of());
    }

    /** @param counters the counters that together cover the job's hardware; empty: estimate */
    ResourceMeter(double powerWatts, boolean onGpu, List<EnergyCounter> counters) {
        this.powerWatts = powerWatts;
        this.onGpu = onGpu;
        this.counters = List.copyOf(counters);
        this.startJoules = new double[counters.size()];
        boolean ok = !counters.isEmpty();
        for (int i = 0; i < counters.size() && ok; i++) {
            try {
                startJoules[i] = counters.get(i).joules();
            } catch (IOException e) {
                log.warn("energy counter {} cannot be read; this job's energy is estimated: {}", counters.get(i).describe(), e.toString());
                ok = false;
            }
        }
        this.measuring = ok;
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

    synchronized double energyWh() {
        if (measuring) {
            double joules = 0;
            try {
                for (int i = 0; i < counters.size(); i++) joules += counters.get(i).joules() - startJoules[i];
                return Math.max(0, joules) / 3600.0;
            } catch (IOException e) {
                log.warn("energy counter failed mid-job; this job's energy is estimated from now on: {}", e.toString());
                measuring = false;
            }
        }
        return powerWatts * wallSeconds() / 3600.0;
    }

    /** MEASURED while every counter answers (call after {@link #energyWh()} for the figure it describes). */
    EnergySource energySource() {
        return measuring ? EnergySource.MEASURED : EnergySource.ESTIMATED;
    }

    private static long processCpuNanos() {
        if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) {
            return os.getProcessCpuTime();
        }
        return -1;
    }
}
