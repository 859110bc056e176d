package dev.voxpipe.synth.chunk;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.voxpipe.core.blob.FileSystemBlobStore;
import dev.voxpipe.core.config.VoxConfig;
import dev.voxpipe.core.messaging.VoiceModelCatalog;
import dev.voxpipe.core.serde.AvroWireSerializer;
import dev.voxpipe.core.serde.InMemorySchemaRegistry;
import dev.voxpipe.core.topics.Topics;
import dev.voxpipe.model.AcousticModel;
import dev.voxpipe.model.BaseCheckpoint;
import dev.voxpipe.model.ModelConfig;
import dev.voxpipe.model.ParamStore;
import dev.voxpipe.model.VoiceDelta;
import dev.voxpipe.model.VoiceModelRuntime;
import dev.voxpipe.schemas.SynthesisChunk;
import dev.voxpipe.schemas.SynthesisChunkResult;
import dev.voxpipe.schemas.SynthesisProgress;
import dev.voxpipe.schemas.VoiceModelReady;
import dev.voxpipe.schemas.common.BlobRef;
import dev.voxpipe.synth.voice.VoiceCache;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.Random;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 22: a book's progress rises chunk by chunk. Within one batch (one transaction), each chunk
 * is reported on the progress topic as soon as it is synthesised, before the next chunk is even
 * rendered; the results themselves still come back together for the batch's transaction. Tiny
 * model, no broker (MockProducer).
 */
class ChunkProgressTest {

    @TempDir
    static Path dir;
    private static VoiceModelRuntime runtime;
    private static FileSystemBlobStore blobs;
    private static VoiceModelCatalog models;

    @BeforeAll
    static void voice() throws Exception {
        ModelConfig c = ModelConfig.tiny();
        runtime = VoiceModelRuntime.fromCheckpoint(new BaseCheckpoint(c, ParamStore.initialise(AcousticModel.parameterSpecs(c), 11),
                new float[c.speakerDim()], "id=tiny-progress\n"), false);
        blobs = new FileSystemBlobStore(dir.resolve("blobs"));
        Random rng = new Random(3);
        float[][] mel = new float[120][100];
        for (float[] frame : mel) for (int b = 0; b < 100; b++) frame[b] = (float) (-8 + 4 * rng.nextGaussian());
        List<float[][]> references = new ArrayList<>();
        references.add(mel);
        VoiceDelta delta = runtime.zeroShot(references);
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        delta.write(bytes);
        BlobRef ref = blobs.putAt("models/t1/voice_p/v1.delta", new ByteArrayInputStream(bytes.toByteArray()), null);
        Properties kafka = new Properties();
        kafka.put("bootstrap.servers", "127.0.0.1:1"); // never started: the catalog is filled by remember()
        models = new VoiceModelCatalog(kafka, new InMemorySchemaRegistry());
        models.remember(VoiceModelReady.newBuilder().setTenantId("t1").setVoiceId("voice_p").setJobId("job_p").setVersion(1)
                .setBaseModel(runtime.baseModelId()).setCheckpoint(ref).setEventTime(Instant.now()).build());
    }

    @AfterAll
    static void close() {
        runtime.close();
    }

    @Test
    void eachChunkIsReportedBeforeTheNextIsRenderedAndTheBatchStillReturnsEveryResult() {
        String requestId = "syn_progress_one";
        MockProducer<String, SpecificRecord> signals = new MockProducer<>(true, null, new StringSerializer(),
                new AvroWireSerializer<>(new InMemorySchemaRegistry(), true));
        List<Boolean> nextChunkAlreadyRendered = new ArrayList<>();
        ProgressSignal signal = new ProgressSignal(signals, new SimpleMeterRegistry());
        ChunkSynthesizer synthesizer = synthesizer().withProgress(result -> {
            // at the moment chunk i is reported, is chunk i+1's audio already in the store?
            nextChunkAlreadyRendered.add(exists(ChunkSynthesizer.chunkKey(result.getRequestId(), result.getChunkIndex() + 1)));
            signal.synthesized(result);
        }, 1);

        List<SynthesisChunkResult> results = synthesizer.synthesize(book(requestId, 4));

        assertEquals(4, results.size(), "the batch's results all come back together, for its transaction");
        assertTrue(results.stream().allMatch(SynthesisChunkResult::getSucceeded));
        assertEquals(List.of(false, false, false, false), nextChunkAlreadyRendered, "reported before the next chunk exists");
        List<SynthesisProgress> sent = signals.history().stream()
                .filter(r -> r.topic().equals(Topics.SYNTHESIS_PROGRESS)).map(r -> (SynthesisProgress) r.value()).toList();
        assertEquals(List.of(0, 1, 2, 3), sent.stream().map(SynthesisProgress::getChunkIndex).toList(), "one signal a chunk, in order");
        sent.forEach(s -> {
            assertEquals(requestId, s.getRequestId());
            assertEquals(4, s.getChunkCount());
            assertEquals("t1", s.getTenantId());
        });
        assertEquals(requestId, signals.history().get(0).key(), "keyed by request");
    }

    @Test
    void aLargerSliceRendersTogetherAndAFailingSignalNeverFailsAChunk() {
        List<Boolean> nextChunkAlreadyRendered = new ArrayList<>();
        SimpleMeterRegistry metrics = new SimpleMeterRegistry();
        ChunkSynthesizer synthesizer = synthesizer(metrics).withProgress(result -> {
            nextChunkAlreadyRendered.add(exists(ChunkSynthesizer.chunkKey(result.getRequestId(), result.getChunkIndex() + 1)));
            throw new IllegalStateException("the progress topic is away");
        }, 2);
        List<SynthesisChunkResult> results = synthesizer.synthesize(book("syn_progress_two", 4));
        assertEquals(4, results.size());
        // the dashboard's audio-output panel (voxpipe_synthesis_audio_seconds_total): the rendered chunks' duration
        double rendered = results.stream().mapToDouble(r -> r.getSampleCount() / (double) runtime.sampleRate()).sum();
        assertEquals(rendered, metrics.counter("voxpipe_synthesis_audio_seconds").count(), 1e-6);
        assertTrue(results.stream().allMatch(SynthesisChunkResult::getSucceeded), "progress is a courtesy, never a failure");
        // slices of two: chunk 0 is reported with chunk 1 rendered, chunk 1 before chunk 2, ...
        assertEquals(List.of(true, false, true, false), nextChunkAlreadyRendered);
        assertFalse(exists(ChunkSynthesizer.chunkKey("syn_progress_two", 4)));
    }

    private static boolean exists(String key) {
        try {
            return blobs.stat(key).isPresent();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static ChunkSynthesizer synthesizer() {
        return synthesizer(new SimpleMeterRegistry());
    }

    private static ChunkSynthesizer synthesizer(SimpleMeterRegistry metrics) {
        return new ChunkSynthesizer(runtime, models, new VoiceCache(blobs, 64L << 20, new SimpleMeterRegistry()), blobs,
                "synth-test", 1, java.time.Duration.ofSeconds(1), metrics);
    }

    private static List<SynthesisChunk> book(String requestId, int chunks) {
        String[] texts = {"Good morning.", "The river is wide.", "Seven ships sailed home.", "Then it rained."};
        List<SynthesisChunk> out = new ArrayList<>();
        for (int i = 0; i < chunks; i++) {
            out.add(SynthesisChunk.newBuilder().setRequestId(requestId).setTenantId("t1").setVoiceId("voice_p").setChunkIndex(i)
                    .setChunkCount(chunks).setText(texts[i % texts.length]).setEventTime(Instant.now()).build());
        }
        return out;
    }
}
