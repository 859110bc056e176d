package dev.voxpipe.feature.topology;

import dev.voxpipe.core.blob.BlobStore;
import dev.voxpipe.core.blob.NoSuchBlobException;
import dev.voxpipe.core.fault.Retry;
import dev.voxpipe.core.fault.TransientFaultException;
import dev.voxpipe.core.messaging.DeadLetters;
import dev.voxpipe.core.topics.Topics;
import dev.voxpipe.dsp.PcmAudio;
import dev.voxpipe.dsp.WavIo;
import dev.voxpipe.feature.dsp.FeatureExtractor;
import dev.voxpipe.schemas.DeadLetter;
import dev.voxpipe.schemas.MelFeatures;
import dev.voxpipe.schemas.SlicedClip;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.api.RecordMetadata;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Per accepted clip (partitioned by clipId, so clips of one upload spread over every instance):
 * log-mel and F0, inline when small, else through the blob store. A content fault becomes a dead
 * letter; a transient one (registry, blob store) is retried with bounded backoff and, when it lasts,
 * thrown as {@link TransientFaultException} so the clip is read again after the thread is replaced.
 */
final class ClipFeatureProcessor implements Processor<String, byte[], String, Routed> {
    private static final Logger log = LoggerFactory.getLogger(ClipFeatureProcessor.class);

    private final FeatureSettings settings;
    private final Deserializer<SlicedClip> deserializer;
    private final BlobStore blobs;
    private final FeatureExtractor extractor;
    private final FeatureMetrics metrics;
    private final Retry retry;
    private ProcessorContext<String, Routed> context;

    ClipFeatureProcessor(FeatureSettings settings, Deserializer<SlicedClip> deserializer, BlobStore blobs, FeatureMetrics metrics) {
        this.settings = settings;
        this.deserializer = deserializer;
        this.blobs = blobs;
        this.extractor = new FeatureExtractor(settings.dsp());
        this.metrics = metrics;
        this.retry = new Retry(settings.stage(), settings.retry(), metrics.registry);
    }

    @Override
    public void init(ProcessorContext<String, Routed> context) {
        this.context = context;
    }

    @Override
    public void process(Record<String, byte[]> record) {
        if (record.value() == null) {
            // the clip's upload was deleted: its features go too (after any features made from it, same partition)
            if (record.key() != null) context.forward(new Record<>(record.key(), new Routed(Topics.FEATURES_MEL, null), record.timestamp()));
            return;
        }
        RecordMetadata meta = context.recordMetadata().orElse(null);
        String topic = meta == null ? Topics.AUDIO_CLIPS : meta.topic();
        SlicedClip clip;
        try {
            clip = retry.call("reading a clip event", () -> deserializer.deserialize(topic, record.value()));
            if (clip == null) throw new IllegalArgumentException("empty clip event");
        } catch (TransientFaultException e) {
            throw e;
        } catch (Exception e) {
            deadLetter(record, meta, e, null, null, "undecodable SlicedClip: " + DeadLetters.reason(e));
            return;
        }
        if (!clip.getAccepted()) return;
        long t0 = System.nanoTime();
        try {
            PcmAudio audio;
            if (clip.getInlinePcm16() != null) {
                ByteBuffer b = clip.getInlinePcm16().duplicate();
                byte[] pcm = new byte[b.remaining()];
                b.get(pcm);
                audio = new PcmAudio(WavIo.fromPcm16(pcm), clip.getSampleRate());
            } else if (clip.getBlob() != null) {
                String key = clip.getBlob().getKey();
                audio = retry.store("reading clip " + clip.getClipId(), () -> Payloads.readWav(blobs, key));
            } else {
                throw new IllegalArgumentException("accepted clip carries neither inline PCM nor a blob");
            }
            if (audio.sampleRate() != settings.dsp().mel().sampleRate()) audio = audio.resampled(settings.dsp().mel().sampleRate());
            FeatureExtractor.Features f = extractor.extract(audio.samples(), audio.sampleRate());
            byte[] tensor = Payloads.encodeMel(f.logMel(), settings.melEncoding());
            MelFeatures.Builder mb = MelFeatures.newBuilder()
                    .setClipId(clip.getClipId())
                    .setTenantId(clip.getTenantId())
                    .setVoiceId(clip.getVoiceId())
                    .setUploadId(clip.getUploadId())
                    .setSampleRate(audio.sampleRate())
                    .setFrameRate(f.frameRate())
                    .setMelBins(settings.dsp().mel().nMels())
                    .setFrameCount(f.frames())
                    .setEncoding(settings.melEncoding())
                    .setTranscript(trainingText(clip))
                    .setProvisionalTranscript(provisionalText(clip))
                    .setLabelSource(clip.getLabelSource())
                    .setLabelConfidence(clip.getLabelConfidence())
                    .setEventTime(Instant.ofEpochMilli(record.timestamp()));
            List<Float> f0 = new ArrayList<>(f.f0Hz().length);
            for (float v : f.f0Hz()) f0.add(v);
            mb.setF0Hz(f0);
            if (tensor.length <= settings.inlineMaxBytes()) mb.setData(ByteBuffer.wrap(tensor));
            else mb.setBlob(retry.store("storing the features of clip " + clip.getClipId(),
                    () -> Payloads.store(blobs, tensor, "application/x-voxpipe-mel")));
            metrics.features.increment();
            context.forward(new Record<>(clip.getClipId(), new Routed(Topics.FEATURES_MEL, mb.build()), record.timestamp()));
        } catch (TransientFaultException e) {
            throw e; // the stage waits: nothing of this clip was committed
        } catch (NoSuchBlobException e) {
            deadLetter(record, meta, e, clip.getTenantId(), clip.getVoiceId(), "clip " + clip.getClipId() + ": audio blob is missing from the blob store");
        } catch (Exception e) {
            log.warn("clip {} failed", clip.getClipId(), e);
            deadLetter(record, meta, e, clip.getTenantId(), clip.getVoiceId(), "clip " + clip.getClipId() + ": " + DeadLetters.reason(e));
        } finally {
            metrics.featureTime.record(System.nanoTime() - t0, java.util.concurrent.TimeUnit.NANOSECONDS);
        }
    }

    /**
     * The text training uses: the clip's transcript unless its label is held back (low alignment confidence,
     * recognised text below the threshold) until a person confirms or fixes it.
     */
    static String trainingText(SlicedClip clip) {
        String text = clip.getTranscript();
        if (text == null || text.isBlank() || !clip.getLabelTrainable()) return null;
        return text;
    }

    /** The clip's text when it is held back from training (low confidence), for a voice with too little confirmed text. */
    static String provisionalText(SlicedClip clip) {
        String text = clip.getTranscript();
        if (text == null || text.isBlank() || clip.getLabelTrainable()) return null;
        return text;
    }

    private void deadLetter(Record<String, byte[]> record, RecordMetadata meta, Exception e, String tenant, String voice, String reason) {
        metrics.deadLetters.increment();
        DeadLetter dl = DeadLetters.of(settings.stage(), Optional.ofNullable(meta), Topics.AUDIO_CLIPS, record, e);
        dl.setReason(DeadLetters.limit(reason));
        dl.setOriginalValue(null); // a clip's inline PCM is large; the clip is identified by its key and offset
        dl.setTenantId(tenant);
        dl.setVoiceId(voice);
        context.forward(new Record<>(record.key(), new Routed(Topics.DEAD_LETTERS, dl), record.timestamp()));
    }
}
