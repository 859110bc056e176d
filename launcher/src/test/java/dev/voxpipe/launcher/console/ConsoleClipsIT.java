package dev.voxpipe.launcher.console;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.voxpipe.launcher.VoiceSample;
import dev.voxpipe.launcher.VoxPipeClient;
import dev.voxpipe.launcher.serve.LocalServer;
import dev.voxpipe.launcher.serve.ServeHome;
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
 * The console's clip table (issue 20) in a real browser: the uploaded samples' clips are listed with their text,
 * source and whether training uses them, and fixing a text in the table makes it the clip's edited text.
 */
class ConsoleClipsIT {

    @TempDir Path dir;

    @Test
    void clipsAreListedAndATextIsFixedInTheTable() throws Exception {
        Optional<Path[]> bins = WebDriver.binaries();
        assumeTrue(bins.isPresent(), "chromium and chromedriver are not installed: apt-get install -y chromium chromium-driver");
        ServeHome home = new ServeHome(dir.resolve("serve"));
        String key = home.newKey(ServeHome.DEFAULT_TENANT);
        Path samples = Files.createDirectories(dir.resolve("samples"));
        List<String> files = new ArrayList<>();
        for (VoiceSample.Prompt p : VoiceSample.bundled().subList(0, 2)) {
            files.add(Files.write(samples.resolve(p.name() + ".txt"), p.transcript().getBytes()).toString());
            files.add(Files.write(samples.resolve(p.name() + ".wav"), p.wav()).toString());
        }
        try (LocalServer server = LocalServer.start(home, new LocalServer.Options("127.0.0.1", 0, Map.of()));
             WebDriver web = new WebDriver(bins.get()[0], bins.get()[1], dir)) {
            web.open(server.url() + "/");
            web.script("window.__errors = []; window.addEventListener('error', e => __errors.push(e.message));"
                    + " window.addEventListener('unhandledrejection', e => __errors.push(String(e.reason)));");
            web.type("#api-key", key);
            web.click("#signin-form button");
            web.await("#view-voices h2", t -> t.equals("Your voices"), Duration.ofSeconds(10));
            web.type("#voice-name", "Allison");
            web.type("#voice-attested", "Console test operator");
            web.type("#voice-consent", "The speaker's recordings are licensed CC-BY-SA-3.0 for this use.");
            web.click("#voice-form button");
            web.await("#voice-title", t -> t.equals("Allison"), Duration.ofSeconds(10));
            web.type("#file-input", String.join("\n", files));
            web.await("#dataset", t -> t.contains("2 clips accepted"), Duration.ofMinutes(3));
            web.await("#clips tbody", t -> t.split("given ✓", -1).length - 1 == 2, Duration.ofSeconds(30));
            assertTrue(web.text("#labels").startsWith("text training can use: "), web.text("#labels"));

            String fixed = "A sentence fixed in the console.";
            web.script("const input = document.querySelector('#clips tbody tr .clip-text'); input.value = arguments[0];"
                    + " input.dispatchEvent(new Event('input'));", fixed);
            web.click("#clips tbody tr .clip-save");
            web.await("#clips tbody", t -> t.contains("edited ✓"), Duration.ofSeconds(30));
            VoxPipeClient client = new VoxPipeClient(server.url(), key);
            String voiceId = web.script("return state.voice").asText();
            assertTrue(client.clips(voiceId, 10).toString().contains(fixed));
            assertEquals("[]", web.script("return JSON.stringify(window.__errors)").asText(), "no script errors");
        }
    }
}
