package dev.voxpipe.launcher.console;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.voxpipe.launcher.VoiceSample;
import dev.voxpipe.launcher.serve.LocalServer;
import dev.voxpipe.launcher.serve.ServeHome;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The web console end to end in headless Chromium (Debian's chromium and chromium-driver, driven
 * over the W3C WebDriver protocol) against a serve-equivalent: sign in with the key, create a voice
 * with its consent, upload the bundled minute with transcripts through the file picker, see the
 * dataset summary, train with live progress, speak a text, play it while it renders and download
 * it, and see the lists. Screenshots of each screen go to {@code target/console-screenshots}
 * (or {@code -Dvoxpipe.console.screenshots=DIR}). Without chromium the test is skipped and says so.
 */
class ConsoleIT {

    @TempDir Path dir;

    private static HttpResponse<String> api(String base, String key, String method, String path) throws Exception {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(base + path)).header("Authorization", "Bearer " + key)
                .method(method, HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void theConsoleClonesAVoiceAndSpeaks() throws Exception {
        Optional<Path[]> bins = WebDriver.binaries();
        assumeTrue(bins.isPresent(), "chromium and chromedriver are not installed: apt-get install -y chromium chromium-driver"
                + " (scripts/ensure-test-packages.sh installs them)");
        Path shots = Path.of(System.getProperty("voxpipe.console.screenshots", "target/console-screenshots"));
        ServeHome home = new ServeHome(dir.resolve("serve"));
        String key = home.newKey(ServeHome.DEFAULT_TENANT);
        List<String> files = new ArrayList<>();
        Path samples = Files.createDirectories(dir.resolve("samples"));
        for (VoiceSample.Prompt p : VoiceSample.bundled()) {
            files.add(Files.write(samples.resolve(p.name() + ".txt"), p.transcript().getBytes()).toString());
            files.add(Files.write(samples.resolve(p.name() + ".wav"), p.wav()).toString());
        }
        try (LocalServer server = LocalServer.start(home, new LocalServer.Options("127.0.0.1", 0, Map.of()));
             WebDriver web = new WebDriver(bins.get()[0], bins.get()[1], dir)) {
            // the page and its headers: served from the jar, nothing allowed from elsewhere
            HttpResponse<String> page = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(server.url() + "/console/")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(200, page.statusCode());
            assertTrue(page.headers().firstValue("Content-Security-Policy").orElse("").startsWith("default-src 'none'"));
            assertTrue(!page.body().contains("http://") && !page.body().contains("https://"), "no outside URL in the page");

            web.open(server.url() + "/");
            web.script("window.__errors = []; window.addEventListener('error', e => __errors.push(e.message));"
                    + " window.addEventListener('unhandledrejection', e => __errors.push(String(e.reason)));");
            web.screenshot(shots.resolve("1-sign-in.png"));
            web.type("#api-key", "vxp_wrong");
            web.click("#signin-form button");
            web.await("#signin-error", t -> t.contains("not valid"), Duration.ofSeconds(10));
            web.script("document.getElementById('api-key').value = ''");
            web.type("#api-key", key);
            web.click("#signin-form button");
            web.await("#view-voices h2", t -> t.equals("Your voices"), Duration.ofSeconds(10));

            web.type("#voice-name", "Allison");
            web.type("#voice-attested", "Console test operator");
            web.type("#voice-consent", "The speaker's recordings are licensed CC-BY-SA-3.0 for this use.");
            web.click("#voice-form button");
            web.await("#voice-title", t -> t.equals("Allison"), Duration.ofSeconds(10));
            // the file picker with the audio and a .txt transcript for each file
            web.type("#file-input", String.join("\n", files));
            String dataset;
            try {
                dataset = web.await("#dataset", t -> t.contains("15 clips accepted"), Duration.ofMinutes(3));
            } catch (AssertionError e) {
                // say what the page saw of its uploads (statuses, errors), not only the summary that did not move
                throw new AssertionError(e.getMessage() + "\nuploads: " + web.text("#uploads")
                        + "\npage errors: " + web.script("return JSON.stringify(window.__errors || [])"), e);
            }
            assertTrue(dataset.contains("0 rejected"), dataset);
            web.await("#voice-meta", t -> t.contains("consent active"), Duration.ofSeconds(5));
            assertEquals(15, web.script("return document.querySelectorAll('#uploads tbody tr').length").asInt());
            assertEquals(15, web.script("return Array.from(document.querySelectorAll('#uploads tbody tr'))"
                    + ".filter(r => r.cells[2].textContent === 'yes').length").asInt(), "every file went up with its transcript");
            web.screenshot(shots.resolve("2-voice-and-uploads.png"));

            web.click("#train");
            web.await("#training-text", t -> t.contains("loss"), Duration.ofMinutes(5));
            web.script("document.getElementById('training').scrollIntoView({block: 'center'})");
            web.screenshot(shots.resolve("3-training-live.png"));
            web.await("#training-text", t -> t.startsWith("succeeded"), Duration.ofMinutes(20));
            web.await("#voice-meta", t -> t.contains("model ready v1"), Duration.ofSeconds(30));
            assertTrue(!web.text("#voice-meta").contains("deleted upload"), web.text("#voice-meta"));

            web.click("button[data-view=synthesis]");
            web.await("#synth-voice", t -> t.contains("Allison"), Duration.ofSeconds(10));
            web.type("#synth-text", "The harbour was quiet when the first boat came in. Its crew had been at sea for three days.");
            web.click("#synth-form button");
            web.await("#synth-text-status", t -> !t.isBlank(), Duration.ofSeconds(30)); // the request is in; progress shows
            web.click("#synth-play");
            web.await("#synth-text-status", t -> t.startsWith("succeeded"), Duration.ofMinutes(3));
            web.await("#synth-download", t -> t.equals("Download"), Duration.ofSeconds(30));
            assertTrue(web.script("return document.getElementById('synth-download').href").asText().startsWith("blob:"));
            web.screenshot(shots.resolve("4-speak.png"));

            web.click("button[data-view=lists]");
            web.await("#syntheses tbody", t -> t.contains("succeeded"), Duration.ofSeconds(30));
            web.await("#jobs tbody", t -> t.contains("succeeded"), Duration.ofSeconds(30));
            web.screenshot(shots.resolve("5-lists.png"));

            // deleting one of the uploads the model was trained on: the voice says the model still holds it
            String voiceId = web.script("return state.voice").asText();
            HttpResponse<String> uploads = api(server.url(), key, "GET", "/v1/voices/" + voiceId + "/samples?limit=1");
            String uploadId = new com.fasterxml.jackson.databind.ObjectMapper().readTree(uploads.body()).path("items").path(0)
                    .path("uploadId").asText();
            HttpResponse<String> deleted = api(server.url(), key, "DELETE", "/v1/voices/" + voiceId + "/samples/" + uploadId);
            assertEquals(200, deleted.statusCode(), deleted.body());
            assertTrue(deleted.body().contains("\"modelsTrainedOnIt\":[1]"), deleted.body());
            web.click("button[data-view=voices]");
            web.script("refreshVoice()");
            web.await("#voice-meta", t -> t.contains("trained on 1 deleted upload: train again to leave it out"), Duration.ofSeconds(30));
            assertEquals("[]", web.script("return JSON.stringify(window.__errors)").asText(), "no script errors");
        }
    }
}
