package dev.voxpipe.ingest;

import dev.voxpipe.core.serde.HttpSchemaRegistryClient;
import static org.junit.jupiter.api.Assertions.fail;

import dev.voxpipe.core.config.VoxConfig;
import dev.voxpipe.core.serde.AvroWireSerializer;
import dev.voxpipe.core.serde.SchemaRegistryClient;
import dev.voxpipe.core.serde.SchemaRegistryConfig;
import dev.voxpipe.ingest.auth.ApiKeys;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
import java.util.function.Supplier;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;

/** Starting ingest against a stack, calling it over real HTTP, and playing the upstream workers. */
final class TestSupport {

    static final String KEY_A = "test-key-tenant-a";
    static final String KEY_B = "test-key-tenant-b";
    static final String KEY_READ = "test-key-tenant-a-read-only";
    static final String KEY_SLOW = "test-key-rate-limited";
    static final String KEY_PAGING = "test-key-paging-tenant";

    private TestSupport() {}

    static String apiKeys() {
        return String.join(";",
                ApiKeys.sha256Hex(KEY_A) + " tenant-a rate=1000 burst=1000",
                ApiKeys.sha256Hex(KEY_B) + " tenant-b rate=1000 burst=1000",
                ApiKeys.sha256Hex(KEY_READ) + " tenant-a scope=read",
                ApiKeys.sha256Hex(KEY_SLOW) + " tenant-slow rate=0.5 burst=3",
                ApiKeys.sha256Hex(KEY_PAGING) + " tenant-paging-" + System.nanoTime() + " rate=1000 burst=1000");
    }

    static Map<String, String> config(String bootstrap, String registryUrl, Path dir, String applicationId) {
        Map<String, String> c = new HashMap<>();
        c.put("voxpipe.kafka.bootstrap", bootstrap);
        c.put("voxpipe.registry.url", registryUrl);
        c.put("voxpipe.blob.root", dir.resolve("blobs").toString());
        c.put("voxpipe.ingest.state-dir", dir.resolve("state").toString());
        c.put("voxpipe.ingest.application-id", applicationId);
        c.put("voxpipe.ingest.port", "0");
        c.put("voxpipe.ingest.management-port", "0");
        c.put("voxpipe.ingest.host", "127.0.0.1");
        c.put("voxpipe.ingest.http-instances", "1");
        c.put("voxpipe.ingest.blob-workers", "16");
        c.put("voxpipe.ingest.api-keys", apiKeys());
        c.put("voxpipe.ingest.max-upload-bytes", Integer.toString(2 * 1024 * 1024));
        c.put("voxpipe.ingest.max-text-chars", "20000");
        c.put("voxpipe.ingest.inline-text-bytes", "2000");
        c.put("voxpipe.ingest.sse-interval", "100ms");
        return c;
    }

    static IngestApp start(Map<String, String> config) throws Exception {
        IngestApp app = IngestApp.start(VoxConfig.of(config));
        if (!app.awaitReady(Duration.ofSeconds(90))) {
            app.close();
            fail("ingest views did not reach RUNNING");
        }
        return app;
    }

    /** A real HTTP client against one ingest instance. */
    static final class Api {
        final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5)).build();
        final String base;

        Api(int port) {
            this.base = "http://127.0.0.1:" + port;
        }

        HttpResponse<String> get(String path, String key) throws IOException, InterruptedException {
            return send(builder(path, key).GET().build());
        }

        HttpResponse<byte[]> getBytes(String path, String key, String range) throws IOException, InterruptedException {
            HttpRequest.Builder b = builder(path, key).GET();
            if (range != null) b.header("Range", range);
            return http.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
        }

        HttpResponse<String> postJson(String path, String key, JsonObject body) throws IOException, InterruptedException {
            return send(builder(path, key).header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(body.encode())).build());
        }

        HttpResponse<String> postRaw(String path, String key, String contentType, byte[] body) throws IOException, InterruptedException {
            return send(builder(path, key).header("Content-Type", contentType)
                    .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build());
        }

        HttpRequest.Builder builder(String path, String key) {
            HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(60));
            if (key != null) b.header("Authorization", "Bearer " + key);
            return b;
        }

        HttpResponse<String> send(HttpRequest request) throws IOException, InterruptedException {
            return http.send(request, HttpResponse.BodyHandlers.ofString());
        }

        String createVoice(String key, String name) throws Exception {
            HttpResponse<String> r = postJson("/v1/voices", key, new JsonObject().put("name", name).put("language", "en")
                    .put("consent", new JsonObject().put("attestedBy", "Owner of " + name).put("statement", "I consent to cloning my voice.")));
            if (r.statusCode() != 201) fail("create voice: " + r.statusCode() + " " + r.body());
            return new JsonObject(r.body()).getString("voiceId");
        }
    }

    /** Produces events as the feature worker, trainer and synth worker would. */
    static final class Upstream implements AutoCloseable {
        final KafkaProducer<String, SpecificRecord> producer;

        Upstream(String bootstrap, String registryUrl) {
            Properties p = new Properties();
            p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
            p.put(ProducerConfig.ACKS_CONFIG, "all");
            SchemaRegistryClient registry = new HttpSchemaRegistryClient(SchemaRegistryConfig.of(registryUrl));
            producer = new KafkaProducer<>(p, new StringSerializer(), new AvroWireSerializer<>(registry, true));
        }

        void send(String topic, String key, SpecificRecord value) throws Exception {
            producer.send(new ProducerRecord<>(topic, key, value)).get();
        }

        /** Writes the record in a transaction and aborts it, as a worker killed before its commit leaves it. */
        static void sendAborted(String bootstrap, String registryUrl, String topic, String key, SpecificRecord value) {
            Properties p = new Properties();
            p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
            p.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, "ingest-it-aborted-" + java.util.UUID.randomUUID());
            SchemaRegistryClient registry = new HttpSchemaRegistryClient(SchemaRegistryConfig.of(registryUrl));
            try (KafkaProducer<String, SpecificRecord> tx = new KafkaProducer<>(p, new StringSerializer(),
                    new AvroWireSerializer<>(registry, true))) {
                tx.initTransactions();
                tx.beginTransaction();
                tx.send(new ProducerRecord<>(topic, key, value));
                tx.flush();
                tx.abortTransaction();
            }
        }

        @Override
        public void close() {
            producer.close();
        }
    }

    /** 16-bit mono PCM WAV of a sine tone. */
    static byte[] wav(int sampleRate, int samples, double hz) {
        ByteBuffer b = ByteBuffer.allocate(44 + samples * 2).order(ByteOrder.LITTLE_ENDIAN);
        b.put(dev.voxpipe.ingest.audio.WavLayout.header(sampleRate, samples * 2L));
        for (int i = 0; i < samples; i++) b.putShort((short) (8000 * Math.sin(2 * Math.PI * hz * i / sampleRate)));
        return b.array();
    }

    /** A voice with a ready model, as the trainer would leave it (a {@code VoiceModelReady} sent upstream). */
    static String trainedVoice(Api api, Upstream upstream, String key, String tenant, Duration wait) throws Exception {
        String voiceId = api.createVoice(key, "Narrator");
        upstream.send(dev.voxpipe.core.topics.Topics.MODELS_READY, voiceId, dev.voxpipe.schemas.VoiceModelReady.newBuilder()
                .setTenantId(tenant).setVoiceId(voiceId).setJobId("job_x").setVersion(1).setBaseModel("base")
                .setCheckpoint(new dev.voxpipe.schemas.common.BlobRef("sha256/aa/bb/x", "00", 1L, null))
                .setEventTime(java.time.Instant.now()).build());
        await("model ready", wait, () -> {
            try {
                return new JsonObject(api.get("/v1/voices/" + voiceId, key).body()).getJsonObject("model").getString("state").equals("READY");
            } catch (Exception e) {
                return false;
            }
        });
        return voiceId;
    }

    static void await(String what, Duration timeout, Supplier<Boolean> condition) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            try {
                if (condition.get()) return;
            } catch (RuntimeException ignored) {
                // not yet
            }
            if (System.nanoTime() > deadline) fail("timed out waiting for " + what);
            Thread.sleep(50);
        }
    }
}
