package dev.voxpipe.ingest.bench;

import dev.voxpipe.core.serde.HttpSchemaRegistryClient;
import dev.voxpipe.core.serde.AvroWireSerializer;
import dev.voxpipe.core.serde.SchemaRegistryClient;
import dev.voxpipe.core.serde.SchemaRegistryConfig;
import dev.voxpipe.core.topics.Topics;
import dev.voxpipe.ingest.auth.ApiKeys;
import dev.voxpipe.localstack.LocalStack;
import dev.voxpipe.localstack.LocalStackConfig;
import dev.voxpipe.localstack.Ports;
import dev.voxpipe.schemas.VoiceModelReady;
import dev.voxpipe.schemas.common.BlobRef;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.HdrHistogram.Histogram;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Load benchmark of ingest on loopback (issue 4, item 5). Starts the local stack, runs ingest as a
 * child JVM with -Xmx256m, then:
 * <ol>
 *   <li>reference: GET /health/live at the same concurrency (the HTTP stack alone, no Kafka);</li>
 *   <li>synthesis submissions at 200 concurrent connections (closed loop, bounded count and time): req/s, p50, p99;</li>
 *   <li>reference: 50 threads writing and fsyncing 5 MB files next to the blob store (the disk alone);</li>
 *   <li>50 concurrent 5 MB uploads, several rounds: MB/s total, and ingest's peak heap from /metrics.</li>
 * </ol>
 * Only ever targets 127.0.0.1. Arguments (all optional): requests=30000 seconds=60 uploadRounds=3.
 */
public final class IngestLoadBench {

    private static final String HOST = "127.0.0.1";
    private static final String KEY = "bench-key";
    private static final int CONNECTIONS = 200;
    private static final int UPLOADS = 50;
    private static final int UPLOAD_BYTES = 5 * 1024 * 1024;

    public static void main(String[] args) throws Exception {
        int requests = intArg(args, "requests", 30_000);
        int seconds = intArg(args, "seconds", 60);
        int uploadRounds = intArg(args, "uploadRounds", 3);
        Path work = Files.createTempDirectory("ingest-bench");
        System.out.printf(Locale.ROOT, "cores=%d work=%s%n", Runtime.getRuntime().availableProcessors(), work);
        try (LocalStack stack = LocalStack.start(LocalStackConfig.ephemeral(work.resolve("stack")))) {
            int port = Ports.pickFree();
            Process ingest = startIngest(stack, work, port);
            Vertx vertx = Vertx.vertx();
            try {
                HttpClient client = vertx.createHttpClient(new HttpClientOptions().setDefaultHost(HOST).setDefaultPort(port)
                        .setKeepAlive(true).setTcpNoDelay(true), new PoolOptions().setHttp1MaxSize(CONNECTIONS));
                awaitReady(client, ingest);
                String voiceId = setUpVoice(client, stack);
                Buffer synthesisBody = new JsonObject().put("voiceId", voiceId)
                        .put("text", "The quick brown fox jumps over the lazy dog. It was a bright cold day in April.")
                        .put("format", "wav").toBuffer();

                run(client, "warm-up", HttpMethod.POST, "/v1/synthesis", synthesisBody, Math.min(5000, requests / 5), seconds);
                Result live = run(client, "reference GET /health/live", HttpMethod.GET, "/health/live", null, requests, seconds);
                Result synth = run(client, "POST /v1/synthesis", HttpMethod.POST, "/v1/synthesis", synthesisBody, requests, seconds);

                // The disk is shared and noisy: measure it just before and just after the uploads, and use the mean.
                double diskBefore = diskReference(work.resolve("disk-reference"));
                UploadResult uploads = uploads(client, port, voiceId, uploadRounds);
                double diskAfter = diskReference(work.resolve("disk-reference"));
                double diskMBps = (diskBefore + diskAfter) / 2;
                boolean alive = ingest.isAlive();

                System.out.println();
                System.out.println("== ingest load benchmark (loopback, " + Runtime.getRuntime().availableProcessors()
                        + " cores shared by broker, registry, ingest and the load generator) ==");
                System.out.printf(Locale.ROOT, "reference GET /health/live : %8.0f req/s  p50 %6.2f ms  p99 %6.2f ms  (%d ok, %d failed)%n",
                        live.perSecond(), live.p50(), live.p99(), live.ok, live.failed);
                System.out.printf(Locale.ROOT, "POST /v1/synthesis @%d conns: %8.0f req/s  p50 %6.2f ms  p99 %6.2f ms  (%d ok, %d failed)  target >= 2000 req/s, p99 <= 50 ms%n",
                        CONNECTIONS, synth.perSecond(), synth.p50(), synth.p99(), synth.ok, synth.failed);
                System.out.printf(Locale.ROOT, "  ratio synthesis/health-live throughput: %.2f%n", synth.perSecond() / live.perSecond());
                System.out.printf(Locale.ROOT, "reference disk (50 x 5 MB write+fsync): %8.1f MB/s (before %.1f, after %.1f)%n",
                        diskMBps, diskBefore, diskAfter);
                System.out.printf(Locale.ROOT, "uploads %d x 5 MB concurrent, %d rounds: %8.1f MB/s  (%d ok, %d failed)  target >= 100 MB/s%n",
                        UPLOADS, uploadRounds, uploads.mbPerSecond, uploads.ok, uploads.failed);
                System.out.printf(Locale.ROOT, "  ratio upload/disk-reference throughput: %.2f%n", uploads.mbPerSecond / diskMBps);
                System.out.printf(Locale.ROOT, "  ingest heap: -Xmx256m, peak used during uploads %.1f MB (sampled from /metrics), process alive after: %s%n",
                        uploads.peakHeapBytes / 1e6, alive);
            } finally {
                vertx.close().await(10, TimeUnit.SECONDS);
                ingest.destroy();
                ingest.waitFor(30, TimeUnit.SECONDS);
            }
        }
    }

    private static int intArg(String[] args, String name, int defaultValue) {
        for (String a : args) if (a.startsWith(name + "=")) return Integer.parseInt(a.substring(name.length() + 1));
        return defaultValue;
    }

    private static Process startIngest(LocalStack stack, Path work, int port) throws IOException {
        Path logback = work.resolve("ingest-logback.xml");
        Files.writeString(logback, """
                <configuration>
                  <appender name="OUT" class="ch.qos.logback.core.ConsoleAppender">
                    <encoder><pattern>ingest %d{HH:mm:ss} %-5level %logger{20} - %msg%n</pattern></encoder>
                  </appender>
                  <root level="WARN"><appender-ref ref="OUT"/></root>
                </configuration>""");
        String java = ProcessHandle.current().info().command().orElse("java");
        List<String> command = new ArrayList<>(List.of(java, "-Xmx256m", "-XX:+UseG1GC", "-Dlogback.configurationFile=" + logback));
        String jfr = System.getenv("INGEST_BENCH_JFR"); // a file name: record a flight recording of ingest there
        if (jfr != null && !jfr.isBlank()) command.add("-XX:StartFlightRecording=filename=" + jfr + ",settings=profile");
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), "dev.voxpipe.ingest.IngestApp"));
        ProcessBuilder pb = new ProcessBuilder(command)
                .redirectErrorStream(true).redirectOutput(work.resolve("ingest.log").toFile());
        var env = pb.environment();
        env.put("VOXPIPE_KAFKA_BOOTSTRAP", stack.bootstrapServers());
        env.put("VOXPIPE_REGISTRY_URL", stack.registryUrl());
        env.put("VOXPIPE_BLOB_ROOT", work.resolve("blobs").toString());
        env.put("VOXPIPE_INGEST_STATE_DIR", work.resolve("ingest-state").toString());
        env.put("VOXPIPE_INGEST_HOST", HOST);
        env.put("VOXPIPE_INGEST_PORT", Integer.toString(port));
        env.put("VOXPIPE_INGEST_MANAGEMENT_PORT", Integer.toString(managementPort(port)));
        // the bench's 50 concurrent uploads come from one key: lift the per-key and overall upload limits for it
        env.put("VOXPIPE_INGEST_UPLOADS_MAX_CONCURRENT_PER_KEY", "64");
        env.put("VOXPIPE_INGEST_UPLOADS_MAX_CONCURRENT", "60");
        env.put("VOXPIPE_INGEST_API_KEYS", ApiKeys.sha256Hex(KEY) + " bench rate=1000000 burst=1000000");
        env.remove("JAVA_TOOL_OPTIONS");
        System.out.println("ingest log: " + work.resolve("ingest.log"));
        return pb.start();
    }

    private static void awaitReady(HttpClient client, Process ingest) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (System.nanoTime() < deadline) {
            if (!ingest.isAlive()) throw new IllegalStateException("ingest exited; see its log");
            try {
                int status = client.request(HttpMethod.GET, "/health/ready").compose(r -> r.send())
                        .map(r -> r.statusCode()).await(2, TimeUnit.SECONDS);
                if (status == 200) return;
            } catch (Exception notYet) {
                // starting
            }
            Thread.sleep(200);
        }
        throw new IllegalStateException("ingest did not become ready");
    }

    private static String setUpVoice(HttpClient client, LocalStack stack) throws Exception {
        JsonObject voice = new JsonObject().put("name", "Bench narrator").put("language", "en")
                .put("consent", new JsonObject().put("attestedBy", "Bench").put("statement", "Synthetic benchmark voice."));
        String voiceId = client.request(new RequestOptions().setMethod(HttpMethod.POST).setURI("/v1/voices")
                        .putHeader("Authorization", "Bearer " + KEY).putHeader("Content-Type", "application/json"))
                .compose(r -> r.send(voice.toBuffer())).compose(r -> r.body())
                .map(b -> b.toJsonObject().getString("voiceId")).await(10, TimeUnit.SECONDS);
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.bootstrapServers());
        SchemaRegistryClient registry = new HttpSchemaRegistryClient(SchemaRegistryConfig.of(stack.registryUrl()));
        try (KafkaProducer<String, VoiceModelReady> producer = new KafkaProducer<>(p, new StringSerializer(),
                new AvroWireSerializer<>(registry, true))) {
            producer.send(new ProducerRecord<>(Topics.MODELS_READY, voiceId, VoiceModelReady.newBuilder().setTenantId("bench")
                    .setVoiceId(voiceId).setJobId("job_bench").setVersion(1).setBaseModel("base")
                    .setCheckpoint(new BlobRef("sha256/00/00/bench", "00", 0L, null)).setEventTime(Instant.now()).build())).get();
        }
        Thread.sleep(1000); // the view catches up within milliseconds; the warm-up also absorbs it
        return voiceId;
    }

    record Result(Histogram histogram, long ok, long failed, double seconds) {
        double perSecond() {
            return ok / seconds;
        }

        double p50() {
            return histogram.getValueAtPercentile(50) / 1000.0;
        }

        double p99() {
            return histogram.getValueAtPercentile(99) / 1000.0;
        }
    }

    /** A closed loop: CONNECTIONS callers, each sending its next request when the last one is answered. */
    private static Result run(HttpClient client, String label, HttpMethod method, String uri, Buffer body,
                              int total, int maxSeconds) throws InterruptedException {
        Histogram histogram = new Histogram(TimeUnit.SECONDS.toMicros(60), 3);
        AtomicInteger issued = new AtomicInteger();
        AtomicLong ok = new AtomicLong();
        AtomicLong failed = new AtomicLong();
        CountDownLatch finished = new CountDownLatch(CONNECTIONS);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(maxSeconds);
        long started = System.nanoTime();
        RequestOptions options = new RequestOptions().setMethod(method).setURI(uri)
                .putHeader("Authorization", "Bearer " + KEY).putHeader("Content-Type", "application/json");
        for (int c = 0; c < CONNECTIONS; c++) {
            loop(client, options, body, total, deadline, issued, ok, failed, histogram, finished);
        }
        finished.await(maxSeconds + 30L, TimeUnit.SECONDS);
        double seconds = (System.nanoTime() - started) / 1e9;
        Result r = new Result(histogram, ok.get(), failed.get(), seconds);
        System.out.printf(Locale.ROOT, "%-28s %8.0f req/s p50 %.2f ms p99 %.2f ms ok %d failed %d in %.1f s%n",
                label, r.perSecond(), r.p50(), r.p99(), r.ok, r.failed, seconds);
        return r;
    }

    private static void loop(HttpClient client, RequestOptions options, Buffer body, int total, long deadline,
                             AtomicInteger issued, AtomicLong ok, AtomicLong failed, Histogram histogram, CountDownLatch finished) {
        if (issued.incrementAndGet() > total || System.nanoTime() > deadline) {
            finished.countDown();
            return;
        }
        long start = System.nanoTime();
        client.request(options)
                .compose(req -> body == null ? req.send() : req.send(body))
                .compose(resp -> resp.body().map(b -> resp.statusCode()))
                .onComplete(ar -> {
                    long micros = (System.nanoTime() - start) / 1000;
                    synchronized (histogram) {
                        histogram.recordValue(Math.min(micros, histogram.getHighestTrackableValue()));
                    }
                    if (ar.succeeded() && ar.result() < 300) ok.incrementAndGet();
                    else failed.incrementAndGet();
                    loop(client, options, body, total, deadline, issued, ok, failed, histogram, finished);
                });
    }

    /** The disk alone: 50 threads each writing and fsyncing a 5 MB file, as the blob store does. */
    private static double diskReference(Path dir) throws Exception {
        Files.createDirectories(dir);
        byte[] data = new byte[UPLOAD_BYTES];
        new java.util.Random(1).nextBytes(data);
        ExecutorService pool = Executors.newFixedThreadPool(UPLOADS);
        long started = System.nanoTime();
        List<java.util.concurrent.Future<?>> done = new ArrayList<>();
        for (int i = 0; i < UPLOADS; i++) {
            Path file = dir.resolve("f" + i);
            done.add(pool.submit(() -> {
                try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
                    java.nio.ByteBuffer b = java.nio.ByteBuffer.wrap(data);
                    while (b.hasRemaining()) ch.write(b);
                    ch.force(true);
                }
                return null;
            }));
        }
        for (var f : done) f.get();
        double seconds = (System.nanoTime() - started) / 1e9;
        pool.shutdown();
        for (int i = 0; i < UPLOADS; i++) Files.deleteIfExists(dir.resolve("f" + i));
        double mbps = UPLOADS * (double) UPLOAD_BYTES / 1e6 / seconds;
        System.out.printf(Locale.ROOT, "disk reference: %.1f MB/s%n", mbps);
        return mbps;
    }

    record UploadResult(double mbPerSecond, long ok, long failed, double peakHeapBytes) {}

    private static UploadResult uploads(HttpClient client, int port, String voiceId, int rounds) throws Exception {
        // A WAV header, then distinct bytes per upload so the content-addressed store writes each one.
        List<Buffer> bodies = new ArrayList<>();
        java.util.Random random = new java.util.Random(7);
        for (int i = 0; i < UPLOADS; i++) {
            byte[] bytes = new byte[UPLOAD_BYTES];
            random.nextBytes(bytes);
            System.arraycopy(dev.voxpipe.ingest.audio.WavLayout.header(16000, UPLOAD_BYTES - 44), 0, bytes, 0, 44);
            bodies.add(Buffer.buffer(bytes));
        }
        AtomicLong ok = new AtomicLong();
        AtomicLong failed = new AtomicLong();
        HeapSampler heap = new HeapSampler(managementPort(port));
        heap.start();
        long started = System.nanoTime();
        for (int round = 0; round < rounds; round++) {
            List<Future<Integer>> all = new ArrayList<>();
            for (int i = 0; i < UPLOADS; i++) {
                Buffer body = bodies.get(i);
                body.setInt(44, round * UPLOADS + i); // distinct per round too
                all.add(client.request(new RequestOptions().setMethod(HttpMethod.POST).setURI("/v1/voices/" + voiceId + "/samples")
                                .putHeader("Authorization", "Bearer " + KEY).putHeader("Content-Type", "audio/wav"))
                        .compose(req -> req.send(body.copy()))
                        .compose(resp -> resp.body().map(b -> resp.statusCode())));
            }
            Future.join(all).await(120, TimeUnit.SECONDS);
            for (Future<Integer> f : all) {
                if (f.succeeded() && f.result() == 202) ok.incrementAndGet();
                else failed.incrementAndGet();
            }
        }
        double seconds = (System.nanoTime() - started) / 1e9;
        heap.stop();
        double mbps = ok.get() * (double) UPLOAD_BYTES / 1e6 / seconds;
        System.out.printf(Locale.ROOT, "uploads: %.1f MB/s ok %d failed %d in %.1f s%n", mbps, ok.get(), failed.get(), seconds);
        return new UploadResult(mbps, ok.get(), failed.get(), heap.peak());
    }

    /** /metrics is served on the management port only; the bench puts it next to the API port. */
    private static int managementPort(int apiPort) {
        return apiPort + 1;
    }

    /** Polls ingest's /metrics for heap in use (sum over heap pools) with a plain JDK client. */
    private static final class HeapSampler {
        private static final Pattern HEAP = Pattern.compile("jvm_memory_used_bytes\\{area=\"heap\",[^}]*} ([0-9.eE+]+)");
        private final java.net.http.HttpClient http = java.net.http.HttpClient.newHttpClient();
        private final java.net.URI uri;
        private volatile boolean running = true;
        private volatile double peak;
        private Thread thread;

        HeapSampler(int port) {
            uri = java.net.URI.create("http://" + HOST + ":" + port + "/metrics");
        }

        void start() {
            thread = Thread.ofPlatform().daemon().start(() -> {
                while (running) {
                    try {
                        String text = http.send(java.net.http.HttpRequest.newBuilder(uri).build(),
                                java.net.http.HttpResponse.BodyHandlers.ofString()).body();
                        double sum = 0;
                        Matcher m = HEAP.matcher(text);
                        while (m.find()) sum += Double.parseDouble(m.group(1));
                        peak = Math.max(peak, sum);
                        Thread.sleep(100);
                    } catch (Exception e) {
                        if (!running) return;
                    }
                }
            });
        }

        void stop() throws InterruptedException {
            running = false;
            thread.join(2000);
        }

        double peak() {
            return peak;
        }
    }
}
