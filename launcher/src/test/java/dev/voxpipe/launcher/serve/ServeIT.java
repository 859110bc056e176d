package dev.voxpipe.launcher.serve;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.voxpipe.dsp.PcmAudio;
import dev.voxpipe.dsp.WavIo;
import dev.voxpipe.dsp.decode.AudioDecoder;
import dev.voxpipe.dsp.decode.DecodeLimits;
import dev.voxpipe.launcher.VoiceSample;
import dev.voxpipe.launcher.VoxPipeClient;
import dev.voxpipe.launcher.cli.CliMain;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code ./voxpipe serve} as a user meets it, on a real broker, registry and every worker: the CLI
 * clones the bundled minute of speech and says a text in it (clone -> say round trip); GPT-SoVITS
 * clients' documented /tts requests are answered (whole and streamed) and refused as theirs are;
 * a zero-shot reference clip voices an untrained voice, and one outside 3-10 s is refused; a
 * restart on the same data directory keeps the voice, its model, the audio and the key.
 */
class ServeIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @TempDir Path dir;

    record Run(int status, String out, String err) {}

    static Run cli(Map<String, String> env, String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int status = CliMain.run(args, new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8), env);
        return new Run(status, out.toString(StandardCharsets.UTF_8).strip(), err.toString(StandardCharsets.UTF_8));
    }

    @Test
    void cloneSayTtsZeroShotAndRestart() throws Exception {
        ServeHome home = new ServeHome(dir.resolve("serve"));
        String key = home.newKey(ServeHome.DEFAULT_TENANT);
        assertFalse(Files.readString(home.keyFile()).contains(key), "only the key's hash is stored");
        Path samples = Files.createDirectories(dir.resolve("samples"));
        List<String> files = new ArrayList<>();
        for (VoiceSample.Prompt p : VoiceSample.bundled()) {
            Files.write(samples.resolve(p.name() + ".wav"), p.wav());
            Files.writeString(samples.resolve(p.name() + ".txt"), p.transcript() + "\n"); // sidecar transcripts
            files.add(samples.resolve(p.name() + ".wav").toString());
        }
        LocalServer.Options options = new LocalServer.Options("127.0.0.1", 0, Map.of());

        String voiceId;
        String sayRequest;
        byte[] firstAudio;
        try (LocalServer server = LocalServer.start(home, options)) {
            Map<String, String> env = Map.of("VOXPIPE_URL", server.url(), "VOXPIPE_API_KEY", key);

            // ./voxpipe clone -> voice id
            List<String> args = new ArrayList<>(List.of("clone", "--name", "Allison", "--consent",
                    "The speaker's recordings are licensed CC-BY-SA-3.0 for this use."));
            args.addAll(files);
            Run clone = cli(env, args.toArray(String[]::new));
            assertEquals(0, clone.status(), clone.err());
            voiceId = clone.out();
            assertTrue(voiceId.startsWith("voice_"), "stdout is the voice id: " + clone.out());
            assertTrue(clone.err().contains("clips accepted, 0 rejected"), clone.err());
            assertTrue(clone.err().contains("fine-tuning the voice") && clone.err().contains("steps, final loss"), clone.err());

            // ./voxpipe say -> FLAC
            Path flac = dir.resolve("out/hello.flac");
            Run say = cli(env, "say", "--voice", voiceId, "--text", "The harbour was quiet when the first boat came in.",
                    "-o", flac.toString(), "--speed", "1.1");
            assertEquals(0, say.status(), say.err());
            assertEquals(flac.toString(), say.out());
            byte[] flacBytes = Files.readAllBytes(flac);
            assertEquals("fLaC", new String(flacBytes, 0, 4, StandardCharsets.US_ASCII));
            PcmAudio spoken = AudioDecoder.decode(flacBytes, DecodeLimits.defaults());
            assertTrue(spoken.durationSeconds() > 1.0 && spoken.durationSeconds() < 10, "a sentence: " + spoken);
            assertTrue(say.err().contains("real-time factor"), say.err());

            // a book from a file, as WAV
            Path book = Files.writeString(dir.resolve("book.txt"), "Chapter one.\n\nIt was a bright cold day. The clocks were striking.\n");
            Run sayBook = cli(env, "say", "--voice", voiceId, "--file", book.toString(), "-o", dir.resolve("book.wav").toString());
            assertEquals(0, sayBook.status(), sayBook.err());
            firstAudio = Files.readAllBytes(dir.resolve("book.wav"));
            assertTrue(WavIo.read(firstAudio).durationSeconds() > 2);
            sayRequest = new VoxPipeClient(server.url(), key).synthesize(VoxPipeClient.object().put("voiceId", voiceId)
                    .put("text", "Kept across a restart.")).get("requestId").asText();

            // refusals of the CLI
            Run wrongKey = cli(Map.of("VOXPIPE_URL", server.url(), "VOXPIPE_API_KEY", "vxp_nope"), "say", "--voice", voiceId, "--text", "x", "-o", "x.wav");
            assertEquals(CliMain.USAGE, wrongKey.status());
            assertTrue(wrongKey.err().contains("401"), wrongKey.err());
            Run noFormat = cli(env, "say", "--voice", voiceId, "--text", "x", "-o", "x.aiff");
            assertEquals(CliMain.USAGE, noFormat.status());
            assertTrue(noFormat.err().contains("--format"), noFormat.err());

            gptSovitsRequests(server.url(), key, voiceId);
            zeroShot(server.url(), key);
        }

        // no server: a clear message, exit status 3
        Run nobody = cli(Map.of("VOXPIPE_URL", "http://127.0.0.1:1", "VOXPIPE_API_KEY", key), "say", "--voice", voiceId, "--text", "x", "-o", "x.wav");
        assertEquals(CliMain.NO_SERVER, nobody.status());
        assertTrue(nobody.err().contains("no VoxPipe server answers at http://127.0.0.1:1"), nobody.err());

        // a restart on the same data directory keeps the voice, its model, the audio and the key
        try (LocalServer server = LocalServer.start(home, options)) {
            VoxPipeClient client = new VoxPipeClient(server.url(), key);
            JsonNode voice = client.voice(voiceId);
            assertEquals("READY", voice.path("model").path("state").asText(), voice.toString());
            JsonNode kept = awaitDone(client, sayRequest);
            assertEquals("SUCCEEDED", kept.path("state").asText(), kept.toString());
            assertTrue(WavIo.read(client.audio(sayRequest)).durationSeconds() > 1, "the audio survived the restart");
            Run again = cli(Map.of("VOXPIPE_URL", server.url(), "VOXPIPE_API_KEY", key), "say", "--voice", voiceId,
                    "--text", "Still here after a restart.", "-o", dir.resolve("again.wav").toString());
            assertEquals(0, again.status(), again.err());
            assertTrue(WavIo.read(Files.readAllBytes(dir.resolve("again.wav"))).durationSeconds() > 1);
        }
    }

    /** GPT-SoVITS api_v2's documented request shapes against /tts. */
    private void gptSovitsRequests(String url, String key, String voiceId) throws Exception {
        // their GET example, ref_audio_path naming the voice
        String get = "/tts?text=" + enc("Hello there. How are you today?") + "&text_lang=en&ref_audio_path=" + voiceId
                + "&prompt_lang=en&prompt_text=" + enc("Please enter the keywords") + "&text_split_method=cut5&batch_size=1&media_type=wav&streaming_mode=false";
        HttpResponse<byte[]> whole = http.send(request(url + get, key).GET().build(), HttpResponse.BodyHandlers.ofByteArray());
        assertEquals(200, whole.statusCode(), new String(whole.body(), StandardCharsets.UTF_8));
        assertEquals("audio/wav", whole.headers().firstValue("Content-Type").orElse(""));
        PcmAudio wav = WavIo.read(whole.body());
        assertTrue(wav.durationSeconds() > 1, "two sentences: " + wav);

        // their POST body, streamed: a WAV header, then PCM chunk by chunk
        String text = "The harbour was quiet when the first boat came in. Its crew had been at sea for three days, and they were tired. "
                + "By nine o'clock the market was full.";
        String post = JSON.createObjectNode().put("text", text).put("text_lang", "en").put("ref_audio_path", voiceId)
                .put("prompt_text", "").put("prompt_lang", "en").put("top_k", 15).put("top_p", 1).put("temperature", 1)
                .put("text_split_method", "cut5").put("batch_size", 1).put("batch_threshold", 0.75).put("split_bucket", true)
                .put("speed_factor", 1.0).put("fragment_interval", 0.3).put("seed", -1).put("media_type", "wav")
                .put("streaming_mode", true).put("parallel_infer", true).put("repetition_penalty", 1.35).toString();
        long started = System.nanoTime();
        HttpResponse<InputStream> streamed = http.send(request(url + "/tts", key).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(post)).build(), HttpResponse.BodyHandlers.ofInputStream());
        assertEquals(200, streamed.statusCode());
        byte[] all;
        double firstByteMs;
        try (InputStream in = streamed.body()) {
            int b0 = in.read();
            firstByteMs = (System.nanoTime() - started) / 1e6;
            byte[] rest = in.readAllBytes();
            all = new byte[rest.length + 1];
            all[0] = (byte) b0;
            System.arraycopy(rest, 0, all, 1, rest.length);
        }
        double totalMs = (System.nanoTime() - started) / 1e6;
        assertEquals("RIFF", new String(all, 0, 4, StandardCharsets.US_ASCII));
        assertEquals(0xFFFFFFFFL, Integer.toUnsignedLong(ByteBuffer.wrap(all, 40, 4).order(ByteOrder.LITTLE_ENDIAN).getInt()),
                "a streamed WAV's data size is left open");
        assertTrue(streamed.headers().firstValue("Content-Length").isEmpty(), "chunked");
        double seconds = (all.length - 44) / 2.0 / 32000;
        assertTrue(seconds > 4, "three sentences of audio: " + seconds);
        System.out.printf("streamed /tts: first byte %.0f ms, all %.0f ms, %.2f s of audio%n", firstByteMs, totalMs, seconds);

        // raw PCM
        HttpResponse<byte[]> raw = http.send(request(url + get.replace("media_type=wav", "media_type=raw"), key).GET().build(),
                HttpResponse.BodyHandlers.ofByteArray());
        assertEquals(200, raw.statusCode());
        assertEquals("audio/raw", raw.headers().firstValue("Content-Type").orElse(""));
        assertFalse(new String(raw.body(), 0, 4, StandardCharsets.US_ASCII).equals("RIFF"), "raw has no header");

        // refusals, shaped as GPT-SoVITS gives them: 400 {"message": ...}
        assertRefused(url, key, "/tts?text_lang=en&ref_audio_path=" + voiceId, 400, "text is required");
        assertRefused(url, key, "/tts?text=hi&ref_audio_path=" + voiceId, 400, "text_lang is required");
        assertRefused(url, key, "/tts?text=hi&text_lang=en", 400, "ref_audio_path is required");
        assertRefused(url, key, "/tts?text=hi&text_lang=en&ref_audio_path=" + voiceId + "&media_type=mp4", 400, "media_type: mp4 is not supported");
        assertRefused(url, key, "/tts?text=hi&text_lang=en&ref_audio_path=archive_jingyuan_1.wav", 400, "ref_audio_path: archive_jingyuan_1.wav names neither");
        assertRefused(url, key, "/tts?text=hi&text_lang=en&ref_audio_path=voice_00000000000000000000000000", 400, "no voice");
        assertRefused(url, null, "/tts?text=hi&text_lang=en&ref_audio_path=" + voiceId, 401, "an API key is required");
        HttpResponse<String> badJson = http.send(request(url + "/tts", key).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{not json")).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(400, badJson.statusCode());
        assertTrue(JSON.readTree(badJson.body()).path("message").asText().contains("JSON"), badJson.body());
    }

    /** A voice that was never trained speaks through a 3-10 s clip of its speaker; other lengths are refused. */
    private void zeroShot(String url, String key) throws Exception {
        VoxPipeClient client = new VoxPipeClient(url, key);
        String voiceId = client.createVoice("Zero-shot Allison", "en", "Test operator", "Recordings licensed CC-BY-SA-3.0.")
                .get("voiceId").asText();
        List<VoiceSample.Prompt> prompts = VoiceSample.bundled();
        VoiceSample.Prompt longClip = prompts.stream().filter(p -> p.seconds() >= 4 && p.seconds() <= 9).findFirst().orElseThrow();
        VoiceSample.Prompt shortClip = prompts.stream().filter(p -> p.seconds() < 2.9).findFirst().orElseThrow();
        String clip = client.uploadSample(voiceId, longClip.wav(), "audio/wav", longClip.transcript()).get("uploadId").asText();
        String tooShort = client.uploadSample(voiceId, shortClip.wav(), "audio/wav", null).get("uploadId").asText();

        String get = "/tts?text=" + enc("Nobody trained this voice.") + "&text_lang=en&prompt_lang=en&prompt_text="
                + enc(longClip.transcript()) + "&ref_audio_path=";
        HttpResponse<byte[]> zero = http.send(request(url + get + clip, key).GET().build(), HttpResponse.BodyHandlers.ofByteArray());
        assertEquals(200, zero.statusCode(), new String(zero.body(), StandardCharsets.UTF_8));
        assertTrue(WavIo.read(zero.body()).durationSeconds() > 0.8);
        assertRefused(url, key, get + tooShort, 400, "a zero-shot reference clip must be 3 to 10 seconds of speech; it is ");

        // /v1 with the clip inline: the same voice's speaker, no upload, no training
        String requestId = client.synthesize(VoxPipeClient.object().put("voiceId", voiceId).put("text", "Nobody trained this voice.")
                .set("reference", VoxPipeClient.object().put("audio", Base64.getEncoder().encodeToString(longClip.wav()))
                        .put("transcript", longClip.transcript()))).get("requestId").asText();
        JsonNode done = awaitDone(client, requestId);
        assertEquals("SUCCEEDED", done.path("state").asText(), done.toString());
        byte[] inline = client.audio(requestId);
        assertTrue(WavIo.read(inline).durationSeconds() > 0.8);
        // a different reference gives a different voice for the same text
        VoiceSample.Prompt other = prompts.stream().filter(p -> p.seconds() >= 3.2 && p.seconds() <= 9 && p != longClip)
                .reduce((a, b) -> b).orElseThrow();
        String otherId = client.synthesize(VoxPipeClient.object().put("voiceId", voiceId).put("text", "Nobody trained this voice.")
                .set("reference", VoxPipeClient.object().put("audio", Base64.getEncoder().encodeToString(other.wav())))).get("requestId").asText();
        assertEquals("SUCCEEDED", awaitDone(client, otherId).path("state").asText());
        assertNotEquals(java.util.Arrays.hashCode(inline), java.util.Arrays.hashCode(client.audio(otherId)),
                "the reference clip decides the voice");
        try {
            client.synthesize(VoxPipeClient.object().put("voiceId", voiceId).put("text", "Too short.")
                    .set("reference", VoxPipeClient.object().put("audio", Base64.getEncoder().encodeToString(shortClip.wav()))));
            throw new AssertionError("a reference under 3 s was accepted");
        } catch (VoxPipeClient.ApiError e) {
            assertEquals(422, e.status());
            assertTrue(e.getMessage().contains("reference_length"), e.getMessage());
        }
        // and without a reference, the untrained voice cannot speak
        try {
            client.synthesize(VoxPipeClient.object().put("voiceId", voiceId).put("text", "No model."));
            throw new AssertionError("an untrained voice without a reference was accepted");
        } catch (VoxPipeClient.ApiError e) {
            assertEquals(409, e.status());
        }
    }

    private static JsonNode awaitDone(VoxPipeClient client, String requestId) throws Exception {
        long deadline = System.nanoTime() + Duration.ofMinutes(3).toNanos();
        while (true) {
            JsonNode s = client.synthesis(requestId);
            String state = s.path("state").asText();
            if (state.equals("SUCCEEDED") || state.equals("FAILED") || System.nanoTime() > deadline) return s;
            Thread.sleep(100);
        }
    }

    private void assertRefused(String url, String key, String pathAndQuery, int status, String messageStart) throws Exception {
        HttpResponse<String> r = http.send(request(url + pathAndQuery, key).GET().build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(status, r.statusCode(), pathAndQuery + " -> " + r.body());
        assertEquals("application/json", r.headers().firstValue("Content-Type").orElse(""));
        String message = JSON.readTree(r.body()).path("message").asText();
        assertTrue(message.startsWith(messageStart), pathAndQuery + ": '" + message + "' does not start with '" + messageStart + "'");
    }

    private static HttpRequest.Builder request(String url, String key) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofMinutes(3));
        return key == null ? b : b.header("Authorization", "Bearer " + key);
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }
}
