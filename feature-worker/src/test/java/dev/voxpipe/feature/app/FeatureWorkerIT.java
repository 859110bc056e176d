package dev.voxpipe.feature.app;

import dev.voxpipe.core.worker.StreamsWorker;
import dev.voxpipe.core.worker.WorkerConfig;
import dev.voxpipe.core.worker.WorkerContext;

import dev.voxpipe.core.serde.HttpSchemaRegistryClient;
import dev.voxpipe.core.blob.BlobStore;
import dev.voxpipe.core.blob.FileSystemBlobStore;
import dev.voxpipe.core.config.VoxConfig;
import dev.voxpipe.core.serde.SchemaRegistryClient;
import dev.voxpipe.core.serde.SchemaRegistryConfig;
import dev.voxpipe.core.topics.Topics;
import dev.voxpipe.localstack.LocalStack;
import dev.voxpipe.localstack.LocalStackExtension;
import dev.voxpipe.schemas.MelFeatures;
import dev.voxpipe.schemas.SlicedClip;
import dev.voxpipe.schemas.VoiceDatasetSummary;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The worker as deployed (Kafka Streams, exactly_once_v2) against the real local broker and registry. */
@ExtendWith(LocalStackExtension.class)
class FeatureWorkerIT {
    @TempDir
    Path dir;

    static byte[] resource(String path) throws Exception {
        try (InputStream in = FeatureWorkerIT.class.getResourceAsStream(path)) {
            return in.readAllBytes();
        }
    }

    static VoxConfig config(LocalStack stack, Path dir, String appId) {
        Map<String, String> m = new HashMap<>();
        m.put("voxpipe.kafka.bootstrap", stack.bootstrapServers());
        m.put("voxpipe.registry.url", stack.registryUrl());
        m.put("voxpipe.blob.store", "fs");
        m.put("voxpipe.blob.root", dir.resolve("blobs").toString());
        m.put(FeatureWorkerConfig.APPLICATION_ID, appId);
        m.put(FeatureWorkerConfig.STATE_DIR, dir.resolve("state-" + UUID.randomUUID()).toString());
        m.put(FeatureWorkerConfig.THREADS, "2");
        m.put(WorkerConfig.METRICS_PORT, "0");
        return VoxConfig.of(m);
    }

    @Test
    void realSpeakerMinuteFlowsThroughTheRunningWorker(LocalStack stack) throws Exception {
        VoxConfig cfg = config(stack, dir, "feature-it-" + UUID.randomUUID());
        String voice = "voice-" + UUID.randomUUID();
        SchemaRegistryClient registry = new HttpSchemaRegistryClient(SchemaRegistryConfig.of(stack.registryUrl()));
        try (WorkerContext context = WorkerContext.standalone(cfg, FeatureWorkerApp.SERVICE, 0);
             StreamsWorker app = FeatureWorkerApp.start(context);
             BlobStore blobs = new FileSystemBlobStore(dir.resolve("blobs"));
             StackClients clients = new StackClients(stack.bootstrapServers(), registry)) {
            String transcript = new String(resource("/real-speaker/upload-60s.txt"), StandardCharsets.UTF_8).trim();
            clients.send(StackClients.upload(blobs, voice, "up-60s", resource("/real-speaker/upload-60s.wav"), transcript));
            // a poison record right behind it: dead-lettered, and nothing else stops
            clients.send(StackClients.upload(blobs, voice, "up-junk", "definitely not audio".getBytes(), null));

            List<StackClients.Out> out = clients.readUntil(seen -> {
                Set<String> accepted = seen.stream().filter(o -> o.value() instanceof SlicedClip c && c.getAccepted() && voice.equals(c.getVoiceId()))
                        .map(StackClients.Out::key).collect(Collectors.toSet());
                Set<String> mel = seen.stream().filter(o -> o.value() instanceof MelFeatures m && voice.equals(m.getVoiceId()))
                        .map(StackClients.Out::key).collect(Collectors.toSet());
                boolean summaryDone = seen.stream().anyMatch(o -> o.value() instanceof VoiceDatasetSummary s && voice.equals(s.getVoiceId())
                        && s.getUploadsRejected().size() == 1);
                return accepted.size() >= 10 && mel.containsAll(accepted) && summaryDone;
            }, Duration.ofSeconds(150));

            List<SlicedClip> accepted = out.stream().map(StackClients.Out::value).filter(v -> v instanceof SlicedClip c && c.getAccepted())
                    .map(v -> (SlicedClip) v).filter(c -> voice.equals(c.getVoiceId())).toList();
            assertTrue(accepted.size() >= 10, "accepted clips: " + accepted.size());
            Map<String, MelFeatures> mel = out.stream().filter(o -> o.value() instanceof MelFeatures)
                    .collect(Collectors.toMap(StackClients.Out::key, o -> (MelFeatures) o.value(), (a, b) -> b));
            for (SlicedClip c : accepted) {
                MelFeatures m = mel.get(c.getClipId());
                assertNotNull(m, "features for " + c.getClipId());
                assertEquals(1 + (c.getEndSample() - c.getStartSample()) / 320, m.getFrameCount());
                assertNotNull(c.getTranscript(), "transcript span of " + c.getClipId());
            }
            VoiceDatasetSummary last = out.stream().map(StackClients.Out::value)
                    .filter(v -> v instanceof VoiceDatasetSummary s && voice.equals(s.getVoiceId())).map(v -> (VoiceDatasetSummary) v)
                    .reduce((a, b) -> b).orElseThrow();
            assertEquals(accepted.size(), last.getClipsAccepted());
            assertTrue(last.getUsableSeconds() > 45, "usable seconds " + last.getUsableSeconds());
            assertTrue(last.getUploadsRejected().get(0).startsWith("up-junk: "), last.getUploadsRejected().toString());
            assertTrue(out.stream().anyMatch(o -> o.topic().equals(Topics.DEAD_LETTERS)
                    && o.value() instanceof dev.voxpipe.schemas.DeadLetter d && d.getReason().contains("not a recognised audio file")));

            HttpResponse<String> metrics = HttpClient.newHttpClient().send(
                    HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + app.metricsPort() + "/metrics")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(200, metrics.statusCode());
            assertTrue(java.util.regex.Pattern.compile("(?m)^voxpipe_feature_uploads_total\\{[^}]*service=\"feature-worker\"[^}]*\\} 2\\.0$")
                    .matcher(metrics.body()).find(), "uploads counted in Prometheus metrics");
        }
    }
}
