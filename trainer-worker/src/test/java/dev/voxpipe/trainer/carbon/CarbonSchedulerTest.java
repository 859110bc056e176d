package dev.voxpipe.trainer.carbon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * Carbon-aware scheduling on a synthetic 48 h forecast ({@code carbon/synthetic-fw48h.json}: half-hourly, in the
 * carbonintensity.org.uk shape, an evening peak of 270 gCO2e/kWh and a night trough of 90) and a fixed clock at
 * 16:10 UTC, during the peak. The README's saving figures are these tests' numbers.
 */
class CarbonSchedulerTest {
    private static final Instant NOW = Instant.parse("2026-11-29T16:10:00Z");
    private static final Clock CLOCK = Clock.fixed(NOW, ZoneOffset.UTC);
    private static final Duration RUN = Duration.ofMinutes(30);

    private static Path forecast() throws URISyntaxException {
        return Path.of(CarbonSchedulerTest.class.getResource("/carbon/synthetic-fw48h.json").toURI());
    }

    private static CarbonScheduler scheduler() throws URISyntaxException {
        return new CarbonScheduler(new ForecastFile(forecast()), CLOCK, RUN, 0.05);
    }

    @Test
    void withoutADeadlineAJobRunsAtOnce() throws Exception {
        CarbonScheduler.Decision d = scheduler().plan(null);
        assertEquals(NOW, d.start());
        assertFalse(d.deferred(NOW));
    }

    @Test
    void anOvernightDeadlineDefersToTheNightTrough() throws Exception {
        CarbonScheduler.Decision d = scheduler().plan(Instant.parse("2026-11-30T08:00:00Z"));
        assertEquals(Instant.parse("2026-11-30T05:00:00Z"), d.start(), "the earliest of the two 90 g windows");
        assertTrue(d.deferred(NOW));
        assertEquals(90.0, d.expectedIntensity(), 1e-9);
        assertEquals((20 * 265 + 10 * 268) / 30.0, d.intensityNow(), 1e-9, "the 16:10-16:40 run straddles two windows");
        assertEquals(0.662, d.saving(), 0.001);
    }

    @Test
    void anEveningDeadlineTakesTheBestWindowItAllows() throws Exception {
        CarbonScheduler.Decision d = scheduler().plan(Instant.parse("2026-11-29T23:00:00Z"));
        assertEquals(Instant.parse("2026-11-29T22:30:00Z"), d.start(), "the last start whose run ends by the deadline");
        assertEquals(198.0, d.expectedIntensity(), 1e-9);
        assertEquals(0.256, d.saving(), 0.001);
    }

    @Test
    void aSavingBelowTheMinimumRunsAtOnce() throws Exception {
        // by 20:00 the best is 19:30 at 255 g: 4 % below running now, under the 5 % minimum
        CarbonScheduler.Decision d = scheduler().plan(Instant.parse("2026-11-29T20:00:00Z"));
        assertEquals(NOW, d.start());
        assertTrue(d.reason().contains("within 5 %"), d.reason());
    }

    @Test
    void aDeadlineTooCloseOrNoForecastRunsAtOnce() throws Exception {
        assertEquals(NOW, scheduler().plan(NOW.plus(Duration.ofMinutes(20))).start());
        CarbonScheduler broken = new CarbonScheduler(new ForecastFile(Path.of("no-such-forecast.json")), CLOCK, RUN, 0.05);
        CarbonScheduler.Decision d = broken.plan(NOW.plus(Duration.ofHours(10)));
        assertEquals(NOW, d.start());
        assertNull(d.expectedIntensity());
        CarbonScheduler beyond = new CarbonScheduler(new ForecastFile(forecast()),
                Clock.fixed(Instant.parse("2026-12-05T00:00:00Z"), ZoneOffset.UTC), RUN, 0.05);
        assertFalse(beyond.plan(Instant.parse("2026-12-05T10:00:00Z")).deferred(Instant.parse("2026-12-05T00:00:00Z")),
                "a forecast that does not cover the time runs the job at once");
    }

    @Test
    void theHttpFeedAsksForTheNext48HoursInTheUkApiShape() throws Exception {
        byte[] body = Files.readAllBytes(forecast());
        AtomicReference<String> asked = new AtomicReference<>();
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", exchange -> {
            asked.set(exchange.getRequestURI().getPath());
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        server.start();
        try {
            String base = "http://127.0.0.1:" + server.getAddress().getPort();
            CarbonIntensitySource feed = CarbonIntensitySource.fromSetting(base).orElseThrow();
            CarbonScheduler.Decision d = new CarbonScheduler(feed, CLOCK, RUN, 0.05).plan(Instant.parse("2026-11-30T08:00:00Z"));
            assertEquals("/intensity/2026-11-29T16:10Z/fw48h", asked.get());
            assertEquals(Instant.parse("2026-11-30T05:00:00Z"), d.start());
        } finally {
            server.stop(0);
        }
    }

    @Test
    void badForecastsAreClearErrors() {
        assertThrows(IOException.class, () -> IntensityJson.parse("{\"nodata\":[]}"));
        IOException e = assertThrows(IOException.class, () -> IntensityJson.parse(
                "{\"data\":[{\"from\":\"yesterday\",\"to\":\"2026-11-29T16:30Z\",\"intensity\":{\"forecast\":1}}]}"));
        assertTrue(e.getMessage().contains("bad carbon-intensity window"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new IntensityWindow(NOW, NOW, 1));
        List<IntensityWindow> none = List.of();
        assertTrue(CarbonScheduler.meanIntensity(none, NOW, NOW.plusSeconds(60)).isEmpty());
        assertTrue(CarbonIntensitySource.fromSetting("  ").isEmpty());
    }
}
