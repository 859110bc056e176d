package dev.voxpipe.trainer.carbon;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * The JSON shape of the public grid-intensity APIs (carbonintensity.org.uk {@code /intensity/{from}/fw48h}):
 * {@code {"data":[{"from":"2026-11-29T06:00Z","to":"2026-11-29T06:30Z","intensity":{"forecast":183,"actual":null,
 * "index":"moderate"}}, ...]}}. The forecast is used; where a window has only an actual value, that one.
 */
final class IntensityJson {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final DateTimeFormatter MINUTES = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mmX");

    private IntensityJson() {}

    static List<IntensityWindow> parse(String body) throws IOException {
        JsonNode data = JSON.readTree(body).path("data");
        if (!data.isArray()) throw new IOException("carbon-intensity forecast has no 'data' array");
        List<IntensityWindow> out = new ArrayList<>();
        for (JsonNode w : data) {
            JsonNode intensity = w.path("intensity");
            JsonNode value = intensity.path("forecast").isNumber() ? intensity.path("forecast") : intensity.path("actual");
            if (!value.isNumber()) continue; // a window without a figure says nothing
            try {
                out.add(new IntensityWindow(time(w.path("from").asText()), time(w.path("to").asText()), value.asDouble()));
            } catch (DateTimeParseException | IllegalArgumentException e) {
                throw new IOException("bad carbon-intensity window " + w + ": " + e.getMessage(), e);
            }
        }
        out.sort(Comparator.comparing(IntensityWindow::from));
        return out;
    }

    /** "2026-11-29T06:00Z" (the API's minutes) or any ISO-8601 instant with an offset. */
    static Instant time(String text) {
        try {
            return OffsetDateTime.parse(text, MINUTES).toInstant();
        } catch (DateTimeParseException e) {
            return OffsetDateTime.parse(text).toInstant();
        }
    }

    static String minutes(Instant t) {
        return MINUTES.format(t.atOffset(java.time.ZoneOffset.UTC));
    }

    static List<IntensityWindow> overlapping(List<IntensityWindow> all, Instant from, Instant until) {
        return all.stream().filter(w -> w.to().isAfter(from) && w.from().isBefore(until)).toList();
    }
}
