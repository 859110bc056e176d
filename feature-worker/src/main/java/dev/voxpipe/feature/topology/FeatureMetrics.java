package dev.voxpipe.feature.topology;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

/** Counters and timers of the feature worker (exposed as Prometheus metrics by the app). */
public final class FeatureMetrics {
    final Counter uploads, uploadsRejected, clipsAccepted, clipsRejected, features, deadLetters;
    final Counter audioSeconds;
    final Timer uploadTime, featureTime;

    final MeterRegistry registry;

    public FeatureMetrics(MeterRegistry r) {
        registry = r;
        uploads = r.counter("voxpipe_feature_uploads_total");
        uploadsRejected = r.counter("voxpipe_feature_uploads_rejected_total");
        clipsAccepted = r.counter("voxpipe_feature_clips_total", "outcome", "accepted");
        clipsRejected = r.counter("voxpipe_feature_clips_total", "outcome", "rejected");
        features = r.counter("voxpipe_feature_mel_features_total");
        deadLetters = r.counter("voxpipe_feature_dead_letters_total");
        audioSeconds = r.counter("voxpipe_feature_audio_seconds_total");
        uploadTime = Timer.builder("voxpipe_feature_upload_seconds").description("decode, resample, slice and gate one upload").register(r);
        featureTime = Timer.builder("voxpipe_feature_clip_seconds").description("log-mel and F0 of one clip").register(r);
    }

    /** Seconds of accepted clips by label source ({@code none} without text) and whether training uses the text. */
    void labelled(String source, boolean trainable, double seconds) {
        registry.counter("voxpipe_feature_labelled_audio_seconds_total", "source", source, "trainable", Boolean.toString(trainable))
                .increment(seconds);
    }

    /** An upload whose clips got no text or only some, with a reason (bad transcript, recogniser missing). */
    void labelNote() {
        registry.counter("voxpipe_feature_label_notes_total").increment();
    }

    public static FeatureMetrics noop() {
        return new FeatureMetrics(new SimpleMeterRegistry());
    }
}
