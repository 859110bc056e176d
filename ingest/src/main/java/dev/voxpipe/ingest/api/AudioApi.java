package dev.voxpipe.ingest.api;

import dev.voxpipe.ingest.audio.Segment;
import dev.voxpipe.ingest.audio.SegmentStreamer;
import dev.voxpipe.ingest.audio.WavLayout;
import dev.voxpipe.ingest.auth.Principal;
import dev.voxpipe.ingest.upload.FormatSniffing;
import dev.voxpipe.ingest.views.ViewStores;
import dev.voxpipe.ingest.views.Views;
import dev.voxpipe.schemas.common.AudioFormat;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.WorkerExecutor;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * {@code GET /v1/synthesis/{id}/audio}: the final file once complete; before that, the contiguous
 * prefix of finished chunks as one WAV (each chunk's pause inserted as silence), so a player can
 * start while the book is still being read. Both honour single byte ranges.
 */
final class AudioApi {

    private static final int MAX_LAYOUT_CACHE = 50_000;

    private final Services services;
    private final Views views;
    private final WorkerExecutor workers;
    private final SynthesisApi synthesis;
    /** Chunk blobs never change once written, so their WAV layout can be remembered. */
    private final Map<String, WavLayout> layouts = new ConcurrentHashMap<>();

    AudioApi(Services services, WorkerExecutor workers, SynthesisApi synthesis) {
        this.services = services;
        this.views = services.views();
        this.workers = workers;
        this.synthesis = synthesis;
    }

    record Plan(List<Segment> segments, String contentType, boolean partial, int chunks, Integer total) {}

    void get(RoutingContext ctx) {
        Principal principal = Requests.principal(ctx);
        String requestId = ctx.pathParam("requestId");
        synthesis.request(principal, requestId); // 404 unless it is the caller's
        JsonObject completed = views.get(ViewStores.SYNTH_COMPLETED, requestId).orElse(null);
        Context context = ctx.vertx().getOrCreateContext();
        Future<Plan> plan;
        if (completed != null) {
            if (!completed.getBoolean("succeeded") || completed.getJsonObject("audio") == null) {
                throw new ApiException(409, "synthesis_failed", "the synthesis failed; there is no audio",
                        new JsonObject().put("reason", PublicReasons.synthesis(completed.getString("error"))), null);
            }
            JsonObject audio = completed.getJsonObject("audio");
            AudioFormat format = AudioFormat.valueOf(completed.getString("format"));
            plan = Future.succeededFuture(new Plan(
                    List.of(new Segment.BlobSpan(audio.getString("key"), 0, audio.getLong("sizeBytes"))),
                    FormatSniffing.mediaType(format), false, completed.getInteger("chunkCount", 0), completed.getInteger("chunkCount")));
        } else {
            List<JsonObject> prefix = contiguousChunks(requestId);
            if (prefix.isEmpty()) {
                throw new ApiException(409, "audio_not_ready", "no chunk of this synthesis is finished yet; retry shortly",
                        new JsonObject().put("state", "QUEUED"), 1);
            }
            plan = workers.executeBlocking(() -> progressivePlan(prefix), false);
        }
        plan.onSuccess(p -> {
            try {
                send(ctx, context, p);
            } catch (ApiException e) {
                Errors.send(ctx.response(), e);
            }
        }).onFailure(ctx::fail);
    }

    private List<JsonObject> contiguousChunks(String requestId) {
        List<JsonObject> chunks = new ArrayList<>();
        int expected = 0;
        for (var e : views.scan(ViewStores.SYNTH_CHUNKS, "c/" + requestId + "/", null, Integer.MAX_VALUE)) {
            JsonObject chunk = new JsonObject(e.getValue());
            if (chunk.getInteger("i") != expected || !chunk.getBoolean("ok") || chunk.getJsonObject("audio") == null) break;
            chunks.add(chunk);
            expected++;
        }
        return chunks;
    }

    /** Runs on a worker: reads each new chunk's WAV header from the blob store. */
    private Plan progressivePlan(List<JsonObject> chunks) throws Exception {
        List<Segment> segments = new ArrayList<>();
        segments.add(null); // the header, once the data size is known
        int sampleRate = -1;
        long dataBytes = 0;
        int used = 0;
        String summaryKey = null;
        for (JsonObject chunk : chunks) {
            JsonObject audio = chunk.getJsonObject("audio");
            String key = audio.getString("key");
            WavLayout layout = layouts.get(key);
            if (layout == null) {
                try (InputStream in = services.blobs().openRange(key, 0, 4096)) {
                    layout = WavLayout.read(in, audio.getLong("sizeBytes"));
                }
                if (layouts.size() > MAX_LAYOUT_CACHE) layouts.clear();
                layouts.put(key, layout);
            }
            if (layout.channels() != 1 || layout.bitsPerSample() != 16) break;
            if (sampleRate < 0) sampleRate = layout.sampleRate();
            if (layout.sampleRate() != sampleRate) break; // a mixed-rate prefix would play wrongly: stop before it
            long pcm = layout.dataBytes() & ~1L;
            segments.add(new Segment.BlobSpan(key, layout.dataOffset(), pcm));
            dataBytes += pcm;
            boolean last = chunk.getInteger("i") == chunk.getInteger("chunkCount", -1) - 1;
            // Silence after every chunk but the book's last; the bytes of a prefix never change as it grows.
            long pauseBytes = last ? 0 : 2L * Math.round(chunk.getInteger("pauseAfterMs", 0) * sampleRate / 1000.0);
            if (pauseBytes > 0) {
                segments.add(new Segment.Zeros(pauseBytes));
                dataBytes += pauseBytes;
            }
            used++;
        }
        if (used == 0) throw new ApiException(409, "audio_not_ready", "no playable chunk yet", null, 1);
        segments.set(0, new Segment.Bytes(WavLayout.header(sampleRate, dataBytes)));
        return new Plan(segments, "audio/wav", true, used, null);
    }

    private void send(RoutingContext ctx, Context context, Plan plan) {
        SegmentStreamer.serve(ctx, context, workers, services.blobs(), plan.segments(), response -> {
            response.putHeader("Content-Type", plan.contentType());
            if (plan.partial()) {
                response.putHeader("Cache-Control", "no-store")
                        .putHeader("X-Voxpipe-Partial", "true")
                        .putHeader("X-Voxpipe-Chunks", Integer.toString(plan.chunks()));
            }
        });
    }
}
