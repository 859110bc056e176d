package dev.voxpipe.trainer.job;

import dev.voxpipe.core.blob.BlobStore;
import dev.voxpipe.dsp.PcmAudio;
import dev.voxpipe.dsp.WavIo;
import dev.voxpipe.model.SynthesisOutput;
import dev.voxpipe.model.VoiceDelta;
import dev.voxpipe.model.VoiceModelRuntime;
import dev.voxpipe.schemas.Audition;
import dev.voxpipe.schemas.TrainingJob;
import dev.voxpipe.schemas.common.BlobRef;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Renders the fixed audition sentences in a voice as trained so far and stores them as WAV under
 * {@code auditions/<tenant>/<voice>/<jobId>/step-<step>-<i>.wav}, so that a person hears the voice improve and can
 * pick a checkpoint. An audition that cannot be rendered or stored is logged and skipped: it never fails training.
 */
final class Auditions {
    private static final Logger log = LoggerFactory.getLogger(Auditions.class);

    private final VoiceModelRuntime runtime;
    private final BlobStore blobs;
    private final List<String> sentences;
    private final MeterRegistry metrics;

    Auditions(VoiceModelRuntime runtime, BlobStore blobs, List<String> sentences, MeterRegistry metrics) {
        this.runtime = runtime;
        this.blobs = blobs;
        this.sentences = List.copyOf(sentences);
        this.metrics = metrics;
    }

    static String key(TrainingJob job, int step, int index) {
        return "auditions/" + job.getTenantId() + "/" + job.getVoiceId() + "/" + job.getJobId() + "/step-" + step + "-" + index + ".wav";
    }

    /** The stored auditions of {@code voice} at {@code step}; empty when there are no sentences or rendering failed. */
    List<Audition> render(TrainingJob job, int step, VoiceDelta voice) {
        if (sentences.isEmpty() || runtime == null) return List.of();
        long started = System.nanoTime();
        try {
            SynthesisOutput out = runtime.synthesize(voice, sentences, 1.0);
            List<Audition> stored = new ArrayList<>();
            for (int i = 0; i < sentences.size(); i++) {
                float[] samples = out.audio().get(i);
                ByteArrayOutputStream wav = new ByteArrayOutputStream();
                WavIo.writeWav16(new PcmAudio(samples, runtime.sampleRate()), wav);
                BlobRef audio = blobs.putAt(key(job, step, i), new ByteArrayInputStream(wav.toByteArray()), "audio/wav");
                stored.add(Audition.newBuilder().setStep(step).setIndex(i).setText(sentences.get(i)).setAudio(audio)
                        .setDurationSeconds(samples.length / (double) runtime.sampleRate()).build());
            }
            metrics.counter("voxpipe_training_auditions_total").increment(stored.size());
            log.info("job {}: auditions at step {} rendered in {} ms", job.getJobId(), step, (System.nanoTime() - started) / 1_000_000);
            return stored;
        } catch (Exception e) {
            log.warn("job {}: auditions at step {} skipped: {}", job.getJobId(), step, e.toString());
            return List.of();
        }
    }
}
