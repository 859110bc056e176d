package dev.voxpipe.trainer.energy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** RAPL and nvidia-smi counters on fakes of their files and command, and on the real machine where it has them. */
class EnergyMetersTest {

    @TempDir
    Path dir;

    private Path zone(String name, long energyUj, long rangeUj) throws IOException {
        Path zone = Files.createDirectories(dir.resolve("powercap").resolve(name));
        Files.writeString(zone.resolve("energy_uj"), energyUj + "\n");
        Files.writeString(zone.resolve("max_energy_range_uj"), rangeUj + "\n");
        return zone;
    }

    @Test
    void raplSumsPackagesOnlyAndUnfoldsAWrap() throws Exception {
        Path p0 = zone("intel-rapl:0", 1_000_000, 10_000_000);
        Path p1 = zone("intel-rapl:1", 9_500_000, 10_000_000);
        zone("intel-rapl:0:0", 123, 10_000_000); // a sub-zone (core): part of package 0, never counted twice
        RaplCounter rapl = RaplCounter.open(dir.resolve("powercap")).orElseThrow();
        assertEquals(0.0, rapl.joules(), 1e-9);
        Files.writeString(p0.resolve("energy_uj"), "4000000\n");   // +3 J
        Files.writeString(p1.resolve("energy_uj"), "500000\n");    // wrapped: +1 J
        assertEquals(4.0, rapl.joules(), 1e-9);
        Files.writeString(p1.resolve("energy_uj"), "2500000\n");   // +2 J
        assertEquals(6.0, rapl.joules(), 1e-9);
        assertEquals("RAPL 2 CPU package(s)", rapl.describe());
    }

    @Test
    void noReadablePowercapMeansEstimate() throws Exception {
        assertTrue(RaplCounter.open(dir.resolve("absent")).isEmpty());
        Files.createDirectories(dir.resolve("empty"));
        EnergyMeters meters = EnergyMeters.detect("auto", dir.resolve("empty"), "nvidia-smi", false);
        assertFalse(meters.measures());
        assertTrue(meters.describe().startsWith("estimated: no readable RAPL"), meters.describe());
        assertFalse(EnergyMeters.detect("estimate", dir, "x", false).measures());
        assertThrows(IllegalArgumentException.class, () -> EnergyMeters.detect("guess", dir, "x", false));
    }

    @Test
    void aGpuJobIsMeasuredOnlyWithAGpuCounter() throws Exception {
        zone("intel-rapl:0", 5, 10_000_000);
        Path smi = dir.resolve("nvidia-smi");
        Files.writeString(smi, "#!/bin/sh\necho 1500\necho 2500\n");   // two GPUs, mJ
        Files.setPosixFilePermissions(smi, PosixFilePermissions.fromString("rwx------"));
        assumeTrue(Files.isExecutable(smi), "the temp dir does not allow executables");
        EnergyMeters gpu = EnergyMeters.detect("auto", dir.resolve("powercap"), smi.toString(), true);
        assertTrue(gpu.measures());
        assertEquals(2, gpu.counters().size());
        assertEquals(4.0, gpu.counters().get(1).joules(), 1e-9);
        assertEquals("RAPL 1 CPU package(s) + nvidia-smi 2 GPU(s)", gpu.describe());
        EnergyMeters noSmi = EnergyMeters.detect("auto", dir.resolve("powercap"), dir.resolve("missing").toString(), true);
        assertFalse(noSmi.measures(), "CPU counters alone would under-report a GPU job");
        Files.writeString(smi, "#!/bin/sh\necho '[N/A]'\n");
        assertTrue(NvidiaSmiCounter.open(smi.toString()).isEmpty(), "a GPU without an energy counter");
    }

    /** This machine's own RAPL counters; a machine without them (most containers, non-root) reports a skip. */
    @Test
    void realRaplCountsUpWhenTheMachineHasIt() throws Exception {
        var rapl = RaplCounter.open(Path.of("/sys/class/powercap"));
        assumeTrue(rapl.isPresent(), "no readable RAPL counter under /sys/class/powercap on this machine");
        double before = rapl.get().joules();
        long until = System.nanoTime() + 200_000_000L;
        double spin = 0;
        while (System.nanoTime() < until) spin += Math.sqrt(spin + 1);
        assertTrue(rapl.get().joules() >= before, "a counter never goes backwards (" + spin + ")");
    }

    @Test
    void realNvidiaSmiAnswersWhenTheMachineHasAGpu() throws Exception {
        var smi = NvidiaSmiCounter.open("nvidia-smi");
        assumeTrue(smi.isPresent(), "no nvidia-smi with an energy reading on this machine");
        assertTrue(smi.get().joules() > 0);
    }
}
