package dev.voxpipe.launcher;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.voxpipe.core.topics.Topics;
import dev.voxpipe.dsp.Loudness;
import dev.voxpipe.dsp.MelConfig;
import dev.voxpipe.dsp.MelSpectrogram;
import dev.voxpipe.dsp.PcmAudio;
import dev.voxpipe.dsp.WavIo;
import dev.voxpipe.launcher.serve.LocalServer;
import dev.voxpipe.launcher.serve.ServeHome;
import dev.voxpipe.model.SynthesisOutput;
import dev.voxpipe.model.VoiceDelta;
import dev.voxpipe.model.VoiceModelRuntime;
import dev.voxpipe.schemas.SynthesisChunk;
import dev.voxpipe.schemas.SynthesisChunkResult;
import dev.voxpipe.schemas.SynthesisCompleted;
import dev.voxpipe.schemas.SynthesisRequest;
import dev.voxpipe.text.TextFrontend;
import java.io.InputStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * {@code bench/streaming/run.sh}: time to the first audio byte and end-to-end real-time factor of
 * {@code /tts} (streamed WAV, and whole) on a one-machine serve, for a one-sentence and a
 * ten-sentence request, against the model alone on the same texts in the same JVM; then where the
 * end-to-end time goes, stage by stage, from the events' own timestamps (ingest, splitter, synth
 * worker, assembler). The voice is a zero-shot voice from the bundled sample (no training needed;
 * the network and its cost are the same as a few-shot voice's).
 */
public final class StreamingBench {

    static final String ONE = "The harbour was quiet when the first boat came in, a little after six in the morning.";
    static final String TEN = """
            The harbour was quiet when the first boat came in, a little after six in the morning. \
            Its crew had been at sea for three days. They were tired, cold, and very glad to be home.

            By nine o'clock the market was full. Fishermen sold their catch for twelve dollars a crate. \
            Children ran between the stalls. Did anyone notice the storm clouds to the west?

            Nobody did, until the rain began. Within twenty minutes the square was empty again. \
            Only the gulls remained, calling over the grey water.""";

    record Sample(String label, String mode, double firstAudioMs, double totalMs, double audioSeconds, String requestId) {
        double rtf() {
            return totalMs / 1000 / audioSeconds;
        }
    }

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    public static void main(String[] args) throws Exception {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 5;
        if (TextFrontend.english().sentences(TEN).size() != 10) throw new IllegalStateException("TEN must be ten sentences");
        Path dir = Files.createTempDirectory("voxpipe-streaming-bench");
        ServeHome home = new ServeHome(dir);
        String key = home.newKey(ServeHome.DEFAULT_TENANT);
        long t0 = System.nanoTime();
        try (LocalServer server = LocalServer.start(home, new LocalServer.Options("127.0.0.1", 0, Map.of()))) {
            System.out.printf(Locale.ROOT, "serve up in %.1f s (%d cores)%n", (System.nanoTime() - t0) / 1e9,
                    Runtime.getRuntime().availableProcessors());
            VoxPipeClient client = new VoxPipeClient(server.url(), key);
            String voiceId = client.createVoice("bench", "en", "bench", "CC-BY-SA-3.0 sample").get("voiceId").asText();
            VoiceSample.Prompt clip = VoiceSample.bundled().stream().filter(p -> p.seconds() >= 5 && p.seconds() <= 9).findFirst().orElseThrow();
            String uploadId = client.uploadSample(voiceId, clip.wav(), "audio/wav", clip.transcript()).get("uploadId").asText();

            Sample cold = tts(server.url(), key, uploadId, "10 sentences", TEN, false);
            for (int i = 0; i < 3; i++) { // warm-up: JIT, the engine, the zero-shot embedding cache
                tts(server.url(), key, uploadId, "warm", ONE, true);
                tts(server.url(), key, uploadId, "warm", TEN, false);
            }
            List<Sample> samples = new ArrayList<>();
            for (int r = 0; r < rounds; r++) {
                samples.add(tts(server.url(), key, uploadId, "1 sentence", ONE, true));
                samples.add(tts(server.url(), key, uploadId, "10 sentences", TEN, true));
                samples.add(tts(server.url(), key, uploadId, "1 sentence", ONE, false));
                samples.add(tts(server.url(), key, uploadId, "10 sentences", TEN, false));
            }
            System.out.println();
            System.out.println("| request | /tts | first audio byte, min / median (ms) | total, median (ms) | audio (s) | end-to-end RTF, min / median |");
            System.out.println("|---|---|---:|---:|---:|---:|");
            for (String label : List.of("1 sentence", "10 sentences")) {
                for (String mode : List.of("streamed", "whole")) {
                    List<Sample> s = samples.stream().filter(x -> x.label().equals(label) && x.mode().equals(mode)).toList();
                    double[] first = s.stream().mapToDouble(Sample::firstAudioMs).sorted().toArray();
                    double[] total = s.stream().mapToDouble(Sample::totalMs).sorted().toArray();
                    double[] rtf = s.stream().mapToDouble(Sample::rtf).sorted().toArray();
                    System.out.printf(Locale.ROOT, "| %s | %s | %.0f / %.0f | %.0f | %.2f | %.3f / %.3f |%n", label, mode, first[0],
                            median(first), median(total), s.get(0).audioSeconds(), rtf[0], median(rtf));
                }
            }
            System.out.printf(Locale.ROOT, "%nthe first request after start (cold JIT and engine): 10 sentences whole in %.0f ms, end-to-end RTF %.3f%n",
                    cold.totalMs(), cold.rtf());
            List<Sample> all = new ArrayList<>(samples);
            all.add(new Sample("10 sentences", "cold, whole", cold.firstAudioMs(), cold.totalMs(), cold.audioSeconds(), cold.requestId()));
            breakdown(server, all);
        }
        modelAlone(rounds);
        System.exit(0); // DJL's native threads are not daemons
    }

    /** The model alone, warm, on the same texts and a zero-shot voice from the same clip's DSP. */
    private static void modelAlone(int rounds) throws Exception {
        VoiceModelRuntime runtime = VoiceModelRuntime.loadBase();
        VoiceSample.Prompt clip = VoiceSample.bundled().stream().filter(p -> p.seconds() >= 5 && p.seconds() <= 9).findFirst().orElseThrow();
        PcmAudio audio = WavIo.read(clip.wav()).resampled(32000);
        MelSpectrogram mel = new MelSpectrogram(MelConfig.defaults());
        VoiceDelta voice = runtime.zeroShot(List.<float[][]>of(mel.logMel(Loudness.normalize(audio.samples(), 32000).samples())));
        TextFrontend en = TextFrontend.english();
        List<String> one = List.of(en.normalize(ONE));
        List<String> ten = en.chunks(TEN, 400).stream().map(c -> c.text()).toList();
        for (int i = 0; i < 3; i++) {
            runtime.synthesize(voice, one, 1.0);
            runtime.synthesize(voice, ten, 1.0);
        }
        System.out.println();
        System.out.println("| model alone (same JVM settings, warm) | RTF, min / median | first sentence alone (ms), median |");
        System.out.println("|---|---:|---:|");
        for (var texts : List.of(Map.entry("1 sentence", one), Map.entry("10 sentences (3 chunks, one batch)", ten))) {
            double[] rtf = new double[rounds];
            double[] firstMs = new double[rounds];
            for (int r = 0; r < rounds; r++) {
                SynthesisOutput out = runtime.synthesize(voice, texts.getValue(), 1.0);
                rtf[r] = out.realTimeFactor();
                long t = System.nanoTime();
                runtime.synthesize(voice, List.of(en.sentences(texts.getValue().get(0)).get(0).normalized()), 1.0);
                firstMs[r] = (System.nanoTime() - t) / 1e6;
            }
            Arrays.sort(rtf);
            Arrays.sort(firstMs);
            System.out.printf(Locale.ROOT, "| %s | %.3f / %.3f | %.0f |%n", texts.getKey(), rtf[0], median(rtf), median(firstMs));
        }
    }

    /** Per request, from the events' timestamps: where the milliseconds went. Medians over the measured requests. */
    private static void breakdown(LocalServer server, List<Sample> samples) {
        Map<String, Sample> byId = new HashMap<>();
        samples.forEach(s -> byId.put(s.requestId(), s));
        Duration wait = Duration.ofSeconds(20);
        var stack = server.stack();
        Map<String, SynthesisRequest> requests = new HashMap<>();
        TopicReader.read(stack, Topics.SYNTHESIS_REQUESTS, SynthesisRequest.class, l -> l.size() >= byId.size(), wait)
                .forEach(r -> requests.put(r.getRequestId(), r));
        Map<String, List<SynthesisChunk>> chunks = new HashMap<>();
        TopicReader.read(stack, Topics.SYNTHESIS_CHUNKS, SynthesisChunk.class, l -> l.size() >= byId.size(), wait)
                .forEach(c -> chunks.computeIfAbsent(c.getRequestId(), k -> new ArrayList<>()).add(c));
        Map<String, List<SynthesisChunkResult>> results = new HashMap<>();
        TopicReader.read(stack, Topics.SYNTHESIS_CHUNK_RESULTS, SynthesisChunkResult.class, l -> l.size() >= byId.size(), wait)
                .forEach(c -> results.computeIfAbsent(c.getRequestId(), k -> new ArrayList<>()).add(c));
        Map<String, SynthesisCompleted> completed = new HashMap<>();
        TopicReader.read(stack, Topics.SYNTHESIS_COMPLETED, SynthesisCompleted.class, l -> l.size() >= byId.size(), wait)
                .forEach(c -> completed.put(c.getRequestId(), c));
        System.out.println();
        System.out.println("| request | /tts | ingest -> split (ms) | split -> first chunk's synthesis starts (ms) | synthesis compute, all chunks (ms) | pipeline RTF (compute only) | last chunk -> book written (ms) | client total (ms) |");
        System.out.println("|---|---|---:|---:|---:|---:|---:|---:|");
        for (String label : List.of("1 sentence", "10 sentences")) {
            for (String mode : List.of("streamed", "whole", "cold, whole")) {
                List<double[]> rows = new ArrayList<>();
                for (Sample s : samples) {
                    if (!s.label().equals(label) || !s.mode().equals(mode)) continue;
                    SynthesisRequest req = requests.get(s.requestId());
                    List<SynthesisChunk> cs = chunks.getOrDefault(s.requestId(), List.of());
                    List<SynthesisChunkResult> rs = results.getOrDefault(s.requestId(), List.of());
                    SynthesisCompleted done = completed.get(s.requestId());
                    if (req == null || cs.isEmpty() || rs.isEmpty() || done == null) continue;
                    long requested = req.getEventTime().toEpochMilli();
                    long split = cs.stream().mapToLong(c -> c.getEventTime().toEpochMilli()).min().orElse(requested);
                    SynthesisChunkResult first = rs.stream().filter(r -> r.getChunkIndex() == 0).findFirst().orElse(rs.get(0));
                    double firstStart = first.getEventTime().toEpochMilli() - first.getSynthesisSeconds() * 1000;
                    double compute = rs.stream().mapToDouble(SynthesisChunkResult::getSynthesisSeconds).sum() * 1000;
                    long lastResult = rs.stream().mapToLong(r -> r.getEventTime().toEpochMilli()).max().orElse(0);
                    rows.add(new double[] {split - requested, firstStart - split, compute, compute / 1000 / done.getDurationSeconds(),
                            done.getEventTime().toEpochMilli() - lastResult, s.totalMs()});
                }
                if (rows.isEmpty()) continue;
                double[] m = new double[6];
                for (int k = 0; k < 6; k++) {
                    int kk = k;
                    m[k] = median(rows.stream().mapToDouble(r -> r[kk]).sorted().toArray());
                }
                System.out.printf(Locale.ROOT, "| %s | %s | %.0f | %.0f | %.0f | %.3f | %.0f | %.0f |%n", label, mode, m[0], m[1], m[2], m[3], m[4], m[5]);
            }
        }
    }

    private static Sample tts(String url, String key, String reference, String label, String text, boolean streamed) throws Exception {
        String query = "/tts?text_lang=en&prompt_lang=en&media_type=wav&ref_audio_path=" + reference + "&streaming_mode=" + streamed
                + "&text=" + URLEncoder.encode(text, StandardCharsets.UTF_8);
        HttpRequest request = HttpRequest.newBuilder(URI.create(url + query)).header("Authorization", "Bearer " + key)
                .timeout(Duration.ofMinutes(2)).GET().build();
        long started = System.nanoTime();
        HttpResponse<InputStream> response = HTTP.send(request, HttpResponse.BodyHandlers.ofInputStream());
        if (response.statusCode() != 200) {
            throw new IllegalStateException("/tts answered " + response.statusCode() + ": " + new String(response.body().readAllBytes(), StandardCharsets.UTF_8));
        }
        long firstAudio = -1;
        long bytes = 0;
        byte[] buffer = new byte[8192];
        try (InputStream in = response.body()) {
            for (int n; (n = in.read(buffer)) > 0; ) {
                bytes += n;
                if (firstAudio < 0 && bytes > 44) firstAudio = System.nanoTime(); // past the WAV header: audio
            }
        }
        long ended = System.nanoTime();
        double seconds = (bytes - 44) / 2.0 / 32000;
        return new Sample(label, streamed ? "streamed" : "whole", (firstAudio - started) / 1e6, (ended - started) / 1e6, seconds,
                response.headers().firstValue("X-Voxpipe-Synthesis").orElse(""));
    }

    private static double median(double[] sorted) {
        int n = sorted.length;
        return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    }

    private StreamingBench() {}
}
