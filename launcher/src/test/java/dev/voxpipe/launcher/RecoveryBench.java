package dev.voxpipe.launcher;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.voxpipe.feature.app.FeatureWorkerApp;
import dev.voxpipe.localstack.LocalStack;
import dev.voxpipe.localstack.LocalStackConfig;
import dev.voxpipe.localstack.Ports;
import dev.voxpipe.model.VoiceModelRuntime;
import dev.voxpipe.synth.audiobook.AudiobookApp;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.function.Predicate;

/**
 * {@code bench/recovery/run.sh} (issue 22): how long the pipeline takes to recover from a crash, on the real local stack.
 * <ul>
 *   <li><b>Streams worker kill -9</b>: the feature worker (the upload → dataset topology) and the audiobook app (split and
 *   assembly) run as their own JVMs over state built by a load of voices, uploads and books. Each round kills one with
 *   SIGKILL, starts its successor at once (what an orchestrator's restart does), and at the kill submits work that only
 *   that worker can finish (an upload; a zero-shot book). Measured: kill → successor ready ({@code /health/ready}, the
 *   Streams app RUNNING) → the work's output seen through the API (the upload PROCESSED; the book SUCCEEDED). The same
 *   work without a kill gives the steady-state latency.</li>
 *   <li><b>Broker kill -9</b>: the broker is killed and started again at once on the same log; a client posts a voice
 *   every 250 ms (no client retries) from the kill on. Measured: kill → broker answering → first write accepted (201),
 *   and → the next upload PROCESSED (the whole chain moving again).</li>
 * </ul>
 * Usage: {@code RecoveryBench [rounds=3] [voices=20] [books=6]}; prints a table and the worker logs' count of wiped
 * (corrupted) tasks. Settings under test are passed as system properties to every worker ({@code -Dvoxpipe...}).
 */
public final class RecoveryBench {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private static final Duration WAIT = Duration.ofMinutes(4);

    record Sample(String what, int round, double readyS, double doneS) {}

    private final Path dir;
    private final LocalStack stack;
    private final LocalPipeline pipeline;
    private final VoxPipeClient client;
    private final Map<String, WorkerProcess> workers = new HashMap<>();
    private final Map<String, Integer> metricsPorts = new HashMap<>();
    private final Map<String, Integer> incarnations = new HashMap<>();
    private final List<String> voices = new ArrayList<>();
    private final Map<String, String> references = new LinkedHashMap<>(); // voiceId -> an upload id for zero-shot books
    private int serial; // makes each upload's bytes and each book's text its own
    private java.time.LocalTime killedAt;

    private RecoveryBench(Path dir, LocalStack stack, LocalPipeline pipeline) {
        this.dir = dir;
        this.stack = stack;
        this.pipeline = pipeline;
        this.client = new VoxPipeClient(pipeline.baseUrl(), pipeline.apiKey());
    }

    public static void main(String[] args) throws Exception {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 3;
        int voiceCount = args.length > 1 ? Integer.parseInt(args[1]) : 20;
        int bookCount = args.length > 2 ? Integer.parseInt(args[2]) : 6;
        Path dir = Files.createTempDirectory("voxpipe-recovery-bench");
        System.out.printf(Locale.ROOT, "recovery bench: %d rounds, %d voices, %d books; %d cores; load %s; dir %s%n", rounds, voiceCount,
                bookCount, Runtime.getRuntime().availableProcessors(), load(), dir);
        List<Sample> samples = new ArrayList<>();
        try (LocalStack stack = LocalStack.start(LocalStackConfig.ephemeral(dir.resolve("stack")));
             VoiceModelRuntime runtime = VoiceModelRuntime.loadBase();
             LocalPipeline pipeline = LocalPipeline.start(stack, dir, runtime, settingsUnderTest(),
                     EnumSet.of(LocalPipeline.Worker.SYNTH))) {
            RecoveryBench bench = new RecoveryBench(dir, stack, pipeline);
            // an interrupted bench leaves no worker JVM behind
            Runtime.getRuntime().addShutdownHook(new Thread(() -> bench.workers.values().forEach(WorkerProcess::close)));
            try {
                bench.startWorker("feature");
                bench.startWorker("audiobook");
                bench.awaitReady("feature");
                bench.awaitReady("audiobook");
                long t0 = System.nanoTime();
                bench.fill(voiceCount, bookCount);
                System.out.printf(Locale.ROOT, "state built in %.0f s (load %s)%n", seconds(t0), load());
                for (int r = 1; r <= rounds; r++) {
                    samples.add(bench.steadyUpload(r));
                    samples.add(bench.killFeatureWorker(r));
                    samples.add(bench.steadyBook(r));
                    samples.add(bench.killAudiobook(r));
                    samples.addAll(bench.killBroker(r));
                    System.out.printf(Locale.ROOT, "round %d done (load %s)%n", r, load());
                }
                print(samples);
                System.out.printf("tasks wiped after a crash (TaskCorruptedException in the workers' logs): %s%n", bench.corruptions());
                System.out.printf("load average at the end: %s%n", load());
            } finally {
                bench.workers.values().forEach(WorkerProcess::close);
            }
        }
        System.exit(0); // DJL's native threads are not daemons
    }

    /** The bench's application ids, and every {@code -Dvoxpipe....} given to this JVM (ingest and the synth worker run in it). */
    private static Map<String, String> settingsUnderTest() {
        Map<String, String> extra = new HashMap<>(Map.of(
                "voxpipe.feature.application-id", "recovery-feature",
                "voxpipe.audiobook.application-id", "recovery-audiobook",
                "voxpipe.ingest.application-id", "recovery-ingest",
                "voxpipe.synth.group-id", "recovery-synths"));
        System.getProperties().stringPropertyNames().stream().filter(k -> k.startsWith("voxpipe."))
                .forEach(k -> extra.put(k, System.getProperty(k)));
        return extra;
    }

    // ------------------------------------------------------------------------------------------------ workers

    private void startWorker(String slot) throws IOException {
        int n = incarnations.merge(slot, 1, Integer::sum);
        Map<String, String> config = new HashMap<>(pipeline.settings());
        int port = metricsPorts.computeIfAbsent(slot, s -> Ports.pickFree());
        config.put("voxpipe.metrics.port", Integer.toString(port));
        Class<?> main = switch (slot) {
            case "feature" -> FeatureWorkerApp.class;
            case "audiobook" -> AudiobookApp.class;
            default -> throw new IllegalArgumentException(slot);
        };
        Files.createDirectories(dir.resolve("logs"));
        workers.put(slot, WorkerProcess.start(main, config, dir.resolve("logs/" + slot + "-" + n + ".log")));
    }

    private boolean ready(String slot) {
        try {
            HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + metricsPorts.get(slot) + "/health/ready"))
                    .timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.ofString());
            return r.statusCode() == 200;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private void awaitReady(String slot) throws Exception {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (!ready(slot)) {
            if (!workers.get(slot).isAlive()) throw new IllegalStateException(slot + " exited; see " + workers.get(slot).log());
            if (System.nanoTime() > deadline) throw new IllegalStateException(slot + " not ready; see " + workers.get(slot).log());
            Thread.sleep(100);
        }
    }

    /** kill -9 and start the successor at once; the clock starts at the kill. */
    private long killAndRestart(String slot) throws Exception {
        long t0 = System.nanoTime();
        killedAt = java.time.LocalTime.now();
        workers.get(slot).kill();
        startWorker(slot);
        return t0;
    }

    /**
     * Where the successor's time went, from its log (HH:mm:ss.SSS stamps): the JVM and the app up to joining the group
     * (CREATED -> REBALANCING), the group's rebalance up to the wiped tasks (TaskCorruptedException: the join, which
     * waits for the dead member's session unless static membership lets the successor take its place), and the
     * restore up to RUNNING.
     */
    private String phases(String slot) {
        try {
            List<String> lines = Files.readAllLines(workers.get(slot).log());
            java.time.LocalTime created = stamp(lines, "CREATED -> REBALANCING");
            java.time.LocalTime corrupted = stamp(lines, "are corrupted. Will close");
            java.time.LocalTime running = stamp(lines, "REBALANCING -> RUNNING");
            return String.format(Locale.ROOT, "start %.1f s, join %s, restore %s", since(killedAt, created),
                    corrupted == null ? "-" : String.format(Locale.ROOT, "%.1f s", since(created, corrupted)),
                    String.format(Locale.ROOT, "%.1f s", since(corrupted == null ? created : corrupted, running)));
        } catch (IOException | RuntimeException e) {
            return "phases unknown: " + e;
        }
    }

    /**
     * The restarted broker's time, from its log: JVM start and log recovery up to the controller's activation, then
     * the activation up to "Kafka Server started" (the broker registered and unfenced: a new incarnation is refused
     * until the previous one's broker session has run out).
     */
    private String brokerPhases() {
        try {
            List<String> lines = Files.readAllLines(stack.dataDir().resolve("kafka/broker.log"));
            List<String> after = lines.stream().filter(l -> l.length() > 12 && l.charAt(2) == ':' && !java.time.LocalTime.parse(l.substring(0, 12))
                    .isBefore(killedAt)).toList();
            java.time.LocalTime activated = stamp(after, "Performing controller activation");
            java.time.LocalTime started = stamp(after, "Kafka Server started");
            return String.format(Locale.ROOT, "to controller activation %.1f s, then registered and started %.1f s", since(killedAt, activated),
                    since(activated, started));
        } catch (IOException | RuntimeException e) {
            return "phases unknown: " + e;
        }
    }

    private static java.time.LocalTime stamp(List<String> lines, String marker) {
        return lines.stream().filter(l -> l.contains(marker) && l.length() > 12).findFirst()
                .map(l -> java.time.LocalTime.parse(l.substring(0, 12))).orElse(null);
    }

    private static double since(java.time.LocalTime from, java.time.LocalTime to) {
        return from == null || to == null ? Double.NaN : java.time.Duration.between(from, to).toMillis() / 1000.0;
    }

    private int corruptions() throws IOException {
        int n = 0;
        try (var logs = Files.list(dir.resolve("logs"))) {
            for (Path log : logs.toList()) {
                for (String line : Files.readAllLines(log)) if (line.contains("TaskCorruptedException")) n++;
            }
        }
        return n;
    }

    // ------------------------------------------------------------------------------------------------ state and work

    private void fill(int voiceCount, int bookCount) throws Exception {
        List<VoiceSample.Prompt> prompts = VoiceSample.bundled();
        List<String[]> uploads = new ArrayList<>();
        for (int v = 0; v < voiceCount; v++) {
            String voiceId = client.createVoice("recovery " + v, "en", "Bench", "consented").get("voiceId").asText();
            voices.add(voiceId);
            for (int p = 0; p < 2; p++) {
                VoiceSample.Prompt prompt = prompts.get((v + p) % prompts.size());
                String uploadId = client.uploadSample(voiceId, prompt.wav(), "audio/wav", prompt.transcript()).get("uploadId").asText();
                uploads.add(new String[] {voiceId, uploadId});
                if (prompt.seconds() >= 3 && prompt.seconds() <= 10) references.putIfAbsent(voiceId, uploadId);
            }
        }
        for (String[] u : uploads) awaitUpload(u[0], u[1]);
        List<String> requests = new ArrayList<>();
        for (int b = 0; b < bookCount; b++) requests.add(submitBook());
        for (String id : requests) awaitBook(id);
    }

    private String upload() throws Exception {
        String voiceId = voices.get(0);
        VoiceSample.Prompt prompt = VoiceSample.bundled().get(serial++ % VoiceSample.bundled().size());
        // a fresh transcript: the same bytes twice for one voice are a duplicate and skip the slicing
        byte[] wav = prompt.wav().clone();
        wav[wav.length - 1] ^= (byte) (1 + serial % 100);
        return client.uploadSample(voiceId, wav, "audio/wav", prompt.transcript()).get("uploadId").asText();
    }

    private void awaitUpload(String voiceId, String uploadId) throws Exception {
        JsonNode s = await(() -> get("/v1/voices/" + voiceId + "/samples/" + uploadId),
                x -> !"RECEIVED".equals(x.path("state").asText()));
        if (!"PROCESSED".equals(s.path("state").asText())) throw new IllegalStateException("upload " + uploadId + ": " + s);
    }

    private String submitBook() throws Exception {
        var entry = new ArrayList<>(references.entrySet()).get(serial++ % references.size());
        String text = "Book " + serial + ". The tide came in slowly over the sand.\n\nThe boats lifted, one by one, and the gulls went quiet.";
        return client.synthesize(VoxPipeClient.object().put("voiceId", entry.getKey()).put("text", text).put("format", "wav")
                .set("reference", VoxPipeClient.object().put("uploadId", entry.getValue()))).get("requestId").asText();
    }

    private void awaitBook(String requestId) throws Exception {
        JsonNode s = await(() -> client.synthesis(requestId), x -> x.path("state").asText().matches("SUCCEEDED|FAILED"));
        if (!"SUCCEEDED".equals(s.path("state").asText())) throw new IllegalStateException("book " + requestId + ": " + s);
    }

    // ------------------------------------------------------------------------------------------------ measurements

    private Sample steadyUpload(int round) throws Exception {
        long t0 = System.nanoTime();
        awaitUpload(voices.get(0), upload());
        return new Sample("upload → PROCESSED, no fault", round, Double.NaN, seconds(t0));
    }

    private Sample killFeatureWorker(int round) throws Exception {
        long t0 = killAndRestart("feature");
        String uploadId = upload();
        awaitReady("feature");
        double ready = seconds(t0);
        awaitUpload(voices.get(0), uploadId);
        double done = seconds(t0);
        System.out.printf(Locale.ROOT, "round %d: feature worker ready %.1f s after its kill (%s), upload processed at %.1f s (load %s)%n",
                round, ready, phases("feature"), done, load());
        return new Sample("feature worker kill -9 → upload PROCESSED", round, ready, done);
    }

    private Sample steadyBook(int round) throws Exception {
        long t0 = System.nanoTime();
        awaitBook(submitBook());
        return new Sample("book → SUCCEEDED, no fault", round, Double.NaN, seconds(t0));
    }

    private Sample killAudiobook(int round) throws Exception {
        long t0 = killAndRestart("audiobook");
        String requestId = submitBook();
        awaitReady("audiobook");
        double ready = seconds(t0);
        awaitBook(requestId);
        double done = seconds(t0);
        System.out.printf(Locale.ROOT, "round %d: audiobook app ready %.1f s after its kill (%s), book succeeded at %.1f s (load %s)%n",
                round, ready, phases("audiobook"), done, load());
        return new Sample("audiobook app kill -9 → book SUCCEEDED", round, ready, done);
    }

    private List<Sample> killBroker(int round) throws Exception {
        long t0 = System.nanoTime();
        killedAt = java.time.LocalTime.now();
        stack.killBroker();
        double[] brokerUp = {Double.NaN};
        Thread restart = new Thread(() -> {
            try {
                stack.restartBroker();
                brokerUp[0] = seconds(t0);
            } catch (Exception e) {
                e.printStackTrace();
            }
        }, "broker-restart");
        restart.start();
        VoxPipeClient once = new VoxPipeClient(pipeline.baseUrl(), pipeline.apiKey(), Duration.ZERO);
        double accepted = Double.NaN;
        int refused = 0;
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (System.nanoTime() < deadline) {
            long tryAt = System.nanoTime();
            try {
                once.createVoice("after crash", "en", "Bench", "consented");
                accepted = seconds(t0);
                break;
            } catch (IOException e) {
                refused++;
            }
            Thread.sleep(Math.max(0, 250 - (System.nanoTime() - tryAt) / 1_000_000));
        }
        restart.join();
        long t1 = System.nanoTime();
        awaitUpload(voices.get(0), upload());
        double processed = seconds(t0);
        System.out.printf(Locale.ROOT, "round %d: broker answering %.1f s after its kill (%s), first write accepted at %.1f s (%d refused), "
                + "upload processed at %.1f s (its own %.1f s; load %s)%n", round, brokerUp[0], brokerPhases(), accepted, refused, processed,
                seconds(t1), load());
        awaitReady("feature");
        awaitReady("audiobook");
        return List.of(new Sample("broker kill -9 → first write accepted", round, brokerUp[0], accepted),
                new Sample("broker kill -9 → next upload PROCESSED", round, brokerUp[0], processed));
    }

    // ------------------------------------------------------------------------------------------------ helpers

    private JsonNode get(String path) throws Exception {
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(pipeline.baseUrl() + path))
                .header("Authorization", "Bearer " + pipeline.apiKey()).timeout(Duration.ofSeconds(30)).build(),
                HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 200) throw new IOException(path + " answered " + r.statusCode());
        return JSON.readTree(r.body());
    }

    private static JsonNode await(Callable<JsonNode> status, Predicate<JsonNode> done) throws Exception {
        long deadline = System.nanoTime() + WAIT.toNanos();
        JsonNode last = null;
        while (System.nanoTime() < deadline) {
            try {
                last = status.call();
                if (done.test(last)) return last;
            } catch (IOException e) {
                // the broker or a view is away for a moment
            }
            Thread.sleep(100);
        }
        throw new IllegalStateException("not done within " + WAIT + ": " + last);
    }

    private static double seconds(long since) {
        return (System.nanoTime() - since) / 1e9;
    }

    static String load() {
        try {
            String[] f = Files.readString(Path.of("/proc/loadavg")).split(" ");
            return f[0] + " " + f[1] + " " + f[2];
        } catch (IOException e) {
            return "unknown";
        }
    }

    private static void print(List<Sample> samples) {
        System.out.println();
        System.out.println("| what | rounds | ready (s), each round | done (s), each round | done, median (s) |");
        System.out.println("|---|---:|---|---|---:|");
        Map<String, List<Sample>> byWhat = new LinkedHashMap<>();
        samples.forEach(s -> byWhat.computeIfAbsent(s.what(), k -> new ArrayList<>()).add(s));
        byWhat.forEach((what, s) -> {
            double[] done = s.stream().mapToDouble(Sample::doneS).sorted().toArray();
            System.out.printf(Locale.ROOT, "| %s | %d | %s | %s | %.1f |%n", what, s.size(),
                    String.join(", ", s.stream().map(x -> Double.isNaN(x.readyS()) ? "-" : String.format(Locale.ROOT, "%.1f", x.readyS())).toList()),
                    String.join(", ", s.stream().map(x -> String.format(Locale.ROOT, "%.1f", x.doneS())).toList()),
                    done[done.length / 2]);
        });
    }
}
