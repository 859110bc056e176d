package dev.voxpipe.trainer.carbon;

import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Picks when a training job runs: at once without a deadline; with one, at the start of the window of
 * {@code expectedRun} before the deadline whose mean forecast intensity is lowest (ties: the earliest). Candidate
 * starts are now and every forecast window's start; a candidate whose run the forecast does not fully cover is
 * skipped. A job runs at once when the forecast cannot be read, when the deadline leaves no room, or when waiting
 * saves less than {@code minimumSaving} (relative).
 */
public final class CarbonScheduler {
    private static final Logger log = LoggerFactory.getLogger(CarbonScheduler.class);

    /**
     * @param start              when to run (now: at once)
     * @param expectedIntensity  mean forecast gCO2e/kWh over the run from {@code start}; null when unknown
     * @param intensityNow       mean forecast over a run starting now; null when unknown
     */
    public record Decision(Instant start, Double expectedIntensity, Double intensityNow, String reason) {
        public boolean deferred(Instant now) {
            return start.isAfter(now);
        }

        /** Relative saving of the chosen start against running at once (0 when either is unknown). */
        public double saving() {
            return expectedIntensity == null || intensityNow == null || intensityNow <= 0 ? 0 : 1 - expectedIntensity / intensityNow;
        }
    }

    private final CarbonIntensitySource source;
    private final Clock clock;
    private final Duration expectedRun;
    private final double minimumSaving;

    public CarbonScheduler(CarbonIntensitySource source, Clock clock, Duration expectedRun, double minimumSaving) {
        if (expectedRun.isNegative() || expectedRun.isZero()) throw new IllegalArgumentException("expected run must be positive");
        this.source = source;
        this.clock = clock;
        this.expectedRun = expectedRun;
        this.minimumSaving = minimumSaving;
    }

    public Clock clock() {
        return clock;
    }

    public Decision plan(Instant deadline) {
        Instant now = clock.instant();
        if (deadline == null) return new Decision(now, null, null, "no deadline: runs at once");
        Instant latestStart = deadline.minus(expectedRun);
        if (!latestStart.isAfter(now)) return new Decision(now, null, null, "the deadline leaves no room to wait");
        List<IntensityWindow> windows;
        try {
            windows = source.forecast(now, deadline);
        } catch (IOException | RuntimeException e) {
            log.warn("carbon-intensity forecast unavailable ({}); the job runs at once: {}", source.describe(), e.toString());
            return new Decision(now, null, null, "no forecast: runs at once");
        }
        Double atOnce = meanIntensity(windows, now, now.plus(expectedRun)).orElse(null);
        List<Instant> candidates = new ArrayList<>(List.of(now));
        for (IntensityWindow w : windows) {
            if (w.from().isAfter(now) && !w.from().isAfter(latestStart)) candidates.add(w.from());
        }
        Instant best = null;
        double bestIntensity = Double.POSITIVE_INFINITY;
        for (Instant start : candidates) {
            Optional<Double> mean = meanIntensity(windows, start, start.plus(expectedRun));
            if (mean.isPresent() && mean.get() < bestIntensity) {
                best = start;
                bestIntensity = mean.get();
            }
        }
        if (best == null) return new Decision(now, null, atOnce, "the forecast does not cover a run before the deadline");
        if (atOnce != null && (atOnce - bestIntensity) < minimumSaving * atOnce) {
            return new Decision(now, atOnce, atOnce, "running at once is within " + Math.round(minimumSaving * 100) + " % of the cleanest window");
        }
        return new Decision(best, bestIntensity, atOnce, best.equals(now) ? "now is the cleanest window" : "cleanest window before the deadline");
    }

    /** Time-weighted mean intensity over [from, to); empty unless the windows cover all of it. */
    static Optional<Double> meanIntensity(List<IntensityWindow> windows, Instant from, Instant to) {
        double weighted = 0;
        long covered = 0;
        for (IntensityWindow w : windows) {
            Instant a = w.from().isAfter(from) ? w.from() : from;
            Instant b = w.to().isBefore(to) ? w.to() : to;
            if (!b.isAfter(a)) continue;
            long millis = Duration.between(a, b).toMillis();
            weighted += w.gramsPerKwh() * millis;
            covered += millis;
        }
        long wanted = Duration.between(from, to).toMillis();
        return covered < wanted ? Optional.empty() : Optional.of(weighted / covered);
    }
}
