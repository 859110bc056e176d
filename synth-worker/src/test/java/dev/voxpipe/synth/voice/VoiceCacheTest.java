package dev.voxpipe.synth.voice;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.voxpipe.core.blob.FileSystemBlobStore;
import dev.voxpipe.core.blob.NoSuchBlobException;
import dev.voxpipe.model.VoiceDelta;
import dev.voxpipe.schemas.VoiceModelReady;
import dev.voxpipe.schemas.common.BlobRef;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Per-voice deltas: keyed by voice and version, least recently used out first, bounded by bytes. */
class VoiceCacheTest {

    @TempDir
    Path dir;

    private final SimpleMeterRegistry metrics = new SimpleMeterRegistry();

    @Test
    void hitsAreServedFromMemoryAndVersionsAreDistinct() throws Exception {
        try (FileSystemBlobStore blobs = new FileSystemBlobStore(dir)) {
            VoiceModelReady v1 = publish(blobs, "voice-a", 1, 1f);
            VoiceModelReady v2 = publish(blobs, "voice-a", 2, 2f);
            VoiceCache cache = new VoiceCache(blobs, 1 << 20, metrics);
            VoiceDelta first = cache.get(v1);
            assertSame(first, cache.get(v1), "the second read is a hit");
            assertArrayEquals(new float[] {2f, 2f, 2f, 2f}, cache.get(v2).speakerEmbedding(), "a new version is its own entry");
            assertEquals(2, cache.size());
            assertEquals(1.0, metrics.counter("voxpipe_synth_voice_cache_total", "result", "hit").count());
            assertEquals(2.0, metrics.counter("voxpipe_synth_voice_cache_total", "result", "miss").count());
            assertEquals(first.sizeBytes() * 2, cache.sizeBytes());
        }
    }

    @Test
    void theLeastRecentlyUsedVoiceLeavesFirstWhenTheBudgetIsExceeded() throws Exception {
        try (FileSystemBlobStore blobs = new FileSystemBlobStore(dir)) {
            VoiceModelReady a = publish(blobs, "voice-a", 1, 1f);
            VoiceModelReady b = publish(blobs, "voice-b", 1, 2f);
            VoiceModelReady c = publish(blobs, "voice-c", 1, 3f);
            long one = delta(1f).sizeBytes();
            VoiceCache cache = new VoiceCache(blobs, 2 * one, metrics);
            VoiceDelta aLoaded = cache.get(a);
            cache.get(b);
            assertSame(aLoaded, cache.get(a), "a is now the most recently used");
            cache.get(c); // over budget: b, the least recently used, goes
            assertEquals(2, cache.size());
            assertTrue(cache.sizeBytes() <= 2 * one);
            assertSame(aLoaded, cache.get(a), "a stayed");
            double missesBefore = metrics.counter("voxpipe_synth_voice_cache_total", "result", "miss").count();
            cache.get(b);
            assertEquals(missesBefore + 1, metrics.counter("voxpipe_synth_voice_cache_total", "result", "miss").count(),
                    "b was evicted and is read again");
        }
    }

    @Test
    void oneVoiceLargerThanTheBudgetIsStillServedAndAMissingCheckpointIsAnError() throws Exception {
        try (FileSystemBlobStore blobs = new FileSystemBlobStore(dir)) {
            VoiceCache tiny = new VoiceCache(blobs, 1, metrics);
            VoiceModelReady a = publish(blobs, "voice-a", 1, 1f);
            VoiceDelta delta = tiny.get(a);
            assertEquals(1, tiny.size(), "the newest entry is kept even over budget");
            assertSame(delta, tiny.get(a));

            VoiceModelReady missing = model("voice-z", 1, "models/t1/voice-z/none.delta");
            assertThrows(NoSuchBlobException.class, () -> tiny.get(missing));
        }
    }

    private static VoiceDelta delta(float value) {
        return new VoiceDelta("base-v1", new float[] {value, value, value, value}, Map.of());
    }

    private static VoiceModelReady publish(FileSystemBlobStore blobs, String voice, int version, float value) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        delta(value).write(out);
        String key = "models/t1/" + voice + "/job-" + version + ".delta";
        blobs.putAt(key, new ByteArrayInputStream(out.toByteArray()), "application/octet-stream");
        return model(voice, version, key);
    }

    private static VoiceModelReady model(String voice, int version, String key) {
        return VoiceModelReady.newBuilder().setTenantId("t1").setVoiceId(voice).setJobId("job-" + version)
                .setVersion(version).setBaseModel("base-v1").setEventTime(Instant.EPOCH)
                .setCheckpoint(new BlobRef(key, "00", 1L, "application/octet-stream")).build();
    }
}
