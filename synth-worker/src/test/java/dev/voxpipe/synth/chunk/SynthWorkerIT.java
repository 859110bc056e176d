package dev.voxpipe.synth.chunk;

import dev.voxpipe.core.worker.LoopWorker;
import dev.voxpipe.core.worker.WorkerContext;

import dev.voxpipe.core.serde.HttpSchemaRegistryClient;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.voxpipe.core.blob.FileSystemBlobStore;
import dev.voxpipe.core.config.VoxConfig;
import dev.voxpipe.core.serde.AvroWireDeserializer;
import dev.voxpipe.core.serde.AvroWireSerializer;
import dev.voxpipe.core.serde.SchemaRegistryClient;
import dev.voxpipe.core.serde.SchemaRegistryConfig;
import dev.voxpipe.core.topics.TopicCatalogue;
import dev.voxpipe.core.topics.Topics;
import dev.voxpipe.dsp.MelConfig;
import dev.voxpipe.dsp.MelSpectrogram;
import dev.voxpipe.dsp.WavIo;
import dev.voxpipe.localstack.LocalStack;
import dev.voxpipe.localstack.LocalStackExtension;
import dev.voxpipe.model.AcousticModel;
import dev.voxpipe.model.BaseCheckpoint;
import dev.voxpipe.model.ModelConfig;
import dev.voxpipe.model.ParamStore;
import dev.voxpipe.model.VoiceDelta;
import dev.voxpipe.model.VoiceModelRuntime;
import dev.voxpipe.schemas.SynthesisChunk;
import dev.voxpipe.schemas.SynthesisChunkResult;
import dev.voxpipe.schemas.VoiceModelReady;
import dev.voxpipe.schemas.common.BlobRef;
import dev.voxpipe.synth.SynthWorkerApp;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** Several voices at once through the synth worker: each chunk in its own request's voice. */
@ExtendWith(LocalStackExtension.class)
class SynthWorkerIT {

    @TempDir Path dir;

    static VoiceModelRuntime tinyRuntime() {
        ModelConfig c = ModelConfig.tiny();
        ParamStore params = ParamStore.initialise(AcousticModel.parameterSpecs(c), 11);
        return VoiceModelRuntime.fromCheckpoint(new BaseCheckpoint(c, params, new float[c.speakerDim()], "id=tiny-it\n"), false);
    }

    private static final MelSpectrogram MEL = new MelSpectrogram(MelConfig.defaults());

    /**
     * Mean absolute log-mel difference over the common frames, plus a penalty for a difference
     * in length: phase may differ between renderings (the vocoder), the spectrum may not.
     */
    private static double distance(float[] a, float[] b) {
        float[][] x = MEL.logMel(a);
        float[][] y = MEL.logMel(b);
        int frames = Math.min(x.length, y.length);
        double sum = 0;
        for (int f = 0; f < frames; f++) {
            for (int m = 0; m < x[f].length; m++) sum += Math.abs(x[f][m] - y[f][m]);
        }
        return sum / Math.max(1, frames * 100L) + Math.abs(x.length - y.length) / (double) Math.max(x.length, y.length);
    }

    private static byte[] deltaBytes(VoiceDelta delta) throws java.io.IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        delta.write(bytes);
        return bytes.toByteArray();
    }

    /** A distinct voice: the zero-shot embedding of its own random "reference" mels. */
    private static VoiceDelta voice(VoiceModelRuntime runtime, long seed) {
        Random rng = new Random(seed);
        float[][] mel = new float[200][100];
        for (float[] frame : mel) for (int b = 0; b < 100; b++) frame[b] = (float) (-8 + 4 * rng.nextGaussian() + b * 0.03 * (seed % 5));
        List<float[][]> references = new ArrayList<>();
        references.add(mel);
        return runtime.zeroShot(references);
    }

    @Test
    void concurrentRequestsInSeveralVoicesNeverBleed(LocalStack stack) throws Exception {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, stack.bootstrapServers()))) {
            TopicCatalogue.standard(1).ensure(admin);
        }
        SchemaRegistryClient registry = new HttpSchemaRegistryClient(SchemaRegistryConfig.of(stack.registryUrl()));
        FileSystemBlobStore blobs = new FileSystemBlobStore(dir.resolve("blobs"));
        String run = UUID.randomUUID().toString().substring(0, 8);
        try (VoiceModelRuntime runtime = tinyRuntime();
             KafkaProducer<String, SpecificRecord> producer = new KafkaProducer<>(
                     Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.bootstrapServers()),
                     new StringSerializer(), new AvroWireSerializer<>(registry, true))) {
            Map<String, VoiceDelta> deltas = new HashMap<>();
            for (int v = 0; v < 3; v++) {
                String voiceId = "voice-" + run + "-" + v;
                VoiceDelta delta = voice(runtime, 100 + v);
                deltas.put(voiceId, delta);
                ByteArrayOutputStream bytes = new ByteArrayOutputStream();
                delta.write(bytes);
                BlobRef ref = blobs.putAt("models/t1/" + voiceId + "/v1.delta", new ByteArrayInputStream(bytes.toByteArray()), null);
                producer.send(new ProducerRecord<>(Topics.MODELS_READY, voiceId, VoiceModelReady.newBuilder()
                        .setTenantId("t1").setVoiceId(voiceId).setJobId("job-" + v).setVersion(1).setBaseModel("tiny-it")
                        .setCheckpoint(ref).setEventTime(Instant.now()).build())).get();
            }
            String[] texts = {"Good morning.", "The river is wide.", "Seven ships sailed home."};
            List<SynthesisChunk> sent = new ArrayList<>();
            for (int c = 0; c < texts.length; c++) {
                for (int v = 0; v < 3; v++) {
                    sent.add(SynthesisChunk.newBuilder().setRequestId("req-" + run + "-" + v).setTenantId("t1")
                            .setVoiceId("voice-" + run + "-" + v).setChunkIndex(c).setChunkCount(texts.length)
                            .setText(texts[c]).setEventTime(Instant.now()).build());
                }
            }
            SynthesisChunk unknown = SynthesisChunk.newBuilder().setRequestId("req-" + run + "-x").setTenantId("t1")
                    .setVoiceId("voice-never-trained").setChunkIndex(0).setChunkCount(1).setText("Hello.")
                    .setEventTime(Instant.now()).build();
            // Interleaved, so one poll batch mixes voices.
            for (SynthesisChunk chunk : sent) {
                producer.send(new ProducerRecord<>(Topics.SYNTHESIS_CHUNKS, chunk.getRequestId() + "/" + chunk.getChunkIndex(), chunk));
            }
            producer.send(new ProducerRecord<>(Topics.SYNTHESIS_CHUNKS, unknown.getRequestId() + "/0", unknown)).get();
            // A voice with a model that was then deleted (its tombstone on the voices topic): refused, never synthesised.
            String deletedVoice = "voice-" + run + "-deleted";
            producer.send(new ProducerRecord<>(Topics.MODELS_READY, deletedVoice, VoiceModelReady.newBuilder()
                    .setTenantId("t1").setVoiceId(deletedVoice).setJobId("job-d").setVersion(1).setBaseModel("tiny-it")
                    .setCheckpoint(blobs.putAt("models/t1/" + deletedVoice + "/v1.delta",
                            new ByteArrayInputStream(deltaBytes(deltas.values().iterator().next())), null))
                    .setEventTime(Instant.now()).build())).get();
            producer.send(new ProducerRecord<>(Topics.VOICES, deletedVoice, null)).get();
            SynthesisChunk ofDeleted = SynthesisChunk.newBuilder().setRequestId("req-" + run + "-d").setTenantId("t1")
                    .setVoiceId(deletedVoice).setChunkIndex(0).setChunkCount(1).setText("Hello.").setEventTime(Instant.now()).build();
            producer.send(new ProducerRecord<>(Topics.SYNTHESIS_CHUNKS, ofDeleted.getRequestId() + "/0", ofDeleted)).get();
            // A voice trained on another base model: refused with the reason, never synthesised against this base.
            String staleVoice = "voice-" + run + "-stale";
            producer.send(new ProducerRecord<>(Topics.MODELS_READY, staleVoice, VoiceModelReady.newBuilder()
                    .setTenantId("t1").setVoiceId(staleVoice).setJobId("job-s").setVersion(1).setBaseModel("an-older-base")
                    .setCheckpoint(blobs.putAt("models/t1/" + staleVoice + "/v1.delta",
                            new ByteArrayInputStream(deltaBytes(deltas.values().iterator().next())), null))
                    .setEventTime(Instant.now()).build())).get();
            SynthesisChunk ofStale = SynthesisChunk.newBuilder().setRequestId("req-" + run + "-s").setTenantId("t1")
                    .setVoiceId(staleVoice).setChunkIndex(0).setChunkCount(1).setText("Hello.").setEventTime(Instant.now()).build();
            producer.send(new ProducerRecord<>(Topics.SYNTHESIS_CHUNKS, ofStale.getRequestId() + "/0", ofStale)).get();

            VoxConfig config = VoxConfig.of(Map.of(
                    "voxpipe.kafka.bootstrap", stack.bootstrapServers(),
                    "voxpipe.registry.url", stack.registryUrl(),
                    "voxpipe.synth.group-id", "synth-it-" + run,
                    "voxpipe.synth.worker-id", "synth-it-" + run,
                    "voxpipe.synth.model-wait", "2s",
                    "voxpipe.metrics.port", "0"));
            List<SynthesisChunkResult> results = new ArrayList<>();
            try (LoopWorker running = SynthWorkerApp.start(WorkerContext.sharingBlobs(config, SynthWorkerApp.SERVICE, 0, blobs), runtime);
                 KafkaConsumer<String, SynthesisChunkResult> consumer = new KafkaConsumer<>(Map.of(
                         ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.bootstrapServers(),
                         ConsumerConfig.GROUP_ID_CONFIG, "results-" + run,
                         ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                         ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed"),
                         new StringDeserializer(), new AvroWireDeserializer<>(registry, SynthesisChunkResult.class))) {
                consumer.subscribe(List.of(Topics.SYNTHESIS_CHUNK_RESULTS));
                long deadline = System.currentTimeMillis() + 120_000;
                while (results.size() < sent.size() + 3 && System.currentTimeMillis() < deadline) {
                    consumer.poll(Duration.ofMillis(300)).forEach(r -> {
                        if (r.value().getRequestId().contains(run)) results.add(r.value());
                    });
                }
            }
            assertEquals(sent.size() + 3, results.size(), "one result per chunk, none twice");
            SynthesisChunkResult stale = results.stream().filter(r -> r.getVoiceId().equals(staleVoice)).findFirst().orElseThrow();
            assertFalse(stale.getSucceeded(), "a voice made on another base is not synthesised");
            assertTrue(stale.getError().startsWith("voice_needs_retraining") && stale.getError().contains("an-older-base"),
                    stale.getError());
            SynthesisChunkResult refused = results.stream().filter(r -> r.getVoiceId().equals(deletedVoice)).findFirst().orElseThrow();
            assertFalse(refused.getSucceeded(), "a deleted voice's chunk is not synthesised");
            assertEquals(dev.voxpipe.core.messaging.VoiceGate.DELETED, refused.getError());
            assertEquals(null, refused.getAudio());

            SynthesisChunkResult failed = results.stream().filter(r -> r.getVoiceId().equals("voice-never-trained"))
                    .findFirst().orElseThrow();
            assertFalse(failed.getSucceeded());
            assertTrue(failed.getError().contains("no trained model"), failed.getError());

            // Batching changes float rounding a little, so compare by distance: each chunk must be
            // (nearly) its own voice's rendering and far from every other voice's.
            for (SynthesisChunkResult result : results) {
                if (!result.getSucceeded()) continue;
                float[] got;
                try (InputStream in = blobs.open(result.getAudio().getKey())) {
                    got = WavIo.read(in).samples();
                }
                String text = texts[result.getChunkIndex()];
                double own = distance(got, runtime.synthesize(deltas.get(result.getVoiceId()), List.of(text), 1.0).audio().get(0));
                for (var other : deltas.entrySet()) {
                    if (other.getKey().equals(result.getVoiceId())) continue;
                    double theirs = distance(got, runtime.synthesize(other.getValue(), List.of(text), 1.0).audio().get(0));
                    assertTrue(own < 0.1 * theirs, "chunk " + result.getChunkIndex() + " of " + result.getRequestId()
                            + ": distance to its own voice " + own + ", to " + other.getKey() + " " + theirs);
                }
            }
        }
    }
}
