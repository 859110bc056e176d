package dev.voxpipe.launcher;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.voxpipe.core.topics.Topics;
import dev.voxpipe.feature.app.FeatureWorkerApp;
import dev.voxpipe.localstack.LocalStack;
import dev.voxpipe.schemas.MelFeatures;
import dev.voxpipe.schemas.RawAudioUploaded;
import dev.voxpipe.schemas.SlicedClip;
import dev.voxpipe.schemas.SynthesisChunkResult;
import dev.voxpipe.schemas.SynthesisCompleted;
import dev.voxpipe.schemas.VoiceModelReady;
import dev.voxpipe.synth.SynthWorkerApp;
import dev.voxpipe.synth.audiobook.AudiobookApp;
import dev.voxpipe.trainer.TrainerWorkerApp;
import java.io.IOException;
import java.io.PrintStream;
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
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * The chaos suite (issue 17): a load on the local stack (uploads for many voices, trainings, books) while workers are
 * killed with SIGKILL and restarted, the broker is stopped (SIGSTOP) and the registry too; afterwards it counts, from
 * the topics (read_committed) and the API, what was lost, duplicated or stuck, and prints a table. Workers run as
 * their own processes (feature, trainer, synth, audiobook); ingest runs in this process. {@link ChaosIT} runs the short
 * profile in CI; {@code bench/chaos/run.sh [short|full]} runs ChaosIT with either profile.
 */
public final class ChaosRun {

    /** The load and the faults. */
    public record Profile(String name, int voices, int promptsPerVoice, int trainings, int books, int kills,
                          Duration killEvery, Duration brokerStop, Duration registryStop, Duration blobStoreOutage, int trainSteps) {
        public static Profile shortRun() {
            return new Profile("short", 4, 4, 2, 3, 4, Duration.ofSeconds(25), Duration.ofSeconds(20), Duration.ofSeconds(15),
                    Duration.ofSeconds(10), 10);
        }

        public static Profile full() {
            return new Profile("full", 50, 4, 10, 20, 20, Duration.ofSeconds(30), Duration.ofSeconds(60), Duration.ofSeconds(30),
                    Duration.ofSeconds(30), 20);
        }
    }

    /** One line of the table; {@code failed}: ended in a final failure state (REJECTED, FAILED) with a reason, not stuck. */
    public record Row(String item, int total, int lost, int duplicated, int stuck, int failed) {
        Row(String item, int total, int lost, int duplicated, int stuck) {
            this(item, total, lost, duplicated, stuck, 0);
        }

        Row withFailed(int n) {
            return new Row(item, total, lost, duplicated, stuck, n);
        }
    }

    public record Result(Profile profile, List<Row> rows, List<String> faults, Duration took) {
        public boolean clean() {
            return rows.stream().allMatch(r -> r.lost() == 0 && r.duplicated() == 0 && r.stuck() == 0);
        }

        public void print(PrintStream out) {
            out.printf("chaos run '%s' in %d s; faults: %s%n", profile.name(), took.toSeconds(), faults);
            out.printf("%-10s %7s %6s %11s %6s %7s%n", "item", "total", "lost", "duplicated", "stuck", "failed");
            for (Row r : rows) {
                out.printf("%-10s %7d %6d %11d %6d %7d%n", r.item(), r.total(), r.lost(), r.duplicated(), r.stuck(), r.failed());
            }
        }
    }

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String[] SLOTS = {"feature", "trainer", "synth", "audiobook"};

    private final LocalStack stack;
    private final Path dir;
    private final Profile profile;
    private final List<String> faults = new CopyOnWriteArrayList<>();
    private final Map<String, WorkerProcess> workers = new ConcurrentHashMap<>();
    private final Map<String, Integer> incarnations = new ConcurrentHashMap<>();
    private Map<String, String> settings;

    public ChaosRun(LocalStack stack, Path dir, Profile profile) {
        this.stack = stack;
        this.dir = dir;
        this.profile = profile;
    }

    public Result run() throws Exception {
        long started = System.nanoTime();
        Map<String, String> extra = Map.ofEntries(
                Map.entry("voxpipe.ingest.min-training-seconds", "10"),
                Map.entry("voxpipe.ingest.application-id", "chaos-ingest"),
                Map.entry("voxpipe.feature.application-id", "chaos-feature"),
                Map.entry("voxpipe.audiobook.application-id", "chaos-audiobook"),
                Map.entry("voxpipe.trainer.group-id", "chaos-trainers"),
                Map.entry("voxpipe.trainer.minimum-seconds", "10"),
                Map.entry("voxpipe.trainer.checkpoint-every-steps", "5"),
                Map.entry("voxpipe.trainer.retry-pause", "2s"),
                Map.entry("voxpipe.synth.group-id", "chaos-synths"),
                Map.entry("voxpipe.synth.max-batch-chunks", "2"),
                Map.entry("voxpipe.synth.retry-pause", "1s"),
                Map.entry("voxpipe.retry.max-wait", "20s"),
                Map.entry("voxpipe.feature.threads", "1"));
        try (LocalPipeline pipeline = LocalPipeline.start(stack, dir, null, extra, EnumSet.noneOf(LocalPipeline.Worker.class))) {
            settings = pipeline.settings();
            for (String slot : SLOTS) startWorker(slot);
            VoxPipeClient client = new VoxPipeClient(pipeline.baseUrl(), pipeline.apiKey());
            AtomicBoolean loadDone = new AtomicBoolean();
            AtomicBoolean finished = new AtomicBoolean();
            Thread chaos = new Thread(() -> faults(loadDone), "chaos-faults");
            Thread supervisor = new Thread(() -> supervise(finished), "chaos-supervisor");
            chaos.start();
            supervisor.start();
            try {
                Load load;
                try {
                    load = load(client, pipeline);
                } finally {
                    loadDone.set(true);
                    chaos.join();
                }
                awaitFinal(client, load, pipeline, Duration.ofMinutes(profile.voices() > 10 ? 30 : 12));
                List<Row> rows = count(client, pipeline, load);
                return new Result(profile, rows, List.copyOf(faults), Duration.ofNanos(System.nanoTime() - started));
            } finally {
                finished.set(true);
                supervisor.join();
            }
        } finally {
            workers.values().forEach(WorkerProcess::close);
        }
    }

    // ------------------------------------------------------------------------------------------------ workers and faults

    private void startWorker(String slot) throws IOException {
        int n = incarnations.merge(slot, 1, Integer::sum);
        Map<String, String> config = new HashMap<>(settings);
        Class<?> main = switch (slot) {
            case "feature" -> FeatureWorkerApp.class;
            case "trainer" -> TrainerWorkerApp.class;
            case "synth" -> SynthWorkerApp.class;
            case "audiobook" -> AudiobookApp.class;
            default -> throw new IllegalArgumentException(slot);
        };
        config.put("voxpipe.trainer.worker-id", "chaos-trainer-" + n);
        config.put("voxpipe.synth.worker-id", "chaos-synth"); // the same transactional id: a successor fences its killed predecessor
        Files.createDirectories(dir.resolve("logs"));
        workers.put(slot, WorkerProcess.start(main, config, dir.resolve("logs/" + slot + "-" + n + ".log")));
    }

    /**
     * What compose's {@code restart: unless-stopped} does: a worker that exited by itself (status 1: a view that did
     * not catch up while the broker was stopped, a dead loop) is started again.
     */
    private void supervise(AtomicBoolean finished) {
        while (!finished.get()) {
            for (String slot : SLOTS) {
                synchronized (this) {
                    WorkerProcess w = workers.get(slot);
                    if (w != null && !w.isAlive()) {
                        faults.add(slot + " exited by itself; restarted");
                        try {
                            startWorker(slot);
                        } catch (IOException e) {
                            faults.add("fault injection failed: cannot restart " + slot + ": " + e);
                        }
                    }
                }
            }
            try {
                Thread.sleep(2000);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    /**
     * Kills a worker every {@code killEvery} (round-robin over the stages), and stops the broker and the registry once
     * each, and takes the blob store away once.
     */
    private void faults(AtomicBoolean loadDone) {
        try {
            int kills = 0;
            long start = System.nanoTime();
            boolean brokerStopped = false, registryStopped = false, blobStoreAway = false;
            while (kills < profile.kills() || !brokerStopped || !registryStopped || !blobStoreAway) {
                Thread.sleep(profile.killEvery().toMillis());
                long elapsed = (System.nanoTime() - start) / 1_000_000_000L;
                if (kills < profile.kills()) {
                    String slot = SLOTS[kills % SLOTS.length];
                    synchronized (this) { // not restarted twice: the supervisor waits
                        workers.get(slot).kill();
                        faults.add("kill -9 " + slot + " at " + elapsed + " s");
                        Thread.sleep(1000);
                        startWorker(slot);
                    }
                    kills++;
                }
                if (!brokerStopped && kills >= 2) {
                    suspend("kafka.Kafka", profile.brokerStop());
                    faults.add("broker stopped " + profile.brokerStop().toSeconds() + " s at " + elapsed + " s");
                    brokerStopped = true;
                } else if (!registryStopped && kills >= 3) {
                    suspend("apicurio", profile.registryStop());
                    faults.add("registry stopped " + profile.registryStop().toSeconds() + " s at " + elapsed + " s");
                    registryStopped = true;
                } else if (!blobStoreAway && kills >= 4) {
                    unmountBlobStore(profile.blobStoreOutage());
                    faults.add("blob store away " + profile.blobStoreOutage().toSeconds() + " s at " + elapsed + " s");
                    blobStoreAway = true;
                }
                if (loadDone.get() && kills >= profile.kills() && brokerStopped && registryStopped && blobStoreAway) break;
            }
        } catch (Exception e) {
            faults.add("fault injection failed: " + e);
        }
    }

    /** SIGSTOP the local stack's child process whose command line contains {@code marker}, then SIGCONT after {@code d}. */
    private static void suspend(String marker, Duration d) throws Exception {
        ProcessHandle target = ProcessHandle.current().descendants()
                .filter(p -> commandLine(p).contains(marker)).findFirst()
                .orElseThrow(() -> new IllegalStateException("no child process with " + marker));
        signal("STOP", target.pid());
        try {
            Thread.sleep(d.toMillis());
        } finally {
            signal("CONT", target.pid());
        }
    }

    /**
     * A blob-store outage as a cluster sees one when its volume is unmounted: the store's root directory (shared by
     * ingest and every worker process) is moved aside and a file put in its place, so nothing can be read or written
     * under it, then put back after {@code d}.
     */
    private void unmountBlobStore(Duration d) throws Exception {
        Path root = Path.of(settings.get("voxpipe.blob.root"));
        Path away = root.resolveSibling(root.getFileName() + ".unmounted");
        Files.move(root, away, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        try {
            Files.writeString(root, "unmounted by the chaos run");
            Thread.sleep(d.toMillis());
        } finally {
            Files.deleteIfExists(root);
            Files.move(away, root, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        }
    }

    /** The process's command line from /proc (ProcessHandle.Info leaves out long ones). */
    private static String commandLine(ProcessHandle p) {
        try {
            return Files.readString(Path.of("/proc", Long.toString(p.pid()), "cmdline")).replace('\0', ' ');
        } catch (IOException | RuntimeException e) {
            return p.info().commandLine().orElse("");
        }
    }

    private static void signal(String signal, long pid) throws Exception {
        Process kill = new ProcessBuilder("kill", "-" + signal, Long.toString(pid)).inheritIO().start();
        if (kill.waitFor() != 0) throw new IllegalStateException("kill -" + signal + " " + pid + " failed");
    }

    // ------------------------------------------------------------------------------------------------ load

    record Load(Map<String, String> uploads, List<String> voices, Map<String, String> jobs, List<String> books) {}

    private Load load(VoxPipeClient client, LocalPipeline pipeline) throws Exception {
        List<VoiceSample.Prompt> prompts = VoiceSample.bundled();
        Map<String, String> uploads = new LinkedHashMap<>(); // uploadId -> voiceId, acknowledged (202)
        List<String> voices = new ArrayList<>();
        for (int v = 0; v < profile.voices(); v++) {
            String voiceId = retry(() -> client.createVoice("chaos " + UUID8(), "en", "Chaos", "consented")).get("voiceId").asText();
            voices.add(voiceId);
            for (int p = 0; p < profile.promptsPerVoice(); p++) {
                VoiceSample.Prompt prompt = prompts.get((v + p) % prompts.size());
                JsonNode r = retry(() -> client.uploadSample(voiceId, prompt.wav(), "audio/wav", prompt.transcript()));
                uploads.put(r.get("uploadId").asText(), voiceId);
            }
        }
        Map<String, String> jobs = new LinkedHashMap<>(); // jobId -> voiceId
        for (String voiceId : voices.subList(0, Math.min(profile.trainings(), voices.size()))) {
            await(() -> client.voice(voiceId), v -> v.path("dataset").path("usableSeconds").asDouble() >= 10, Duration.ofMinutes(10));
            JsonNode job = retry(() -> client.train(voiceId, VoxPipeClient.object().put("maxSteps", profile.trainSteps())));
            jobs.put(job.get("jobId").asText(), voiceId);
        }
        List<String> trained = new ArrayList<>();
        for (var job : jobs.entrySet()) {
            JsonNode done = await(() -> client.job(job.getKey()), j -> isFinal(j.path("state").asText()), Duration.ofMinutes(15));
            if ("SUCCEEDED".equals(done.path("state").asText())) trained.add(job.getValue());
        }
        List<String> books = new ArrayList<>();
        for (int b = 0; b < profile.books() && !trained.isEmpty(); b++) {
            String voiceId = trained.get(b % trained.size());
            String text = "Book " + b + ". The tide came in slowly over the sand.\n\nThe boats lifted, one by one, and the gulls went quiet.";
            books.add(retry(() -> client.synthesize(VoxPipeClient.object().put("voiceId", voiceId).put("text", text)
                    .put("format", "wav"))).get("requestId").asText());
        }
        return new Load(uploads, voices, jobs, books);
    }

    private static String UUID8() {
        return java.util.UUID.randomUUID().toString().substring(0, 8);
    }

    /** An API call retried while the platform answers 503 (broker away) or 429, as a client following Retry-After would. */
    private static JsonNode retry(Callable<JsonNode> call) throws Exception {
        long deadline = System.nanoTime() + Duration.ofMinutes(5).toNanos();
        while (true) {
            try {
                return call.call();
            } catch (VoxPipeClient.ApiError e) {
                if ((e.status() != 503 && e.status() != 429 && e.status() != 409) || System.nanoTime() > deadline) throw e;
            } catch (IOException e) {
                if (System.nanoTime() > deadline) throw e;
            }
            Thread.sleep(1000);
        }
    }

    private static JsonNode await(Callable<JsonNode> status, java.util.function.Predicate<JsonNode> done, Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        JsonNode last = null;
        while (System.nanoTime() < deadline) {
            try {
                last = status.call();
                if (done.test(last)) return last;
            } catch (IOException e) {
                // the views or the broker are away for a moment
            }
            Thread.sleep(500);
        }
        return last == null ? JSON.createObjectNode() : last;
    }

    private static boolean isFinal(String state) {
        return "SUCCEEDED".equals(state) || "FAILED".equals(state);
    }

    private void awaitFinal(VoxPipeClient client, Load load, LocalPipeline pipeline, Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        for (String id : load.books()) {
            await(() -> client.synthesis(id), s -> isFinal(s.path("state").asText()), Duration.ofNanos(Math.max(1, deadline - System.nanoTime())));
        }
        for (var upload : load.uploads().entrySet()) {
            await(() -> sample(pipeline, upload.getValue(), upload.getKey()), s -> !"RECEIVED".equals(s.path("state").asText()),
                    Duration.ofNanos(Math.max(1, deadline - System.nanoTime())));
        }
    }

    private static JsonNode sample(LocalPipeline pipeline, String voiceId, String uploadId) throws Exception {
        HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(pipeline.baseUrl()
                + "/v1/voices/" + voiceId + "/samples/" + uploadId)).header("Authorization", "Bearer " + pipeline.apiKey())
                .timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 200) throw new IOException("sample answered " + r.statusCode());
        return JSON.readTree(r.body());
    }

    // ------------------------------------------------------------------------------------------------ counting

    private List<Row> count(VoxPipeClient client, LocalPipeline pipeline, Load load) throws Exception {
        Duration read = Duration.ofSeconds(60);
        List<RawAudioUploaded> raw = TopicReader.read(stack, Topics.AUDIO_UPLOADED, RawAudioUploaded.class,
                seen -> ids(seen, RawAudioUploaded::getUploadId).keySet().containsAll(load.uploads().keySet()), read);
        Map<String, Long> rawIds = ids(raw, RawAudioUploaded::getUploadId);
        int uploadsStuck = 0, uploadsRejected = 0;
        for (var u : load.uploads().entrySet()) {
            JsonNode s = await(() -> sample(pipeline, u.getValue(), u.getKey()), x -> true, Duration.ofSeconds(30));
            if ("RECEIVED".equals(s.path("state").asText())) uploadsStuck++;
            if ("REJECTED".equals(s.path("state").asText())) uploadsRejected++;
        }
        Row uploads = row("uploads", load.uploads().keySet(), rawIds, uploadsStuck).withFailed(uploadsRejected);

        Set<String> mine = load.uploads().keySet();
        List<SlicedClip> clips = TopicReader.read(stack, Topics.AUDIO_CLIPS, SlicedClip.class, seen -> false, Duration.ofSeconds(20));
        Map<String, Long> acceptedClips = ids(clips.stream().filter(c -> c.getAccepted() && mine.contains(c.getUploadId())).toList(),
                SlicedClip::getClipId);
        List<MelFeatures> mels = TopicReader.read(stack, Topics.FEATURES_MEL, MelFeatures.class,
                seen -> ids(seen, MelFeatures::getClipId).keySet().containsAll(acceptedClips.keySet()), read);
        Map<String, Long> melIds = ids(mels.stream().filter(m -> mine.contains(m.getUploadId())).toList(), MelFeatures::getClipId);
        Row clipRow = new Row("clips", acceptedClips.size(), 0, dupes(acceptedClips), 0);
        Row featureRow = row("features", acceptedClips.keySet(), melIds, 0);

        List<VoiceModelReady> models = TopicReader.read(stack, Topics.MODELS_READY, VoiceModelReady.class, seen -> false, Duration.ofSeconds(15));
        Map<String, Long> modelIds = ids(models.stream().filter(m -> load.jobs().containsKey(m.getJobId())).toList(), VoiceModelReady::getJobId);
        int jobsStuck = 0, modelsLost = 0, jobsFailed = 0;
        for (String jobId : load.jobs().keySet()) {
            String state = await(() -> client.job(jobId), x -> true, Duration.ofSeconds(30)).path("state").asText();
            if (!isFinal(state)) jobsStuck++;
            if ("FAILED".equals(state)) jobsFailed++;
            if ("SUCCEEDED".equals(state) && !modelIds.containsKey(jobId)) modelsLost++;
        }
        Row modelRow = new Row("models", load.jobs().size(), modelsLost, dupes(modelIds), jobsStuck, jobsFailed);

        Set<String> books = Set.copyOf(load.books());
        List<SynthesisChunkResult> results = TopicReader.read(stack, Topics.SYNTHESIS_CHUNK_RESULTS, SynthesisChunkResult.class,
                seen -> false, Duration.ofSeconds(15));
        Map<String, Long> chunkIds = ids(results.stream().filter(r -> books.contains(r.getRequestId())).toList(),
                r -> r.getRequestId() + "/" + r.getChunkIndex());
        List<SynthesisCompleted> completed = TopicReader.read(stack, Topics.SYNTHESIS_COMPLETED, SynthesisCompleted.class,
                seen -> false, Duration.ofSeconds(15));
        Map<String, Long> succeeded = ids(completed.stream().filter(c -> books.contains(c.getRequestId()) && c.getSucceeded()).toList(),
                SynthesisCompleted::getRequestId);
        int chunksLost = 0, chunkTotal = 0;
        Map<String, Integer> chunkCounts = new HashMap<>();
        results.stream().filter(r -> books.contains(r.getRequestId())).forEach(r -> chunkCounts.put(r.getRequestId(), r.getChunkCount()));
        for (String book : succeeded.keySet()) {
            int n = chunkCounts.getOrDefault(book, 0);
            chunkTotal += n;
            for (int i = 0; i < n; i++) if (!chunkIds.containsKey(book + "/" + i)) chunksLost++;
        }
        int booksStuck = 0, booksFailed = 0;
        for (String book : load.books()) {
            String state = await(() -> client.synthesis(book), x -> true, Duration.ofSeconds(30)).path("state").asText();
            if (!isFinal(state)) booksStuck++;
            if ("FAILED".equals(state)) booksFailed++;
        }
        Row chunkRow = new Row("chunks", chunkTotal, chunksLost, dupes(chunkIds), 0);
        Row bookRow = new Row("books", books.size(), 0, dupes(succeeded), booksStuck, booksFailed);
        return List.of(uploads, clipRow, featureRow, modelRow, chunkRow, bookRow);
    }

    private static <T> Map<String, Long> ids(List<T> records, Function<T, CharSequence> id) {
        return records.stream().collect(Collectors.groupingBy(r -> id.apply(r).toString(), Collectors.counting()));
    }

    private static int dupes(Map<String, Long> counts) {
        return (int) counts.values().stream().filter(n -> n > 1).count();
    }

    private static Row row(String item, Set<String> expected, Map<String, Long> seen, int stuck) {
        int lost = (int) expected.stream().filter(id -> !seen.containsKey(id)).count();
        int dup = (int) expected.stream().filter(id -> seen.getOrDefault(id, 0L) > 1).count();
        return new Row(item, expected.size(), lost, dup, stuck);
    }
}
