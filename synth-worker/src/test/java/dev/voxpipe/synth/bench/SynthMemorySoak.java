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
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.Random;

/**
 * Issue 22: the synth worker's resident memory against the voices it serves, over rounds. Loads the
 * shipped base, makes {@code voices} distinct voices, and each round synthesises {@code chunks}
 * chunks in each voice through the worker's own stages ({@link ChunkSynthesizer}, {@link VoiceCache});
 * after every round prints RSS (from /proc), the heap in use after a GC, the cache's entries and bytes
 * and the JVM's thread count. Flat RSS over rounds, once every voice was seen, is what a soak must show.
 * {@code bench/synth-memory/run.sh [voices] [rounds] [chunks] [cacheMiB] [slice] [textChars]}: {@code slice} chunks
 * per model call ({@code voxpipe.synth.render-slice-chunks}; default all of a voice's chunks at once, as before).
 */
public final class SynthMemorySoak {

    private static final String[] TEXTS = {
            "The river ran wide and slow under the old stone bridge.",
            "Seven ships sailed home before the winter storms began.",
            "She opened the letter and read it twice by the window.",
            "Numbers like 1,204 and dates like March 3rd are read aloud."};

    public static void main(String[] args) throws Exception {
        int voices = args.length > 0 ? Integer.parseInt(args[0]) : 40;
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 4;
        int chunks = args.length > 2 ? Integer.parseInt(args[2]) : 2;
        long cacheBytes = (args.length > 3 ? Long.parseLong(args[3]) : 256) << 20;
        int slice = args.length > 4 ? Integer.parseInt(args[4]) : Integer.MAX_VALUE; // chunks per model call
        int textChars = args.length > 5 ? Integer.parseInt(args[5]) : 60; // about the audiobook's 400-character chunks at most
        Path dir = Files.createTempDirectory("synth-memory-soak");
        FileSystemBlobStore blobs = new FileSystemBlobStore(dir);
        System.out.printf("settings: slice=%s textChars=%d; voices=%d rounds=%d chunks/voice/round=%d cache=%d MiB; torch threads=%s interop=%s OMP=%s MALLOC_ARENA_MAX=%s cores=%d%n",
                slice == Integer.MAX_VALUE ? "all" : Integer.toString(slice), textChars, voices, rounds, chunks, cacheBytes >> 20, System.getProperty("ai.djl.pytorch.num_threads", "default"),
                System.getProperty("ai.djl.pytorch.num_interop_threads", "default"), System.getenv().getOrDefault("OMP_NUM_THREADS", "unset"),
                System.getenv().getOrDefault("MALLOC_ARENA_MAX", "unset"), Runtime.getRuntime().availableProcessors());
        report("start (JVM only)", null);
        try (VoiceModelRuntime runtime = VoiceModelRuntime.loadBase()) {
            report("base loaded", null);
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
            report("voices made", cache);
            for (int round = 1; round <= rounds; round++) {
                long started = System.nanoTime();
                for (int v = 0; v < voices; v++) {
                    List<SynthesisChunk> batch = new ArrayList<>();
                    for (int c = 0; c < chunks; c++) {
                        batch.add(SynthesisChunk.newBuilder().setRequestId("syn_" + round + "_" + v).setTenantId("t").setVoiceId("voice_" + v)
                                .setChunkIndex(c).setChunkCount(chunks).setText(text(v + c, textChars)).setEventTime(Instant.now()).build());
                    }
                    if (!synthesizer.synthesize(batch).stream().allMatch(r -> r.getSucceeded())) throw new IllegalStateException("a chunk failed");
                }
                report(String.format("round %d (%.0f s)", round, (System.nanoTime() - started) / 1e9), cache);
            }
        }
    }

    /** About {@code chars} characters of sentences, starting at a different one per chunk. */
    private static String text(int start, int chars) {
        StringBuilder out = new StringBuilder();
        for (int i = start; out.length() < chars; i++) out.append(out.length() == 0 ? "" : " ").append(TEXTS[i % TEXTS.length]);
        return out.toString();
    }

    private static void report(String when, VoiceCache cache) throws Exception {
        System.gc();
        Runtime rt = Runtime.getRuntime();
        long heapUsed = rt.totalMemory() - rt.freeMemory();
        long rss = 0;
        for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
            if (line.startsWith("VmRSS:")) rss = Long.parseLong(line.replaceAll("[^0-9]", "")) << 10;
        }
        System.out.printf("%-22s RSS %6d MiB  heap used %5d MiB (committed %5d)  non-heap-RSS %6d MiB  cache %3s voices %5s MiB  threads %d%n",
                when, rss >> 20, heapUsed >> 20, rt.totalMemory() >> 20, (rss - rt.totalMemory()) >> 20,
                cache == null ? "-" : Integer.toString(cache.size()), cache == null ? "-" : Long.toString(cache.sizeBytes() >> 20),
                ManagementFactory.getThreadMXBean().getThreadCount());
    }
}
