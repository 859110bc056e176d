package dev.voxpipe.feature.bench;

import dev.voxpipe.core.serde.HttpSchemaRegistryClient;
import dev.voxpipe.core.blob.BlobStore;
import dev.voxpipe.core.blob.FileSystemBlobStore;
import dev.voxpipe.core.serde.SchemaRegistryClient;
import dev.voxpipe.core.serde.SchemaRegistryConfig;
import dev.voxpipe.core.topics.TopicCatalogue;
import dev.voxpipe.feature.app.StackClients;
import dev.voxpipe.localstack.LocalStack;
import dev.voxpipe.localstack.LocalStackConfig;
import dev.voxpipe.schemas.MelFeatures;
import dev.voxpipe.schemas.RawAudioUploaded;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.utils.Utils;

import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;

/**
 * Horizontal scaling: the same batch of 60 s uploads through 1, then 2 feature-worker processes
 * (each pinned to its own core with taskset, one stream thread) on the 16-partition upload topic of
 * a fresh local stack per run. Time runs from the first upload sent until the last mel feature is
 * read back (workers are started and RUNNING before). Prints the throughput ratio.
 *
 * <p>Args: workDir classpath [uploads=16]
 */
public final class ScalingBench {
    public static void main(String[] args) throws Exception {
        Path work = Path.of(args[0]).toAbsolutePath();
        String classpath = args[1];
        int uploads = args.length > 2 ? Integer.parseInt(args[2]) : 16;
        byte[] wav;
        String transcript;
        try (InputStream in = ScalingBench.class.getResourceAsStream("/real-speaker/upload-60s.wav");
             InputStream t = ScalingBench.class.getResourceAsStream("/real-speaker/upload-60s.txt")) {
            wav = in.readAllBytes();
            transcript = new String(t.readAllBytes(), StandardCharsets.UTF_8).trim();
        }
        Outcome one = run(work, classpath, 1, uploads, wav, transcript);
        Outcome two = run(work, classpath, 2, uploads, wav, transcript);
        for (Outcome o : List.of(one, two)) {
            System.out.printf(Locale.ROOT, "RESULT scaling-%d-instance(s) %8.1f s of audio per s wall; workers used %.2f cores; %.1f s of audio per worker CPU-second%n",
                    o.instances, o.audioPerSecond(), o.coresUsed(), o.audioPerCpuSecond());
        }
        double ratio = two.audioPerSecond() / one.audioPerSecond();
        System.out.printf(Locale.ROOT, "RATIO 2 instances vs 1 (wall throughput): %.2fx (target >= 1.7x on 2 cores) %s%n", ratio, ratio >= 1.7 ? "MET" : "MISSED");
        // On a shared machine the second core may not be free: CPU actually granted bounds the wall
        // ratio. Work per CPU-second shows what distributing costs, independent of that.
        System.out.printf(Locale.ROOT, "RATIO 2 instances vs 1 (audio per worker CPU-second): %.2f (1.0 = no distribution overhead); cores granted %.2f vs %.2f%n",
                two.audioPerCpuSecond() / one.audioPerCpuSecond(), two.coresUsed(), one.coresUsed());
    }

    record Outcome(int instances, double audioSeconds, double wallSeconds, double workerCpuSeconds) {
        double audioPerSecond() {
            return audioSeconds / wallSeconds;
        }

        double coresUsed() {
            return workerCpuSeconds / wallSeconds;
        }

        double audioPerCpuSecond() {
            return audioSeconds / workerCpuSeconds;
        }
    }

    /** Voice ids whose keys land on distinct upload partitions, round-robin, so work is spread evenly. */
    static List<String> balancedVoices(String prefix, int count, int partitions) {
        List<String> out = new ArrayList<>();
        int want = 0;
        for (int i = 0; out.size() < count; i++) {
            String v = prefix + i;
            int p = Utils.toPositive(Utils.murmur2(v.getBytes(StandardCharsets.UTF_8))) % partitions;
            if (p == want % partitions) {
                out.add(v);
                want++;
            }
        }
        return out;
    }

    static Outcome run(Path work, String classpath, int instances, int uploads, byte[] wav, String transcript) throws Exception {
        Path dir = Files.createTempDirectory(work, "scaling-" + instances + "-");
        try (LocalStack stack = LocalStack.start(LocalStackConfig.ephemeral(dir.resolve("stack")))) {
            try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, stack.bootstrapServers()))) {
                TopicCatalogue.standard(1).ensure(admin);
            }
            List<Process> workers = new ArrayList<>();
            List<Integer> ports = new ArrayList<>();
            try {
                for (int i = 0; i < instances; i++) {
                    int port = 19400 + 10 * instances + i;
                    ports.add(port);
                    ProcessBuilder pb = new ProcessBuilder("taskset", "-c", Integer.toString(i % Runtime.getRuntime().availableProcessors()),
                            ProcessHandle.current().info().command().orElse("java"), "-XX:ActiveProcessorCount=1", "-Xmx768m",
                            "-cp", classpath, "dev.voxpipe.feature.app.FeatureWorkerApp");
                    Map<String, String> env = pb.environment();
                    env.put("VOXPIPE_KAFKA_BOOTSTRAP", stack.bootstrapServers());
                    env.put("VOXPIPE_REGISTRY_URL", stack.registryUrl());
                    env.put("VOXPIPE_BLOB_STORE", "fs");
                    env.put("VOXPIPE_BLOB_ROOT", dir.resolve("blobs").toString());
                    env.put("VOXPIPE_FEATURE_APPLICATION_ID", "bench-feature-" + instances);
                    env.put("VOXPIPE_FEATURE_THREADS", "1");
                    env.put("VOXPIPE_FEATURE_STATE_DIR", dir.resolve("state-" + i).toString());
                    env.put("VOXPIPE_METRICS_PORT", Integer.toString(port));
                    pb.redirectErrorStream(true).redirectOutput(dir.resolve("worker-" + i + ".log").toFile());
                    workers.add(pb.start());
                }
                awaitRunning(ports, workers, Duration.ofSeconds(120));
                SchemaRegistryClient registry = new HttpSchemaRegistryClient(SchemaRegistryConfig.of(stack.registryUrl()));
                try (BlobStore blobs = new FileSystemBlobStore(dir.resolve("blobs"));
                     StackClients clients = new StackClients(stack.bootstrapServers(), registry)) {
                    // Warm-up: 12 s uploads on every partition, so each worker's JIT has compiled the
                    // chain before the timed batch (otherwise each extra JVM pays its own warm-up).
                    byte[] warmWav = dev.voxpipe.dsp.WavIo.toWav16(dev.voxpipe.dsp.WavIo.read(wav).slice(0, 16000 * 12));
                    List<String> warmVoices = balancedVoices("warm-voice-", 16, 16);
                    for (String voice : warmVoices) clients.send(StackClients.upload(blobs, voice, voice + "-w", warmWav, null));
                    clients.readUntil(seen -> seen.stream().filter(o -> o.value() instanceof dev.voxpipe.schemas.VoiceDatasetSummary).count() >= warmVoices.size()
                            && seen.stream().filter(o -> o.value() instanceof MelFeatures).count()
                            >= seen.stream().filter(o -> o.value() instanceof dev.voxpipe.schemas.SlicedClip c && c.getAccepted()).count(), Duration.ofMinutes(5));
                    List<RawAudioUploaded> batch = new ArrayList<>();
                    for (String voice : balancedVoices("bench-voice-", uploads, 16)) {
                        batch.add(StackClients.upload(blobs, voice, voice + "-" + UUID.randomUUID(), wav, transcript));
                    }
                    Thread.sleep(1000);
                    double cpu0 = cpuSeconds(workers);
                    long t0 = System.nanoTime();
                    for (RawAudioUploaded u : batch) clients.send(u);
                    List<StackClients.Out> out = clients.readUntil(seen -> {
                        long mels = seen.stream().filter(o -> o.value() instanceof MelFeatures).count();
                        long accepted = seen.stream().filter(o -> o.value() instanceof dev.voxpipe.schemas.SlicedClip c && c.getAccepted()).count();
                        long summaries = seen.stream().filter(o -> o.value() instanceof dev.voxpipe.schemas.VoiceDatasetSummary).count();
                        return summaries >= uploads && mels >= accepted && accepted > 0;
                    }, Duration.ofMinutes(8));
                    double secs = (System.nanoTime() - t0) / 1e9;
                    double cpu = cpuSeconds(workers) - cpu0;
                    long mels = out.stream().filter(o -> o.value() instanceof MelFeatures).count();
                    double audio = uploads * (wav.length - 44) / 2.0 / 16000.0;
                    System.out.printf(Locale.ROOT, "INFO %d instance(s): %d uploads, %d mel features in %.2f s%n", instances, uploads, mels, secs);
                    if (mels == 0) throw new IllegalStateException("no output; see the worker logs in " + dir);
                    return new Outcome(instances, audio, secs, cpu);
                }
            } finally {
                for (Process p : workers) {
                    p.destroy();
                    if (!p.waitFor(30, java.util.concurrent.TimeUnit.SECONDS)) p.destroyForcibly();
                }
            }
        }
    }

    static double cpuSeconds(List<Process> workers) {
        double s = 0;
        for (Process p : workers) s += p.info().totalCpuDuration().map(d -> d.toNanos() / 1e9).orElse(0.0);
        return s;
    }

    /** Until every worker has been RUNNING (not rebalancing) for two seconds in a row. */
    static void awaitRunning(List<Integer> ports, List<Process> workers, Duration timeout) throws Exception {
        long end = System.nanoTime() + timeout.toNanos();
        while (true) {
            awaitReady(ports, workers, end);
            Thread.sleep(2000);
            if (allReady(ports)) return;
        }
    }

    static boolean allReady(List<Integer> ports) {
        HttpClient http = HttpClient.newHttpClient();
        for (int port : ports) {
            try {
                if (http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/health/ready")).build(),
                        HttpResponse.BodyHandlers.ofString()).statusCode() != 200) return false;
            } catch (Exception e) {
                return false;
            }
        }
        return true;
    }

    static void awaitReady(List<Integer> ports, List<Process> workers, long end) throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        for (int i = 0; i < ports.size(); i++) {
            while (true) {
                if (!workers.get(i).isAlive()) throw new IllegalStateException("worker " + i + " exited; see its log");
                try {
                    HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + ports.get(i) + "/health/ready")).build(),
                            HttpResponse.BodyHandlers.ofString());
                    if (r.statusCode() == 200) break;
                } catch (java.io.IOException notYet) {
                    // server not up yet
                }
                if (System.nanoTime() > end) throw new IllegalStateException("worker " + i + " not RUNNING in time");
                Thread.sleep(250);
            }
        }
    }
}
