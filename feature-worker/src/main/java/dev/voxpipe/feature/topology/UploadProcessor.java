package dev.voxpipe.feature.topology;

import dev.voxpipe.core.blob.BlobStore;
import dev.voxpipe.core.blob.NoSuchBlobException;
import dev.voxpipe.core.fault.Faults;
import dev.voxpipe.core.fault.Retry;
import dev.voxpipe.core.fault.TransientFaultException;
import dev.voxpipe.core.messaging.DeadLetters;
import dev.voxpipe.core.topics.Topics;
import dev.voxpipe.dsp.PcmAudio;
import dev.voxpipe.dsp.WavIo;
import dev.voxpipe.dsp.decode.AudioDecodeException;
import dev.voxpipe.feature.dsp.PreparedClip;
import dev.voxpipe.feature.dsp.PreparedUpload;
import dev.voxpipe.feature.dsp.UploadPreprocessor;
import dev.voxpipe.schemas.DeadLetter;
import dev.voxpipe.schemas.RawAudioUploaded;
import dev.voxpipe.schemas.SlicedClip;
import dev.voxpipe.schemas.UploadOutcome;
import dev.voxpipe.schemas.VoiceDatasetSummary;
import dev.voxpipe.schemas.common.ClipRejection;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.api.RecordMetadata;
import org.apache.kafka.streams.state.KeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.InputStream;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * Per upload (partitioned by voiceId): fetch the bytes, decode, slice, gate, emit one SlicedClip per
 * clip (keyed by clipId, so the per-clip stage spreads over all partitions), and update the voice's
 * dataset summary in a local store. Anything wrong with the record (a content fault) becomes a dead
 * letter with a reason; the stream goes on. A transient fault (the registry or the blob store is
 * unreachable) is retried with bounded backoff ({@link Retry}); when it lasts, the processor throws
 * {@link TransientFaultException}: the stream thread is replaced and the upload is read again from
 * the last commit, never dead-lettered.
 */
final class UploadProcessor implements Processor<String, byte[], String, Routed> {
    private static final Logger log = LoggerFactory.getLogger(UploadProcessor.class);

    private final FeatureSettings settings;
    private final Deserializer<RawAudioUploaded> deserializer;
    private final BlobStore blobs;
    private final UploadPreprocessor preprocessor;
    private final FeatureMetrics metrics;
    private final Retry retry;
    private ProcessorContext<String, Routed> context;
    private KeyValueStore<String, VoiceDatasetSummary> summaries;
    private KeyValueStore<String, String> uploadDigests;
    private KeyValueStore<String, String> contributions;

    UploadProcessor(FeatureSettings settings, Deserializer<RawAudioUploaded> deserializer, BlobStore blobs, FeatureMetrics metrics) {
        this.settings = settings;
        this.deserializer = deserializer;
        this.blobs = blobs;
        this.preprocessor = new UploadPreprocessor(settings.dsp(), settings.label());
        this.metrics = metrics;
        this.retry = new Retry(settings.stage(), settings.retry(), metrics.registry);
    }

    @Override
    public void init(ProcessorContext<String, Routed> context) {
        this.context = context;
        this.summaries = context.getStateStore(FeatureTopology.SUMMARY_STORE);
        this.uploadDigests = context.getStateStore(FeatureTopology.UPLOAD_DIGEST_STORE);
        this.contributions = context.getStateStore(FeatureTopology.UPLOAD_CONTRIBUTION_STORE);
    }

    @Override
    public void process(Record<String, byte[]> record) {
        RecordMetadata meta = context.recordMetadata().orElse(null);
        String topic = meta == null ? Topics.AUDIO_UPLOADED : meta.topic();
        if (record.value() == null) return; // tombstone: nothing to do
        metrics.uploads.increment();
        RawAudioUploaded upload;
        try {
            upload = retry.call("reading an upload event", () -> deserializer.deserialize(topic, record.value()));
            if (upload == null) throw new IllegalArgumentException("empty upload event");
        } catch (TransientFaultException e) {
            throw e;
        } catch (Exception e) {
            deadLetter(record, meta, e, null, null, "undecodable RawAudioUploaded: " + DeadLetters.reason(e));
            return;
        }
        if (upload.getDeletedAt() != null) {
            removeUpload(record, upload);
            return;
        }
        String firstWithSameBytes = firstUploadWithSameBytes(upload);
        if (firstWithSameBytes != null) {
            // the same file again would count its seconds twice towards the training minimum
            metrics.uploadsRejected.increment();
            log.info("upload {} of voice {} repeats the bytes of upload {}", upload.getUploadId(), upload.getVoiceId(), firstWithSameBytes);
            String why = "duplicate of upload " + firstWithSameBytes + " (same sha256), counted once";
            updateSummary(upload.getTenantId(), upload.getVoiceId(), 0, 0, List.of(), upload.getUploadId() + ": " + why,
                    record.timestamp(), outcome(upload, "REJECTED", 0, 0, 0, why, record.timestamp()), new LabelSeconds());
            return;
        }
        long t0 = System.nanoTime();
        PreparedUpload prepared;
        try {
            String key = upload.getBlob().getKey();
            prepared = retry.call("reading upload " + upload.getUploadId(), () -> {
                InputStream raw;
                try {
                    raw = blobs.open(key);
                } catch (java.io.IOException e) {
                    throw Faults.storeFault(e);
                }
                try (InputStream in = Faults.storeStream(raw)) {
                    return preprocessor.prepare(in, upload.getTranscript());
                }
            });
        } catch (TransientFaultException e) {
            throw e; // the stage waits: the thread is replaced and the upload read again
        } catch (NoSuchBlobException e) {
            rejectUpload(record, meta, upload, e, "audio blob " + upload.getBlob().getKey() + " is missing from the blob store");
            return;
        } catch (AudioDecodeException e) {
            rejectUpload(record, meta, upload, e, e.reason());
            return;
        } catch (Exception e) {
            log.warn("upload {} failed", upload.getUploadId(), e);
            rejectUpload(record, meta, upload, e, "processing failed: " + DeadLetters.reason(e));
            return;
        } finally {
            metrics.uploadTime.record(System.nanoTime() - t0, java.util.concurrent.TimeUnit.NANOSECONDS);
        }
        metrics.audioSeconds.increment(prepared.durationSeconds());
        emitClips(record, upload, prepared);
        rememberBytes(upload);
    }

    private void emitClips(Record<String, byte[]> record, RawAudioUploaded upload, PreparedUpload prepared) {
        Instant now = Instant.ofEpochMilli(record.timestamp());
        List<ClipRejection> rejections = new ArrayList<>();
        LabelSeconds labelSeconds = new LabelSeconds();
        double usable = 0;
        int accepted = 0;
        int count = prepared.clips().size();
        for (PreparedClip c : prepared.clips()) {
            String clipId = clipId(upload.getUploadId(), c.index());
            SlicedClip.Builder b = SlicedClip.newBuilder()
                    .setClipId(clipId)
                    .setTenantId(upload.getTenantId())
                    .setVoiceId(upload.getVoiceId())
                    .setUploadId(upload.getUploadId())
                    .setClipIndex(c.index())
                    .setClipCount(count)
                    .setStartSample(c.start())
                    .setEndSample(c.end())
                    .setSampleRate(c.sampleRate())
                    .setLoudnessLufs(c.quality() == null ? Double.NEGATIVE_INFINITY : c.quality().loudnessLufs())
                    .setTruePeakDbtp(c.quality() == null ? Double.NEGATIVE_INFINITY : c.quality().truePeakDbtp())
                    .setAccepted(c.accepted())
                    .setReasons(new ArrayList<>(c.reasons()))
                    .setSnrDb(c.quality() == null ? 0 : c.quality().snrDb())
                    .setClippingRatio(c.quality() == null ? 0 : c.quality().clippingRatio())
                    .setTranscript(c.transcript())
                    .setNeedsAlignment(c.needsAlignment())
                    .setLabelSource(c.label().source() == null ? null : c.label().source().wire())
                    .setLabelConfidence(c.label().confidence())
                    .setLabelNote(c.label().note() == null ? null : DeadLetters.limit(c.label().note()))
                    .setLabelTrainable(c.label().trainable())
                    .setEventTime(now);
            if (c.accepted()) {
                byte[] pcm = WavIo.toPcm16(c.normalized());
                if (pcm.length <= settings.inlineMaxBytes()) b.setInlinePcm16(ByteBuffer.wrap(pcm));
                // every accepted clip's audio is in the blob store too: the label API plays it (Range requests)
                try {
                    byte[] wav = WavIo.toWav16(new PcmAudio(c.normalized(), c.sampleRate()));
                    b.setBlob(retry.store("storing clip " + clipId, () -> Payloads.store(blobs, wav, "audio/wav")));
                } catch (TransientFaultException e) {
                    throw e; // nothing was committed: the whole upload is redone once the store is back
                } catch (Exception e) {
                    // cannot store the clip: reject it rather than lose the upload
                    b.setAccepted(false).setInlinePcm16(null).setReasons(List.of("blob store write failed: " + DeadLetters.reason(e)));
                }
            }
            SlicedClip clip = b.build();
            if (clip.getAccepted()) {
                accepted++;
                usable += c.seconds();
                labelSeconds.add(clip, c.seconds());
                boolean hasText = clip.getTranscript() != null && !clip.getTranscript().isBlank();
                metrics.labelled(hasText && clip.getLabelSource() != null ? clip.getLabelSource() : hasText ? "given" : "none",
                        hasText && clip.getLabelTrainable(), c.seconds());
                metrics.clipsAccepted.increment();
            } else {
                metrics.clipsRejected.increment();
                rejections.add(ClipRejection.newBuilder().setClipId(clipId).setUploadId(upload.getUploadId())
                        .setSeconds(c.seconds()).setReasons(new ArrayList<>(clip.getReasons())).build());
            }
            context.forward(new Record<>(clipId, new Routed(Topics.AUDIO_CLIPS, clip), record.timestamp()));
        }
        String uploadRejection = null;
        if (accepted == 0) {
            uploadRejection = count == 0 ? "no speech found (all silence below "
                    + settings.dsp().slicer().thresholdDb() + " dB after loudness normalisation)"
                    : "no usable clip: " + rejections.stream().flatMap(r -> r.getReasons().stream())
                    .map(r -> r.replaceAll(":.*", "")).distinct().collect(Collectors.joining(", "));
            metrics.uploadsRejected.increment();
        }
        UploadOutcome outcome = outcome(upload, accepted > 0 ? "PROCESSED" : "REJECTED", accepted, rejections.size(), usable,
                uploadRejection, record.timestamp());
        if (prepared.labelNote() != null) {
            outcome.setLabelNote(DeadLetters.limit(prepared.labelNote()));
            metrics.labelNote();
            log.info("upload {} of voice {}: {}", upload.getUploadId(), upload.getVoiceId(), prepared.labelNote());
        }
        updateSummary(upload.getTenantId(), upload.getVoiceId(), usable, accepted, rejections,
                uploadRejection == null ? null : upload.getUploadId() + ": " + uploadRejection, record.timestamp(), outcome, labelSeconds);
        contributions.put(upload.getUploadId(), UploadContribution.of(upload.getBlob() == null ? null : upload.getBlob().getSha256(),
                usable, accepted, rejections.size(), count, labelSeconds).encode());
    }

    /**
     * The upload was deleted (the API's {@code DELETE .../samples/{uploadId}}): what it added to the voice's
     * summary is subtracted, its outcome and rejection lines go, its clips get tombstones (the clip stage
     * passes them on to the features), and its digest is forgotten if it was the first with those bytes, so
     * the same file uploaded again counts. A duplicate that was counted once stays as it was. Deleting twice,
     * or an upload never counted, changes nothing.
     */
    private void removeUpload(Record<String, byte[]> record, RawAudioUploaded deletion) {
        String uploadId = deletion.getUploadId();
        String voice = deletion.getVoiceId();
        VoiceDatasetSummary s = summaries.get(voice);
        UploadOutcome outcome = s == null ? null
                : s.getUploads().stream().filter(o -> o.getUploadId().equals(uploadId)).findFirst().orElse(null);
        String stored = contributions.get(uploadId);
        UploadContribution c = stored != null ? UploadContribution.decode(stored)
                // processed before contributions were kept: the outcome's totals (label seconds unknown)
                : outcome == null ? null : new UploadContribution(null, outcome.getUsableSeconds(), outcome.getClipsAccepted(),
                        outcome.getClipsRejected(), outcome.getClipsAccepted() + outcome.getClipsRejected(), 0,
                        java.util.Map.of(), java.util.Map.of());
        String digest = digestKey(deletion);
        if (digest != null && uploadId.equals(uploadDigests.get(digest))) uploadDigests.delete(digest);
        contributions.delete(uploadId);
        if (c == null) {
            log.info("deletion of upload {} of voice {}: nothing was counted for it", uploadId, voice);
            return;
        }
        for (int i = 0; i < c.clipCount(); i++) {
            context.forward(new Record<>(clipId(uploadId, i), new Routed(Topics.AUDIO_CLIPS, null), record.timestamp()));
        }
        if (s == null) return;
        List<ClipRejection> rejections = new ArrayList<>(s.getRejections());
        rejections.removeIf(r -> r.getUploadId().equals(uploadId));
        List<String> uploadsRejected = new ArrayList<>();
        for (CharSequence line : s.getUploadsRejected()) if (!line.toString().startsWith(uploadId + ": ")) uploadsRejected.add(line.toString());
        List<UploadOutcome> outcomes = new ArrayList<>(s.getUploads());
        outcomes.removeIf(o -> o.getUploadId().equals(uploadId));
        VoiceDatasetSummary updated = VoiceDatasetSummary.newBuilder(s)
                .setUsableSeconds(Math.max(0, s.getUsableSeconds() - c.usableSeconds()))
                .setClipsAccepted(Math.max(0, s.getClipsAccepted() - c.clipsAccepted()))
                .setClipsRejected(Math.max(0, s.getClipsRejected() - c.clipsRejected()))
                .setRejections(rejections)
                .setUploadsRejected(uploadsRejected)
                .setUploads(outcomes)
                .setSecondsByLabelSource(subtract(s.getSecondsByLabelSource(), c.bySource()))
                .setSecondsByConfidence(subtract(s.getSecondsByConfidence(), c.byConfidence()))
                .setTextSeconds(Math.max(0, s.getTextSeconds() - c.textSeconds()))
                .setUpdatedAt(Instant.ofEpochMilli(Math.max(record.timestamp(), s.getUpdatedAt().toEpochMilli())))
                .build();
        summaries.put(voice, updated);
        context.forward(new Record<>(voice, new Routed(Topics.VOICE_DATASETS, updated), record.timestamp()));
        log.info("upload {} of voice {} deleted: {} s and {} clips taken out of the dataset", uploadId, voice,
                String.format(java.util.Locale.ROOT, "%.2f", c.usableSeconds()), c.clipCount());
    }

    /** {@code total} minus {@code remove}; a label whose seconds reach zero leaves the map. */
    private static java.util.Map<String, Double> subtract(java.util.Map<? extends CharSequence, Double> total, java.util.Map<String, Double> remove) {
        java.util.Map<String, Double> out = new java.util.TreeMap<>();
        if (total != null) total.forEach((k, v) -> out.put(k.toString(), v));
        remove.forEach((k, v) -> out.computeIfPresent(k, (key, have) -> have - v > 1e-6 ? have - v : null));
        return out;
    }

    private static UploadOutcome outcome(RawAudioUploaded upload, String state, int accepted, int rejected, double usable,
                                         String reason, long timestamp) {
        return UploadOutcome.newBuilder().setUploadId(upload.getUploadId()).setState(state).setClipsAccepted(accepted)
                .setClipsRejected(rejected).setUsableSeconds(usable).setReason(reason == null ? null : DeadLetters.limit(reason))
                .setProcessedAt(Instant.ofEpochMilli(timestamp)).build();
    }

    /**
     * The voice's earlier decoded upload with the same content digest, or null. A redelivered upload (same id) is not a
     * duplicate of itself, and a file whose processing failed (a missing blob, say) may be uploaded again.
     */
    private String firstUploadWithSameBytes(RawAudioUploaded upload) {
        String key = digestKey(upload);
        String first = key == null ? null : uploadDigests.get(key);
        return first == null || first.equals(upload.getUploadId()) ? null : first;
    }

    private void rememberBytes(RawAudioUploaded upload) {
        String key = digestKey(upload);
        if (key != null && uploadDigests.get(key) == null) uploadDigests.put(key, upload.getUploadId());
    }

    private static String digestKey(RawAudioUploaded upload) {
        String sha = upload.getBlob() == null ? null : upload.getBlob().getSha256();
        return sha == null || sha.isBlank() ? null : upload.getVoiceId() + "/" + sha;
    }

    static String clipId(String uploadId, int index) {
        return uploadId + "-c" + String.format("%03d", index);
    }

    private void rejectUpload(Record<String, byte[]> record, RecordMetadata meta, RawAudioUploaded upload, Exception e, String reason) {
        metrics.uploadsRejected.increment();
        deadLetter(record, meta, e, upload.getTenantId(), upload.getVoiceId(), "upload " + upload.getUploadId() + ": " + reason);
        updateSummary(upload.getTenantId(), upload.getVoiceId(), 0, 0, List.of(), upload.getUploadId() + ": " + reason, record.timestamp(),
                outcome(upload, "REJECTED", 0, 0, 0, reason, record.timestamp()), new LabelSeconds());
    }

    private void deadLetter(Record<String, byte[]> record, RecordMetadata meta, Exception e, String tenant, String voice, String reason) {
        metrics.deadLetters.increment();
        DeadLetter dl = DeadLetters.of(settings.stage(), Optional.ofNullable(meta), Topics.AUDIO_UPLOADED, record, e);
        dl.setReason(DeadLetters.limit(reason));
        dl.setTenantId(tenant);
        dl.setVoiceId(voice);
        log.info("dead letter from {}: {}", dl.getSourceTopic(), dl.getReason());
        context.forward(new Record<>(record.key(), new Routed(Topics.DEAD_LETTERS, dl), record.timestamp()));
    }

    private void updateSummary(String tenant, String voice, double usable, int accepted, List<ClipRejection> rejections,
                               String uploadRejection, long timestamp, UploadOutcome outcome, LabelSeconds labels) {
        VoiceDatasetSummary s = summaries.get(voice);
        if (s == null) {
            s = VoiceDatasetSummary.newBuilder().setTenantId(tenant).setVoiceId(voice).setUsableSeconds(0)
                    .setClipsAccepted(0).setClipsRejected(0).setRejections(new ArrayList<>())
                    .setUploadsRejected(new ArrayList<>()).setUpdatedAt(Instant.ofEpochMilli(timestamp)).build();
        }
        List<ClipRejection> listed = new ArrayList<>(s.getRejections());
        for (ClipRejection r : rejections) if (listed.size() < settings.maxRejectionsListed()) listed.add(r);
        List<String> uploads = new ArrayList<>(s.getUploadsRejected());
        if (uploadRejection != null && uploads.size() < settings.maxRejectionsListed()) uploads.add(uploadRejection);
        // the upload's own final state; a redelivery replaces its entry, the oldest go first past the bound
        List<UploadOutcome> outcomes = new ArrayList<>(s.getUploads());
        outcomes.removeIf(o -> o.getUploadId().equals(outcome.getUploadId()));
        outcomes.add(outcome);
        while (outcomes.size() > settings.maxUploadsListed()) outcomes.remove(0);
        VoiceDatasetSummary updated = VoiceDatasetSummary.newBuilder(s)
                .setUsableSeconds(s.getUsableSeconds() + usable)
                .setClipsAccepted(s.getClipsAccepted() + accepted)
                .setClipsRejected(s.getClipsRejected() + rejections.size())
                .setRejections(listed)
                .setUploadsRejected(uploads)
                .setUploads(outcomes)
                .setSecondsByLabelSource(labels.addTo(s.getSecondsByLabelSource(), labels.bySource))
                .setSecondsByConfidence(labels.addTo(s.getSecondsByConfidence(), labels.byConfidence))
                .setTextSeconds(s.getTextSeconds() + labels.trainable)
                .setUpdatedAt(Instant.ofEpochMilli(Math.max(timestamp, s.getUpdatedAt().toEpochMilli())))
                .build();
        summaries.put(voice, updated);
        context.forward(new Record<>(voice, new Routed(Topics.VOICE_DATASETS, updated), timestamp));
    }
}
