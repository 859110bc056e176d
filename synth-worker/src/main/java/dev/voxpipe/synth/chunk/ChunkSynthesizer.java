package dev.voxpipe.synth.chunk;

import dev.voxpipe.core.blob.BlobStore;
import dev.voxpipe.core.fault.Faults;
import dev.voxpipe.core.fault.Retry;
import dev.voxpipe.core.fault.TransientFaultException;
import dev.voxpipe.core.messaging.DeadLetters;
import dev.voxpipe.core.messaging.VoiceGate;
import dev.voxpipe.core.messaging.VoiceModelCatalog;
import dev.voxpipe.dsp.PcmAudio;
import dev.voxpipe.dsp.WavIo;
import dev.voxpipe.model.PitchControl;
import dev.voxpipe.model.SynthesisOutput;
import dev.voxpipe.model.VoiceDelta;
import dev.voxpipe.model.VoiceModelRuntime;
import dev.voxpipe.schemas.SynthesisChunk;
import dev.voxpipe.schemas.SynthesisChunkResult;
import dev.voxpipe.schemas.VoiceModelReady;
import dev.voxpipe.schemas.common.BlobRef;
import dev.voxpipe.synth.voice.VoiceCache;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Turns a batch of chunks into chunk results. Chunks of the same voice, model version and speed
 * are synthesised together; each group gets its own voice delta, so requests never share a
 * voice by accident. Audio goes to the blob store under a key fixed by request and chunk, so a
 * retried chunk overwrites rather than duplicates. A transient fault (the blob store is away while
 * a voice is loaded or audio written) is retried with bounded backoff and, when it lasts, thrown as
 * {@link TransientFaultException}: the loop redoes the batch later; it never fails the chunks (and so
 * never the book).
 */
public final class ChunkSynthesizer {

    private final VoiceModelRuntime runtime;
    private final VoiceModelCatalog models;
    private final VoiceGate gate;
    private final VoiceCache voices;
    private final dev.voxpipe.synth.voice.ReferenceVoices references;
    private final BlobStore blobs;
    private final String workerId;
    private final int attempts;
    private final Duration modelWait;
    private final DistributionSummary rtf;
    private final Counter audioSeconds;
    private final MeterRegistry metrics;
    private final Retry retry;
    private ChunkProgress progress = ChunkProgress.NONE;
    private int renderSliceChunks = Integer.MAX_VALUE;

    /**
     * Told about each synthesised chunk as soon as its slice is rendered and its audio stored, before
     * the batch's transaction commits (issue 22): progress only, never a result.
     */
    @FunctionalInterface
    public interface ChunkProgress {
        ChunkProgress NONE = result -> {};

        void synthesized(SynthesisChunkResult result);
    }

    /**
     * Reports each chunk to {@code progress} as it is done, rendering a voice's chunks
     * {@code renderSliceChunks} at a time (1: progress rises chunk by chunk; more: larger model calls,
     * progress in steps of that many).
     */
    public ChunkSynthesizer withProgress(ChunkProgress progress, int renderSliceChunks) {
        if (renderSliceChunks < 1) throw new IllegalArgumentException("renderSliceChunks must be at least 1");
        this.progress = progress;
        this.renderSliceChunks = renderSliceChunks;
        return this;
    }

    public ChunkSynthesizer(VoiceModelRuntime runtime, VoiceModelCatalog models, VoiceCache voices, BlobStore blobs,
                            String workerId, int attempts, Duration modelWait, MeterRegistry metrics) {
        this(runtime, models, new VoiceGate(), voices, blobs, workerId, attempts, modelWait, metrics);
    }

    /** @param gate voices whose chunks are refused (deleted, consent revoked): they fail with the reason, unsynthesised */
    public ChunkSynthesizer(VoiceModelRuntime runtime, VoiceModelCatalog models, VoiceGate gate, VoiceCache voices, BlobStore blobs,
                            String workerId, int attempts, Duration modelWait, MeterRegistry metrics) {
        this(runtime, models, gate, voices, blobs, workerId, attempts, modelWait, metrics, Retry.Policy.defaults());
    }

    /** @param retry in-place retries of a transient blob-store fault ({@code voxpipe.retry.*}) */
    public ChunkSynthesizer(VoiceModelRuntime runtime, VoiceModelCatalog models, VoiceGate gate, VoiceCache voices, BlobStore blobs,
                            String workerId, int attempts, Duration modelWait, MeterRegistry metrics, Retry.Policy retry) {
        this.runtime = runtime;
        this.models = models;
        this.gate = gate;
        this.voices = voices;
        this.references = new dev.voxpipe.synth.voice.ReferenceVoices(blobs, runtime);
        this.blobs = blobs;
        this.workerId = workerId;
        this.attempts = Math.max(1, attempts);
        this.modelWait = modelWait;
        this.metrics = metrics;
        this.retry = new Retry("synth-worker", retry, metrics);
        // seconds of speech rendered (Prometheus: voxpipe_synthesis_audio_seconds_total), the dashboard's audio output
        this.audioSeconds = Counter.builder("voxpipe_synthesis_audio_seconds").description("seconds of audio synthesised")
                .register(metrics);
        this.rtf = DistributionSummary.builder("voxpipe_synthesis_rtf")
                .description("synthesis wall time over audio duration, per chunk group")
                .register(metrics);
    }

    public static String chunkKey(String requestId, int chunkIndex) {
        return "synthesis/" + requestId + "/chunks/" + chunkIndex + ".wav";
    }

    /** A zero-shot chunk's voice comes from its reference clip (by content), a trained one's from its model version. */
    private record VoiceKey(String tenantId, String voiceId, Integer modelVersion, double speed, String referenceSha256,
                            double pitchShift, double pitchRange) {}

    public List<SynthesisChunkResult> synthesize(List<SynthesisChunk> batch) {
        Map<VoiceKey, List<SynthesisChunk>> groups = new LinkedHashMap<>();
        for (SynthesisChunk chunk : batch) {
            groups.computeIfAbsent(new VoiceKey(chunk.getTenantId(), chunk.getVoiceId(), chunk.getModelVersion(),
                    chunk.getSpeed(), chunk.getReference() == null ? null : chunk.getReference().getAudio().getSha256(),
                    chunk.getPitchShift(), chunk.getPitchRange()),
                    k -> new ArrayList<>()).add(chunk);
        }
        List<SynthesisChunkResult> results = new ArrayList<>();
        for (var group : groups.entrySet()) {
            results.addAll(synthesizeGroup(group.getKey(), group.getValue()));
        }
        return results;
    }

    private List<SynthesisChunkResult> synthesizeGroup(VoiceKey voice, List<SynthesisChunk> chunks) {
        var refusal = gate.refusal(voice.voiceId());
        if (refusal.isPresent()) return chunks.stream().map(c -> failure(c, refusal.get())).toList();
        if (voice.speed() < 0.5 || voice.speed() > 2.0 || Double.isNaN(voice.speed())) {
            return chunks.stream().map(c -> failure(c, "speed " + voice.speed() + " is outside 0.5 to 2.0")).toList();
        }
        PitchControl pitch;
        try {
            pitch = new PitchControl(voice.pitchShift(), voice.pitchRange());
        } catch (IllegalArgumentException e) {
            return chunks.stream().map(c -> failure(c, e.getMessage())).toList();
        }
        if (voice.referenceSha256() != null) {
            var reference = chunks.get(0).getReference();
            return synthesizeWith(chunks, voice.speed(), pitch, () -> references.get(reference));
        }
        Optional<VoiceModelReady> model = findModel(voice);
        if (model.isEmpty() || !model.get().getTenantId().equals(voice.tenantId())) {
            String why = "voice " + voice.voiceId() + (voice.modelVersion() == null ? "" : " version " + voice.modelVersion())
                    + " has no trained model";
            return chunks.stream().map(c -> failure(c, why)).toList();
        }
        if (!runtime.baseModelId().equals(model.get().getBaseModel())) {
            // a voice trained on another base model cannot be served by this one: a content fault, not retried
            String why = "voice_needs_retraining: voice " + voice.voiceId() + " was trained on base model "
                    + model.get().getBaseModel() + " and this worker runs " + runtime.baseModelId()
                    + "; train the voice again";
            return chunks.stream().map(c -> failure(c, why)).toList();
        }
        VoiceModelReady ready = model.get();
        return synthesizeWith(chunks, voice.speed(), pitch, () -> voices.get(ready));
    }

    @FunctionalInterface
    private interface VoiceSource {
        VoiceDelta voice() throws Exception;
    }

    /** A voice's chunks, a slice at a time, each slice reported to {@link ChunkProgress} once done. */
    private List<SynthesisChunkResult> synthesizeWith(List<SynthesisChunk> chunks, double speed, PitchControl pitch,
                                                      VoiceSource source) {
        VoiceDelta[] loaded = {null}; // loaded once for the group, not once per slice
        Exception[] unloadable = {null}; // a voice that cannot be loaded fails every slice at once
        VoiceSource once = () -> {
            if (unloadable[0] != null) throw unloadable[0];
            if (loaded[0] == null) {
                try {
                    loaded[0] = source.voice();
                } catch (Exception e) {
                    if (!Faults.isTransient(e)) unloadable[0] = e;
                    throw e;
                }
            }
            return loaded[0];
        };
        List<SynthesisChunkResult> results = new ArrayList<>(chunks.size());
        for (int from = 0; from < chunks.size(); from += renderSliceChunks) {
            List<SynthesisChunkResult> slice = synthesizeSlice(
                    chunks.subList(from, Math.min(chunks.size(), from + renderSliceChunks)), speed, pitch, once);
            for (SynthesisChunkResult result : slice) {
                if (!result.getSucceeded()) continue;
                try {
                    progress.synthesized(result);
                } catch (RuntimeException e) {
                    // progress is a courtesy: it never fails or redoes a chunk
                }
            }
            results.addAll(slice);
        }
        return results;
    }

    private List<SynthesisChunkResult> synthesizeSlice(List<SynthesisChunk> chunks, double speed, PitchControl pitch,
                                                       VoiceSource source) {
        Exception last = null;
        for (int attempt = 1; attempt <= attempts; attempt++) {
            try {
                // a blob-store fault while the voice loads is retried in place, then ends the batch as transient
                VoiceDelta delta = retry.store("loading the voice of " + chunks.get(0).getRequestId(), source::voice);
                long started = System.nanoTime();
                SynthesisOutput output = runtime.synthesize(delta, chunks.stream().map(SynthesisChunk::getText).toList(),
                        speed, pitch);
                double seconds = (System.nanoTime() - started) / 1e9;
                rtf.record(output.realTimeFactor());
                List<SynthesisChunkResult> results = new ArrayList<>();
                for (int i = 0; i < chunks.size(); i++) {
                    float[] audio = output.audio().get(i);
                    results.add(success(chunks.get(i), audio, seconds * audio.length / Math.max(1, total(output))));
                }
                metrics.counter("voxpipe_synth_chunks_total", "outcome", "ok").increment(chunks.size());
                audioSeconds.increment((double) total(output) / runtime.sampleRate());
                return results;
            } catch (TransientFaultException e) {
                throw e;
            } catch (Exception e) {
                if (Faults.isTransient(e)) throw new TransientFaultException("synth-worker: " + DeadLetters.reason(e), e);
                last = e;
            }
        }
        String why = "synthesis failed after " + attempts + " attempts: " + DeadLetters.reason(last);
        return chunks.stream().map(c -> failure(c, why)).toList();
    }

    private static long total(SynthesisOutput output) {
        return output.audio().stream().mapToLong(a -> a.length).sum();
    }

    private Optional<VoiceModelReady> findModel(VoiceKey voice) {
        long deadline = System.nanoTime() + modelWait.toNanos();
        while (true) {
            Optional<VoiceModelReady> model = models.find(voice.voiceId(), voice.modelVersion());
            if (model.isPresent() || System.nanoTime() > deadline) return model;
            try {
                Thread.sleep(200);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return Optional.empty();
            }
        }
    }

    private SynthesisChunkResult success(SynthesisChunk chunk, float[] audio, double seconds) throws IOException {
        byte[] wav = WavIo.toWav16(new PcmAudio(audio, runtime.sampleRate()));
        BlobRef ref;
        try {
            ref = retry.store("writing chunk " + chunk.getChunkIndex() + " of " + chunk.getRequestId(),
                    () -> blobs.putAt(chunkKey(chunk.getRequestId(), chunk.getChunkIndex()), new ByteArrayInputStream(wav), "audio/wav"));
        } catch (IOException | RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new IOException(e);
        }
        return base(chunk).setSucceeded(true).setAudio(ref).setSampleCount(audio.length)
                .setSynthesisSeconds(seconds).build();
    }

    private SynthesisChunkResult failure(SynthesisChunk chunk, String why) {
        metrics.counter("voxpipe_synth_chunks_total", "outcome", "failed").increment();
        return base(chunk).setSucceeded(false).setError(why).build();
    }

    private SynthesisChunkResult.Builder base(SynthesisChunk chunk) {
        return SynthesisChunkResult.newBuilder()
                .setRequestId(chunk.getRequestId())
                .setTenantId(chunk.getTenantId())
                .setVoiceId(chunk.getVoiceId())
                .setChunkIndex(chunk.getChunkIndex())
                .setChunkCount(chunk.getChunkCount())
                .setSampleRate(runtime.sampleRate())
                .setPauseAfterMs(chunk.getPauseAfterMs())
                .setChapterTitle(chunk.getChapterTitle())
                .setFormat(chunk.getFormat())
                .setWorkerId(workerId)
                .setEventTime(Instant.now());
    }

}
