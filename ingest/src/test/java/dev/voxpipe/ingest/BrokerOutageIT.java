package dev.voxpipe.ingest;

import dev.voxpipe.core.serde.HttpSchemaRegistryClient;
import static dev.voxpipe.ingest.TestSupport.KEY_A;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.voxpipe.core.serde.AvroWireDeserializer;
import dev.voxpipe.core.serde.SchemaRegistryClient;
import dev.voxpipe.core.serde.SchemaRegistryConfig;
import dev.voxpipe.core.topics.Topics;
import dev.voxpipe.localstack.LocalStack;
import dev.voxpipe.localstack.LocalStackConfig;
import dev.voxpipe.schemas.RawAudioUploaded;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Its own stack (the shared one must stay up): uploads keep coming while the broker stops; every
 * answer is 202 or 503 with Retry-After, and every 202 is in the topic once the broker is back.
 */
class BrokerOutageIT {

    private static final Logger log = LoggerFactory.getLogger(BrokerOutageIT.class);

    @Test
    void anOutageIsAnswered503AndNothingAcknowledgedIsLost() throws Exception {
        Path dir = Files.createTempDirectory("ingest-outage-it");
        Path stackDir = dir.resolve("stack");
        LocalStack stack = LocalStack.start(LocalStackConfig.ephemeral(stackDir));
        Set<String> acknowledged = new HashSet<>();
        List<Integer> afterStop = new ArrayList<>();
        HttpResponse<String> refusal = null;
        boolean stackClosed = false;
        Map<String, String> config = TestSupport.config(stack.bootstrapServers(), stack.registryUrl(), dir, "ingest-outage-it");
        config.put("voxpipe.ingest.delivery-timeout", "4s");
        config.put("voxpipe.ingest.broker-probe-interval", "300ms");
        config.put("voxpipe.ingest.retry-after-seconds", "2");
        try (IngestApp app = TestSupport.start(config)) {
            TestSupport.Api api = new TestSupport.Api(app.port());
            String voiceId = api.createVoice(KEY_A, "Outage");
            byte[] wav = TestSupport.wav(16000, 4000, 330);
            for (int i = 0; i < 5; i++) {
                HttpResponse<String> r = upload(api, voiceId, wav, i);
                assertEquals(202, r.statusCode(), r.body());
                acknowledged.add(new JsonObject(r.body()).getString("uploadId"));
            }
            // Stop the broker and registry while uploads keep coming.
            Thread stopper = Thread.ofPlatform().start(stack::close);
            long until = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            int i = 5;
            while (System.nanoTime() < until) {
                boolean stopped = !stopper.isAlive();
                HttpResponse<String> r = upload(api, voiceId, wav, i++);
                assertTrue(r.statusCode() == 202 || r.statusCode() == 503, "unexpected " + r.statusCode() + " " + r.body());
                if (r.statusCode() == 202) acknowledged.add(new JsonObject(r.body()).getString("uploadId"));
                if (stopped) {
                    afterStop.add(r.statusCode());
                    if (r.statusCode() == 503) refusal = r;
                    if (afterStop.size() >= 5) break;
                }
            }
            stopper.join();
            stackClosed = true;
            log.info("uploads acknowledged {}, answers after the broker stopped {}", acknowledged.size(), afterStop);
            assertTrue(afterStop.stream().allMatch(s -> s == 503), "after the broker stopped: " + afterStop);
            assertTrue(refusal != null);
            assertEquals("2", refusal.headers().firstValue("Retry-After").orElse(""));
            assertEquals("unavailable", new JsonObject(refusal.body()).getString("error"));
            HttpResponse<String> ready = api.get("/health/ready", null);
            assertEquals(503, ready.statusCode());
            assertEquals("UNREACHABLE", new JsonObject(ready.body()).getJsonObject("details").getString("kafka"));
            assertEquals(200, api.get("/health/live", null).statusCode());
        } finally {
            if (!stackClosed) stack.close();
        }

        // The broker comes back from the same data: every acknowledged upload is there.
        try (LocalStack again = LocalStack.start(LocalStackConfig.ephemeral(stackDir))) {
            Set<String> found = new HashSet<>();
            Properties p = new Properties();
            p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, again.bootstrapServers());
            p.put(ConsumerConfig.GROUP_ID_CONFIG, "outage-check-" + UUID.randomUUID());
            p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
            SchemaRegistryClient registry = new HttpSchemaRegistryClient(SchemaRegistryConfig.of(again.registryUrl()));
            try (KafkaConsumer<String, RawAudioUploaded> consumer = new KafkaConsumer<>(p, new StringDeserializer(),
                    new AvroWireDeserializer<>(registry, RawAudioUploaded.class))) {
                consumer.subscribe(List.of(Topics.AUDIO_UPLOADED));
                long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
                while (!found.containsAll(acknowledged) && System.nanoTime() < deadline) {
                    consumer.poll(Duration.ofMillis(200)).forEach(r -> found.add(r.value().getUploadId()));
                }
            }
            Set<String> missing = new HashSet<>(acknowledged);
            missing.removeAll(found);
            assertTrue(acknowledged.size() >= 5);
            assertTrue(missing.isEmpty(), "acknowledged but lost: " + missing);
        }
    }

    private static HttpResponse<String> upload(TestSupport.Api api, String voiceId, byte[] wav, int n) throws Exception {
        byte[] distinct = wav.clone();
        distinct[44] = (byte) n; // distinct content, distinct blob
        distinct[45] = (byte) (n >> 8);
        return api.postRaw("/v1/voices/" + voiceId + "/samples", KEY_A, "audio/wav", distinct);
    }
}
