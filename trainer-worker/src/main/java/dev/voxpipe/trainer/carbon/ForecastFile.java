package dev.voxpipe.trainer.carbon;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;

/** A static forecast in the public APIs' JSON shape ({@link IntensityJson}), read again on every question. */
public final class ForecastFile implements CarbonIntensitySource {
    private final Path file;

    public ForecastFile(Path file) {
        this.file = file;
    }

    @Override
    public List<IntensityWindow> forecast(Instant from, Instant until) throws IOException {
        return IntensityJson.overlapping(IntensityJson.parse(Files.readString(file)), from, until);
    }

    @Override
    public String describe() {
        return "forecast file " + file;
    }
}
