package dev.voxpipe.trainer.energy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The CPU packages' energy from Linux powercap RAPL ({@code /sys/class/powercap/intel-rapl:N/energy_uj}; AMD CPUs
 * appear under the same name). Only the top-level package zones are summed: their sub-zones (core, uncore, dram)
 * are part of them. The package counters measure the whole socket, every process on it, not this JVM's share.
 * A counter wraps at {@code max_energy_range_uj}; a wrap between two reads is unfolded (reads come every few
 * seconds, a wrap takes minutes even at full power).
 */
public final class RaplCounter implements EnergyCounter {
    private static final Pattern PACKAGE_ZONE = Pattern.compile("intel-rapl:\\d+");

    private record Zone(Path energy, long range) {
    }

    private final List<Zone> zones;
    private final long[] lastRaw;
    private final double[] unfoldedMicrojoules;

    private RaplCounter(List<Zone> zones, long[] firstRaw) {
        this.zones = zones;
        this.lastRaw = firstRaw.clone();
        this.unfoldedMicrojoules = new double[zones.size()];
    }

    /** The package counters under {@code powercapDir}, or empty when there are none or they cannot be read (root-only). */
    public static Optional<RaplCounter> open(Path powercapDir) {
        if (!Files.isDirectory(powercapDir)) return Optional.empty();
        List<Zone> zones = new ArrayList<>();
        try (Stream<Path> entries = Files.list(powercapDir)) {
            for (Path zone : entries.sorted().toList()) {
                if (!PACKAGE_ZONE.matcher(zone.getFileName().toString()).matches()) continue;
                Path energy = zone.resolve("energy_uj");
                if (!Files.isReadable(energy)) continue;
                long range = Files.isReadable(zone.resolve("max_energy_range_uj"))
                        ? Long.parseLong(Files.readString(zone.resolve("max_energy_range_uj")).trim()) : 0;
                zones.add(new Zone(energy, range));
            }
            if (zones.isEmpty()) return Optional.empty();
            long[] first = new long[zones.size()];
            for (int i = 0; i < first.length; i++) first[i] = read(zones.get(i).energy());
            return Optional.of(new RaplCounter(zones, first));
        } catch (IOException | RuntimeException e) {
            // energy_uj is readable by root only on kernels patched for CVE-2020-8694: no meter, not an error
            return Optional.empty();
        }
    }

    private static long read(Path energy) throws IOException {
        try {
            return Long.parseLong(Files.readString(energy).trim());
        } catch (NumberFormatException e) {
            throw new IOException("unreadable RAPL counter " + energy + ": " + e.getMessage(), e);
        }
    }

    @Override
    public synchronized double joules() throws IOException {
        double total = 0;
        for (int i = 0; i < zones.size(); i++) {
            long raw = read(zones.get(i).energy());
            long delta = raw - lastRaw[i];
            if (delta < 0) delta += zones.get(i).range() > 0 ? zones.get(i).range() : 0; // the counter wrapped
            unfoldedMicrojoules[i] += Math.max(0, delta);
            lastRaw[i] = raw;
            total += unfoldedMicrojoules[i];
        }
        return total / 1e6;
    }

    @Override
    public String describe() {
        return "RAPL " + zones.size() + " CPU package(s)";
    }
}
