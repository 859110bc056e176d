package dev.voxpipe.trainer.energy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * The GPUs' energy from {@code nvidia-smi --query-gpu=total_energy_consumption} (millijoules since the driver
 * loaded, Volta and later), summed over every GPU of the machine.
 */
public final class NvidiaSmiCounter implements EnergyCounter {
    private final String command;
    private int gpus;

    private NvidiaSmiCounter(String command) {
        this.command = command;
    }

    /** The counter when {@code command} answers with a reading for at least one GPU, else empty. */
    public static Optional<NvidiaSmiCounter> open(String command) {
        NvidiaSmiCounter counter = new NvidiaSmiCounter(command);
        try {
            counter.joules();
            return Optional.of(counter);
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    @Override
    public double joules() throws IOException {
        Process p;
        try {
            p = new ProcessBuilder(List.of(command, "--query-gpu=total_energy_consumption", "--format=csv,noheader,nounits"))
                    .redirectErrorStream(true).start();
        } catch (IOException e) {
            throw new IOException("cannot run " + command + ": " + e.getMessage(), e);
        }
        try {
            if (!p.waitFor(10, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IOException(command + " did not answer within 10 s");
            }
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while reading " + command, e);
        }
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (p.exitValue() != 0) throw new IOException(command + " exited " + p.exitValue() + ": " + out.strip());
        double millijoules = 0;
        int count = 0;
        for (String line : out.strip().split("\\R")) {
            try {
                millijoules += Double.parseDouble(line.trim());
                count++;
            } catch (NumberFormatException e) {
                // "[N/A]" (a GPU older than Volta) or an error text: no reading for the machine
                throw new IOException(command + " gave no energy reading: " + line.strip());
            }
        }
        gpus = count;
        return millijoules / 1000.0;
    }

    @Override
    public String describe() {
        return "nvidia-smi " + gpus + " GPU(s)";
    }
}
