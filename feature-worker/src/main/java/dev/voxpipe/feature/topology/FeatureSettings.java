package dev.voxpipe.feature.topology;

import dev.voxpipe.core.fault.Retry;
import dev.voxpipe.core.config.VoxConfig;
import dev.voxpipe.dsp.MelConfig;
import dev.voxpipe.dsp.PitchTracker;
import dev.voxpipe.dsp.decode.DecodeLimits;
import dev.voxpipe.dsp.slice.QualityConfig;
import dev.voxpipe.dsp.slice.SlicerConfig;
import dev.voxpipe.feature.dsp.PreprocessSettings;
import dev.voxpipe.feature.label.LabelSettings;
import dev.voxpipe.schemas.TensorEncoding;

/**
 * What the topology does, read from {@code voxpipe.feature.*} (see the module README for the table).
 *
 * @param stage               name written into dead letters
 * @param inlineMaxBytes      clip PCM and mel tensors up to this size travel inside the message, larger ones go to the blob store
 * @param melEncoding         FLOAT32_LE or FLOAT16_LE
 * @param maxRejectionsListed the dataset summary lists at most this many clip rejections (counts stay exact)
 * @param retry               in-place retries of transient faults ({@code voxpipe.retry.*})
 * @param label               forced alignment and speech recognition ({@code voxpipe.feature.label.*})
 */
public record FeatureSettings(String stage, PreprocessSettings dsp, int inlineMaxBytes, TensorEncoding melEncoding, int maxRejectionsListed,
                              Retry.Policy retry, LabelSettings label) {
    public static final String PREFIX = "voxpipe.feature.";

    /** With the default labelling ({@link LabelSettings#defaults}). */
    public FeatureSettings(String stage, PreprocessSettings dsp, int inlineMaxBytes, TensorEncoding melEncoding, int maxRejectionsListed,
                           Retry.Policy retry) {
        this(stage, dsp, inlineMaxBytes, melEncoding, maxRejectionsListed, retry, LabelSettings.defaults());
    }

    /** With the default retry policy for transient faults ({@link Retry.Policy#defaults}). */
    public FeatureSettings(String stage, PreprocessSettings dsp, int inlineMaxBytes, TensorEncoding melEncoding, int maxRejectionsListed) {
        this(stage, dsp, inlineMaxBytes, melEncoding, maxRejectionsListed, Retry.Policy.defaults());
    }

    /** The dataset summary keeps the final state of at most this many (latest) uploads per voice. */
    public int maxUploadsListed() {
        return Math.max(maxRejectionsListed, 1000);
    }

    public FeatureSettings withRetry(Retry.Policy policy) {
        return new FeatureSettings(stage, dsp, inlineMaxBytes, melEncoding, maxRejectionsListed, policy, label);
    }

    public FeatureSettings withLabel(LabelSettings labelSettings) {
        return new FeatureSettings(stage, dsp, inlineMaxBytes, melEncoding, maxRejectionsListed, retry, labelSettings);
    }

    public static FeatureSettings defaults() {
        return new FeatureSettings("feature-worker", PreprocessSettings.defaults(), 256 * 1024, TensorEncoding.FLOAT32_LE, 200);
    }

    public static FeatureSettings from(VoxConfig c) {
        PreprocessSettings d = PreprocessSettings.defaults();
        SlicerConfig s = d.slicer();
        QualityConfig q = d.quality();
        MelConfig m = d.mel();
        PitchTracker p = d.pitch();
        int sr = c.getInt(PREFIX + "sample-rate", d.sampleRate());
        SlicerConfig slicer = new SlicerConfig(
                c.getDouble(PREFIX + "slicer.threshold-db", s.thresholdDb()),
                c.getInt(PREFIX + "slicer.min-length-ms", s.minLengthMs()),
                c.getInt(PREFIX + "slicer.min-interval-ms", s.minIntervalMs()),
                c.getInt(PREFIX + "slicer.hop-ms", s.hopMs()),
                c.getInt(PREFIX + "slicer.max-sil-kept-ms", s.maxSilKeptMs()),
                c.getInt(PREFIX + "slicer.max-clip-ms", s.maxClipMs()),
                c.getInt(PREFIX + "slicer.min-clip-ms", s.minClipMs()));
        QualityConfig quality = new QualityConfig(
                c.getDouble(PREFIX + "quality.max-clipping-ratio", q.maxClippingRatio()),
                c.getDouble(PREFIX + "quality.clip-level", q.clipLevel()),
                c.getDouble(PREFIX + "quality.min-snr-db", q.minSnrDb()),
                c.getDouble(PREFIX + "quality.min-loudness-lufs", q.minLoudnessLufs()),
                c.getDouble(PREFIX + "quality.max-silence-fraction", q.maxSilenceFraction()),
                c.getDouble(PREFIX + "quality.silence-dbfs", q.silenceDbfs()),
                c.getDouble(PREFIX + "quality.min-seconds", slicer.minClipMs() / 1000.0),
                c.getDouble(PREFIX + "quality.max-seconds", slicer.maxClipMs() / 1000.0));
        MelConfig mel = new MelConfig(sr,
                c.getInt(PREFIX + "mel.n-fft", m.nFft()),
                c.getInt(PREFIX + "mel.win-length", m.winLength()),
                c.getInt(PREFIX + "mel.hop-length", m.hopLength()),
                c.getInt(PREFIX + "mel.n-mels", m.nMels()),
                c.getDouble(PREFIX + "mel.f-min", m.fMin()),
                c.getDouble(PREFIX + "mel.f-max", Math.min(m.fMax(), sr / 2.0)),
                c.getBoolean(PREFIX + "mel.center", m.center()),
                !"htk".equalsIgnoreCase(c.get(PREFIX + "mel.scale", "slaney")),
                !"none".equalsIgnoreCase(c.get(PREFIX + "mel.norm", "slaney")),
                c.getDouble(PREFIX + "mel.power", m.power()),
                c.getDouble(PREFIX + "mel.log-floor", m.logFloor()));
        PitchTracker pitch = new PitchTracker(
                c.getDouble(PREFIX + "f0.min-hz", p.fMin()),
                c.getDouble(PREFIX + "f0.max-hz", p.fMax()),
                c.getDouble(PREFIX + "f0.threshold", p.threshold()),
                p.silenceDbfs(),
                c.getInt(PREFIX + "f0.analysis-rate", p.analysisRate()));
        DecodeLimits limits = DecodeLimits.defaults()
                .withMaxDurationSeconds(c.getDouble(PREFIX + "max-duration-seconds", DecodeLimits.defaults().maxDurationSeconds()))
                .withMaxInputBytes(c.getLong(PREFIX + "max-input-bytes", DecodeLimits.defaults().maxInputBytes()))
                .withMaxDecodedBytes(c.getLong(PREFIX + "max-decoded-bytes", DecodeLimits.defaults().maxDecodedBytes()));
        PreprocessSettings dsp = new PreprocessSettings(sr,
                c.getDouble(PREFIX + "target-lufs", d.targetLufs()),
                c.getDouble(PREFIX + "max-true-peak-dbtp", d.maxTruePeakDbtp()),
                limits, slicer, quality,
                c.getDouble(PREFIX + "transcript-tolerance-seconds", d.transcriptToleranceSeconds()),
                mel, pitch);
        return new FeatureSettings(
                c.get(PREFIX + "stage", "feature-worker"),
                dsp,
                c.getInt(PREFIX + "inline-max-bytes", 256 * 1024),
                TensorEncoding.valueOf(c.get(PREFIX + "mel-encoding", "FLOAT32_LE")),
                c.getInt(PREFIX + "max-rejections-listed", 200),
                Retry.Policy.from(c),
                labelSettings(c));
    }

    static LabelSettings labelSettings(VoxConfig c) {
        LabelSettings d = LabelSettings.defaults();
        double threshold = c.getDouble(PREFIX + "label.recognition-threshold", d.recognitionThreshold());
        if (threshold < 0 || threshold > 1) {
            throw new IllegalArgumentException(PREFIX + "label.recognition-threshold must be within 0-1, not " + threshold);
        }
        double pauseMark = c.getDouble(PREFIX + "label.pause-mark-seconds", d.pauseMarkSeconds());
        if (!(pauseMark >= 0 && pauseMark <= 10)) {
            throw new IllegalArgumentException(PREFIX + "label.pause-mark-seconds must be within 0-10 (0: no marks), not " + pauseMark);
        }
        return new LabelSettings(
                c.getBoolean(PREFIX + "label.alignment", d.alignmentEnabled()),
                c.getBoolean(PREFIX + "label.recognition", d.recognitionEnabled()),
                c.get(PREFIX + "label.pocketsphinx", d.program()),
                java.nio.file.Path.of(c.get(PREFIX + "label.model-dir", d.modelDir().toString())),
                c.getDouble(PREFIX + "label.min-clip-alignment", d.minClipAlignment()),
                c.getDouble(PREFIX + "label.min-transcript-match", d.minTranscriptMatch()),
                c.getDouble(PREFIX + "label.max-words-per-second", d.maxWordsPerSecond()),
                c.getDouble(PREFIX + "label.min-english-words", d.minEnglishWords()),
                threshold,
                pauseMark);
    }
}
