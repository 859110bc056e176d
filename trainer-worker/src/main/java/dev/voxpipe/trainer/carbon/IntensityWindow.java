package dev.voxpipe.trainer.carbon;

import java.time.Instant;

/** The grid's forecast carbon intensity (gCO2e per kWh) over [from, to). */
public record IntensityWindow(Instant from, Instant to, double gramsPerKwh) {
    public IntensityWindow {
        if (!to.isAfter(from)) throw new IllegalArgumentException("a window ends after it starts: " + from + " .. " + to);
        if (!(gramsPerKwh >= 0) || Double.isInfinite(gramsPerKwh)) {
            throw new IllegalArgumentException("carbon intensity must be a finite number >= 0, not " + gramsPerKwh);
        }
    }
}
