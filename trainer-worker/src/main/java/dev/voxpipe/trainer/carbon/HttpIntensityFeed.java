package dev.voxpipe.trainer.carbon;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * An HTTP feed shaped like carbonintensity.org.uk: {@code GET {base}/intensity/{from}/fw48h} answers the next 48 h
 * in half-hour windows ({@link IntensityJson}). Regional or other providers with the same shape work too.
 */
public final class HttpIntensityFeed implements CarbonIntensitySource {
    private final String base;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    /** @param base e.g. https://api.carbonintensity.org.uk */
    public HttpIntensityFeed(String base) {
        this.base = base.endsWith("/") ? base.substring(0, base.length() - 1) : base;
        URI.create(this.base); // a malformed URL is a configuration error at start, not at the first job
    }

    @Override
    public List<IntensityWindow> forecast(Instant from, Instant until) throws IOException {
        URI uri = URI.create(base + "/intensity/" + IntensityJson.minutes(from) + "/fw48h");
        HttpRequest request = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(10)).header("Accept", "application/json").build();
        HttpResponse<String> response;
        try {
            response = http.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while reading " + uri, e);
        }
        if (response.statusCode() != 200) throw new IOException(uri + " answered HTTP " + response.statusCode());
        return IntensityJson.overlapping(IntensityJson.parse(response.body()), from, until);
    }

    @Override
    public String describe() {
        return "HTTP feed " + base;
    }
}
