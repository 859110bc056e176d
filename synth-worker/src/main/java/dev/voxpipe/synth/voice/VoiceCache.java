package dev.voxpipe.synth.voice;

import dev.voxpipe.core.blob.BlobStore;
import dev.voxpipe.model.VoiceDelta;
import dev.voxpipe.schemas.VoiceModelReady;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.io.InputStream;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Per-voice model deltas, least recently used first out, bounded by their total size in bytes
 * (the base model is loaded once elsewhere). Keyed by voice and version, so a new model version
 * never serves an old request's chunks by mistake.
 */
public final class VoiceCache {

    private final BlobStore blobs;
    private final long maxBytes;
    private final LinkedHashMap<String, VoiceDelta> entries = new LinkedHashMap<>(16, 0.75f, true);
    private long bytes;
    private final Counter hits;
    private final Counter misses;

    public VoiceCache(BlobStore blobs, long maxBytes, MeterRegistry metrics) {
        this.blobs = blobs;
        this.maxBytes = maxBytes;
        this.hits = metrics.counter("voxpipe_synth_voice_cache_total", "result", "hit");
        this.misses = metrics.counter("voxpipe_synth_voice_cache_total", "result", "miss");
        metrics.gauge("voxpipe_synth_voice_cache_bytes", this, c -> c.sizeBytes());
    }

    public static String key(VoiceModelReady model) {
        return model.getVoiceId() + "@" + model.getVersion();
    }

    public VoiceDelta get(VoiceModelReady model) throws IOException {
        String key = key(model);
        synchronized (this) {
            VoiceDelta cached = entries.get(key);
            if (cached != null) {
                hits.increment();
                return cached;
            }
        }
        misses.increment();
        VoiceDelta loaded;
        try (InputStream in = blobs.open(model.getCheckpoint().getKey())) {
            loaded = VoiceDelta.read(in);
        }
        synchronized (this) {
            VoiceDelta raced = entries.putIfAbsent(key, loaded);
            if (raced != null) return raced;
            bytes += loaded.sizeBytes();
            evict();
            return loaded;
        }
    }

    private void evict() {
        Iterator<Map.Entry<String, VoiceDelta>> it = entries.entrySet().iterator();
        // Keep at least the newest entry, even when one voice alone exceeds the budget.
        while (bytes > maxBytes && entries.size() > 1 && it.hasNext()) {
            bytes -= it.next().getValue().sizeBytes();
            it.remove();
        }
    }

    public synchronized long sizeBytes() {
        return bytes;
    }

    public synchronized int size() {
        return entries.size();
    }
}
