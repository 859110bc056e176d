package dev.voxpipe.feature.dsp;

import dev.voxpipe.dsp.Loudness;
import dev.voxpipe.dsp.PcmAudio;
import dev.voxpipe.dsp.Resampler;
import dev.voxpipe.dsp.decode.AudioDecodeException;
import dev.voxpipe.dsp.decode.AudioDecoder;
import dev.voxpipe.dsp.slice.ClipQuality;
import dev.voxpipe.dsp.slice.Segment;
import dev.voxpipe.dsp.slice.SilenceSlicer;
import dev.voxpipe.dsp.slice.TranscriptSpans;

import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;

/**
 * The per-upload part of the chain: decode (format sniffed from bytes), resample to the model rate,
 * slice at silences, gate each clip, normalise accepted clips' loudness, and give clips their
 * transcript spans. The slicer sees the upload brought to the target loudness, so its -34 dB
 * threshold means the same for quiet and loud recordings. Thread-safe.
 */
public final class UploadPreprocessor {
    private final PreprocessSettings settings;
    private final SilenceSlicer slicer;
    private final ClipQuality quality;
    private final TranscriptSpans spans;

    public UploadPreprocessor(PreprocessSettings settings) {
        this.settings = settings;
        this.slicer = new SilenceSlicer(settings.slicer());
        this.quality = new ClipQuality(settings.quality());
        this.spans = new TranscriptSpans(settings.transcriptToleranceSeconds());
    }

    public PreprocessSettings settings() {
        return settings;
    }

    public PreparedUpload prepare(InputStream audio, String transcript) throws AudioDecodeException {
        return prepare(AudioDecoder.decode(audio, settings.limits()), transcript);
    }

    public PreparedUpload prepare(PcmAudio decoded, String transcript) {
        int sr = settings.sampleRate();
        float[] x = decoded.sampleRate() == sr ? decoded.samples() : Resampler.resample(decoded.samples(), decoded.sampleRate(), sr);
        double lufs = Loudness.integratedLoudness(x, sr);
        float[] view = x;
        if (Double.isFinite(lufs)) {
            float g = (float) Math.pow(10, (settings.targetLufs() - lufs) / 20);
            view = new float[x.length];
            for (int i = 0; i < x.length; i++) view[i] = x[i] * g;
        }
        List<Segment> segments = slicer.slice(view, sr);
        double[] voiced = new double[segments.size()];
        int hop = Math.max(1, (int) Math.round(sr * settings.slicer().hopMs() / 1000.0));
        double threshold = Math.pow(10, settings.slicer().thresholdDb() / 20);
        for (int i = 0; i < segments.size(); i++) {
            Segment s = segments.get(i);
            float[] rms = SilenceSlicer.rmsFrames(java.util.Arrays.copyOfRange(view, s.start(), s.end()), hop, hop);
            int loud = 0;
            for (float r : rms) if (r >= threshold) loud++;
            voiced[i] = loud * hop / (double) sr;
        }
        List<TranscriptSpans.Span> text = spans.assign(transcript, voiced);
        List<PreparedClip> clips = new ArrayList<>(segments.size());
        for (int i = 0; i < segments.size(); i++) {
            Segment s = segments.get(i);
            TranscriptSpans.Span span = text.get(i);
            if (!s.kept()) {
                clips.add(new PreparedClip(i, s.start(), s.end(), sr, null, null, 0, List.of(s.droppedReason()), span.text(), span.needsAlignment()));
                continue;
            }
            float[] raw = java.util.Arrays.copyOfRange(x, s.start(), s.end());
            ClipQuality.Report report = quality.assess(raw, sr);
            if (!report.accepted()) {
                clips.add(new PreparedClip(i, s.start(), s.end(), sr, null, report, 0, report.reasons(), span.text(), span.needsAlignment()));
                continue;
            }
            Loudness.Normalized n = Loudness.normalize(raw, settings.targetLufs(), settings.maxTruePeakDbtp(), report.loudnessLufs(), report.truePeakDbtp());
            clips.add(new PreparedClip(i, s.start(), s.end(), sr, n.samples(), report, n.gainDb(), List.of(), span.text(), span.needsAlignment()));
        }
        return new PreparedUpload(decoded.sampleRate(), sr, x.length / (double) sr, lufs, clips);
    }
}
