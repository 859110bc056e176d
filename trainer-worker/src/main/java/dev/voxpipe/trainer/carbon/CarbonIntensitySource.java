package dev.voxpipe.trainer.carbon;

import java.io.IOException;
import java.time.Instant;
import java.util.List;

/** Where the trainer reads the grid's carbon-intensity forecast (a static file, an HTTP feed). */
public interface CarbonIntensitySource {
    /** The forecast windows that overlap [from, until), in time order; may cover less than asked. */
    List<IntensityWindow> forecast(Instant from, Instant until) throws IOException;

    /** For logs. */
    String describe();

    /**
     * The source a {@code voxpipe.trainer.carbon.forecast} setting names: an http(s) URL (a feed shaped like
     * carbonintensity.org.uk), {@code file:PATH} or a path (a static forecast in that JSON shape); blank: none.
     */
    static java.util.Optional<CarbonIntensitySource> fromSetting(String setting) {
        String s = setting == null ? "" : setting.strip();
        if (s.isEmpty()) return java.util.Optional.empty();
        if (s.startsWith("http://") || s.startsWith("https://")) return java.util.Optional.of(new HttpIntensityFeed(s));
        return java.util.Optional.of(new ForecastFile(java.nio.file.Path.of(s.startsWith("file:") ? s.substring(5) : s)));
    }
}
