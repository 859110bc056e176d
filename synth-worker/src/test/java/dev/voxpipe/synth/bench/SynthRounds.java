package dev.voxpipe.synth.bench;

import dev.voxpipe.core.blob.FileSystemBlobStore;
import dev.voxpipe.core.messaging.VoiceModelCatalog;
import dev.voxpipe.core.serde.InMemorySchemaRegistry;
import dev.voxpipe.model.VoiceDelta;
import dev.voxpipe.model.VoiceModelRuntime;
import dev.voxpipe.schemas.SynthesisChunk;
import dev.voxpipe.schemas.VoiceModelReady;
import dev.voxpipe.schemas.common.BlobRef;
import dev.voxpipe.synth.chunk.ChunkSynthesizer;
import dev.voxpipe.synth.voice.VoiceCache;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.Random;

/**
 * Rounds of synthesis through the synth worker's own stages ({@link ChunkSynthesizer}, {@link VoiceCache}) on the
 * shipped base: {@code voices} distinct voices, each round {@code chunks} chunks of about {@code textChars} characters
 * in each voice, {@code slice} chunks per model call. What {@link SynthMemorySoak} and the native-memory soak test run.
 */
public final class SynthRounds {

    private static final String[] TEXTS = {
            "The river ran wide and slow under the old stone bridge.",
            "Seven ships sailed home before the winter storms began.",
            "She opened the letter and read it twice by the window.",
            "Numbers like 1,204 and dates like March 3rd are read aloud."};

    private final ChunkSynthesizer synthesizer;
    private final VoiceCache cache;
    private final int voices;
    private final int chunks;
    private final int textChars;

    private SynthRounds(ChunkSynthesizer synthesizer, VoiceCache cache, int voices, int chunks, int textChars) {
        this.synthesizer = synthesizer;
        this.cache = cache;
        this.voices = voices;
        this.chunks = chunks;
        this.textChars = textChars;
    }

    /** Makes the voices (zero-shot deltas of distinct random log-mels) in a blob store under {@code dir}. */
    public static SynthRounds create(VoiceModelRuntime runtime, Path dir, int voices, int chunks, long cacheBytes, int slice,
                                     int textChars) throws Exception {
        FileSystemBlobStore blobs = new FileSystemBlobStore(dir);
        Properties kafka = new Properties();
        kafka.put("bootstrap.servers", "127.0.0.1:1"); // never started: filled by remember()
        VoiceModelCatalog models = new VoiceModelCatalog(kafka, new InMemorySchemaRegistry());
        Random rng = new Random(7);
        for (int v = 0; v < voices; v++) {
            float[][] mel = new float[200][100];
            for (float[] frame : mel) for (int b = 0; b < 100; b++) frame[b] = (float) (-8 + 3 * rng.nextGaussian() + b * 0.02 * (v % 7));
            List<float[][]> references = new ArrayList<>();
            references.add(mel);
            VoiceDelta delta = runtime.zeroShot(references);
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            delta.write(bytes);
            BlobRef ref = blobs.putAt("models/t/voice_" + v + "/v1.delta", new ByteArrayInputStream(bytes.toByteArray()), null);
            models.remember(VoiceModelReady.newBuilder().setTenantId("t").setVoiceId("voice_" + v).setJobId("job_" + v).setVersion(1)
                    .setBaseModel(runtime.baseModelId()).setCheckpoint(ref).setEventTime(Instant.now()).build());
        }
        VoiceCache cache = new VoiceCache(blobs, cacheBytes, new SimpleMeterRegistry());
        ChunkSynthesizer synthesizer = new ChunkSynthesizer(runtime, models, cache, blobs, "soak", 1, Duration.ofSeconds(1),
                new SimpleMeterRegistry()).withProgress(ChunkSynthesizer.ChunkProgress.NONE, slice);
        return new SynthRounds(synthesizer, cache, voices, chunks, textChars);
    }

    /** One round: every voice's chunks, as one batch per voice (what the worker's loop hands the synthesizer). */
    public void round(int round) {
        for (int v = 0; v < voices; v++) {
            List<SynthesisChunk> batch = new ArrayList<>();
            for (int c = 0; c < chunks; c++) {
                batch.add(SynthesisChunk.newBuilder().setRequestId("syn_" + round + "_" + v).setTenantId("t").setVoiceId("voice_" + v)
                        .setChunkIndex(c).setChunkCount(chunks).setText(text(v + c, textChars)).setEventTime(Instant.now()).build());
            }
            if (!synthesizer.synthesize(batch).stream().allMatch(r -> r.getSucceeded())) throw new IllegalStateException("a chunk failed");
        }
    }

    public VoiceCache cache() {
        return cache;
    }

    /** About {@code chars} characters of sentences, starting at a different one per chunk. */
    private static String text(int start, int chars) {
        StringBuilder out = new StringBuilder();
        for (int i = start; out.length() < chars; i++) out.append(out.length() == 0 ? "" : " ").append(TEXTS[i % TEXTS.length]);
        return out.toString();
    }
}
