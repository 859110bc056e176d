package dev.voxpipe.trainer.energy;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Which energy counters a trainer has, found once at start. {@code auto}: RAPL for the CPU packages and, when the
 * engine trains on a GPU, nvidia-smi; the job's energy is measured only when every part of the hardware it uses
 * has a counter (a GPU job measured on the CPU alone would under-report), else it is estimated. {@code estimate}:
 * never measure.
 */
public final class EnergyMeters {
    private static final Logger log = LoggerFactory.getLogger(EnergyMeters.class);

    private final List<EnergyCounter> counters;
    private final String why;

    private EnergyMeters(List<EnergyCounter> counters, String why) {
        this.counters = List.copyOf(counters);
        this.why = why;
    }

    public static EnergyMeters none(String why) {
        return new EnergyMeters(List.of(), why);
    }

    /**
     * @param mode        auto | estimate
     * @param powercapDir normally /sys/class/powercap
     * @param nvidiaSmi   the nvidia-smi command
     * @param onGpu       whether training runs on a GPU
     */
    public static EnergyMeters detect(String mode, Path powercapDir, String nvidiaSmi, boolean onGpu) {
        String m = mode == null ? "auto" : mode.trim().toLowerCase(Locale.ROOT);
        if (m.equals("estimate")) return log(none("energy meter set to 'estimate'"));
        if (!m.equals("auto")) {
            throw new IllegalArgumentException("voxpipe.trainer.energy-meter must be auto or estimate, not '" + mode + "'");
        }
        Optional<RaplCounter> rapl = RaplCounter.open(powercapDir);
        if (rapl.isEmpty()) {
            return log(none("no readable RAPL package counter under " + powercapDir + " (absent, or readable by root only)"));
        }
        List<EnergyCounter> found = new ArrayList<>(List.of(rapl.get()));
        if (onGpu) {
            Optional<NvidiaSmiCounter> gpu = NvidiaSmiCounter.open(nvidiaSmi);
            if (gpu.isEmpty()) return log(none("training runs on a GPU and '" + nvidiaSmi + "' gives no energy reading"));
            found.add(gpu.get());
        }
        return log(new EnergyMeters(found, null));
    }

    private static EnergyMeters log(EnergyMeters meters) {
        if (meters.measures()) {
            log.info("training energy is measured: {}", meters.describe());
        } else {
            log.info("training energy is estimated (power draw x wall time): {}", meters.why);
        }
        return meters;
    }

    public boolean measures() {
        return !counters.isEmpty();
    }

    /** The counters a job reads (empty: estimate). */
    public List<EnergyCounter> counters() {
        return counters;
    }

    public String describe() {
        return measures() ? String.join(" + ", counters.stream().map(EnergyCounter::describe).toList()) : "estimated: " + why;
    }
}
