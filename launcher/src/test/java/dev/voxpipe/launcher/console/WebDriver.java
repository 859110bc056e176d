package dev.voxpipe.launcher.console;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * A minimal W3C WebDriver client for headless Chromium through Debian's {@code chromedriver}
 * (no Selenium): start the driver, open a session, find elements, type, click, run a script,
 * take screenshots, wait for conditions.
 */
final class WebDriver implements AutoCloseable {

    static final String ELEMENT = "element-6066-11e4-a52e-4f735466cecf";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Process driver;
    private final HttpClient http = HttpClient.newHttpClient();
    private final String base;
    private final String session;

    /** The chromium and chromedriver binaries, when installed. */
    static Optional<Path[]> binaries() {
        for (String browser : List.of("/usr/bin/chromium", "/usr/bin/chromium-browser")) {
            for (String driver : List.of("/usr/bin/chromedriver", "/usr/lib/chromium/chromedriver")) {
                if (Files.isExecutable(Path.of(browser)) && Files.isExecutable(Path.of(driver))) {
                    return Optional.of(new Path[] {Path.of(browser), Path.of(driver)});
                }
            }
        }
        return Optional.empty();
    }

    WebDriver(Path browser, Path chromedriver, Path logDir) throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        driver = new ProcessBuilder(chromedriver.toString(), "--port=" + port)
                .redirectErrorStream(true).redirectOutput(logDir.resolve("chromedriver.log").toFile()).start();
        base = "http://127.0.0.1:" + port;
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (true) {
            try {
                if (call("GET", "/status", null).path("value").path("ready").asBoolean()) break;
            } catch (IOException e) {
                // not listening yet
            }
            if (System.nanoTime() > deadline) throw new IllegalStateException("chromedriver did not start");
            Thread.sleep(100);
        }
        ObjectNode caps = JSON.createObjectNode();
        ObjectNode chrome = caps.putObject("capabilities").putObject("alwaysMatch");
        chrome.put("browserName", "chrome");
        ObjectNode options = chrome.putObject("goog:chromeOptions");
        options.put("binary", browser.toString());
        options.putArray("args").add("--headless=new").add("--no-sandbox").add("--disable-dev-shm-usage")
                .add("--window-size=1280,1100").add("--use-fake-ui-for-media-stream").add("--use-fake-device-for-media-stream")
                .add("--autoplay-policy=no-user-gesture-required");
        session = call("POST", "/session", caps).path("value").path("sessionId").asText();
    }

    private JsonNode call(String method, String path, JsonNode body) throws IOException, InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(60));
        b.method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body.toString()));
        if (body != null) b.header("Content-Type", "application/json");
        HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
        JsonNode json = JSON.readTree(r.body());
        if (r.statusCode() >= 400) throw new IOException("webdriver " + method + " " + path + ": " + json.path("value").path("message").asText(r.body()));
        return json;
    }

    private JsonNode session(String method, String path, JsonNode body) throws IOException, InterruptedException {
        return call(method, "/session/" + session + path, body);
    }

    void open(String url) throws Exception {
        session("POST", "/url", JSON.createObjectNode().put("url", url));
    }

    String find(String css) throws Exception {
        return session("POST", "/element", JSON.createObjectNode().put("using", "css selector").put("value", css))
                .path("value").path(ELEMENT).asText();
    }

    void type(String css, String text) throws Exception {
        session("POST", "/element/" + find(css) + "/value", JSON.createObjectNode().put("text", text));
    }

    void click(String css) throws Exception {
        session("POST", "/element/" + find(css) + "/click", JSON.createObjectNode());
    }

    String text(String css) throws Exception {
        return session("GET", "/element/" + find(css) + "/text", null).path("value").asText();
    }

    JsonNode script(String js, Object... args) throws Exception {
        ObjectNode body = JSON.createObjectNode().put("script", js);
        var array = body.putArray("args");
        for (Object a : args) array.add(String.valueOf(a));
        return session("POST", "/execute/sync", body).path("value");
    }

    /** Polls the text of {@code css} until it satisfies the condition; returns it. */
    String await(String css, Predicate<String> condition, Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        String last = null;
        while (System.nanoTime() < deadline) {
            try {
                last = text(css);
                if (condition.test(last)) return last;
            } catch (IOException e) {
                last = e.getMessage(); // not there yet
            }
            Thread.sleep(250);
        }
        throw new AssertionError("timed out waiting on " + css + "; last: " + last);
    }

    void screenshot(Path file) throws Exception {
        Files.createDirectories(file.getParent());
        Files.write(file, Base64.getDecoder().decode(session("GET", "/screenshot", null).path("value").asText()));
    }

    @Override
    public void close() {
        try {
            session("DELETE", "", null);
        } catch (Exception ignored) {
            // the driver goes anyway
        }
        driver.destroy();
    }
}
