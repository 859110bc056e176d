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
import dev.voxpipe.feature.label.ClipLabel;
import dev.voxpipe.feature.label.ForcedAligner;
import dev.voxpipe.feature.label.LabelResult;
import dev.voxpipe.feature.label.LabelSettings;
import dev.voxpipe.feature.label.LabelSource;
import dev.voxpipe.feature.label.LabellingUnavailableException;
import dev.voxpipe.feature.label.SpeechLabeller;

import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;

/**
 * The per-upload part of the chain: decode (format sniffed from bytes), resample to the model rate,
 * slice at silences, gate each clip, normalise accepted clips' loudness, and give clips their
 * transcript spans. The slicer sees the upload brought to the target loudness, so its -34 dB
 * threshold means the same for quiet and loud recordings. Then the clips get their labels: the transcript's spans
 * when it splits at punctuation ({@code given}), else forced alignment of the transcript ({@code aligned}); an
 * untranscribed upload's accepted clips get provisional text from English speech recognition ({@code recognised}).
 * Thread-safe.
 */
public final class UploadPreprocessor {
    private final PreprocessSettings settings;
    private final SilenceSlicer slicer;
    private final ClipQuality quality;
    private final TranscriptSpans spans;
    private final LabelSettings labels;

    /** Without alignment or recognition: clips get the punctuation split of the transcript, or no text. */
    public UploadPreprocessor(PreprocessSettings settings) {
        this(settings, LabelSettings.off());
    }

    public UploadPreprocessor(PreprocessSettings settings, LabelSettings labels) {
        this.settings = settings;
        this.labels = labels;
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
        double voicedTotal = java.util.Arrays.stream(voiced).sum();
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
        return label(new PreparedUpload(decoded.sampleRate(), sr, x.length / (double) sr, lufs, clips), x, transcript, voicedTotal);
    }

    private PreparedUpload label(PreparedUpload upload, float[] x, String transcript, double voicedSeconds) {
        List<PreparedClip> clips = upload.clips();
        boolean transcribed = transcript != null && !transcript.isBlank();
        LabelResult result;
        if (transcribed && clips.stream().noneMatch(PreparedClip::needsAlignment)) {
            List<ClipLabel> given = clips.stream().map(c -> c.transcript() == null ? ClipLabel.none(null)
                    : new ClipLabel(c.transcript(), LabelSource.GIVEN, 1.0, null, true)).toList();
            result = new LabelResult(given, null);
        } else if (transcribed) {
            if (!labels.alignmentEnabled()) {
                result = LabelResult.allNone(clips.size(), "the transcript could not be split onto the clips at punctuation"
                        + " and forced alignment is off (voxpipe.feature.label.alignment)");
            } else {
                List<float[]> audio = clips.stream().map(c -> java.util.Arrays.copyOfRange(x, c.start(), c.end())).toList();
                result = run(() -> new ForcedAligner(labels).align(transcript, audio, upload.sampleRate(), voicedSeconds), clips.size());
            }
        } else if (labels.recognitionEnabled() && upload.acceptedCount() > 0) {
            List<PreparedClip> accepted = clips.stream().filter(PreparedClip::accepted).toList();
            LabelResult heard = run(() -> new SpeechLabeller(labels).label(accepted.stream().map(PreparedClip::normalized).toList(),
                    upload.sampleRate()), accepted.size());
            List<ClipLabel> all = new java.util.ArrayList<>();
            int k = 0;
            for (PreparedClip c : clips) all.add(c.accepted() ? heard.clips().get(k++) : ClipLabel.none(null));
            result = new LabelResult(all, heard.uploadNote() == null ? null : "no transcript, and " + heard.uploadNote());
        } else {
            return upload;
        }
        List<PreparedClip> labelled = new java.util.ArrayList<>(clips.size());
        for (int i = 0; i < clips.size(); i++) labelled.add(clips.get(i).labelled(result.clips().get(i)));
        return new PreparedUpload(upload.sourceSampleRate(), upload.sampleRate(), upload.durationSeconds(), upload.loudnessLufs(),
                labelled, result.uploadNote());
    }

    @FunctionalInterface
    private interface Labelling {
        LabelResult run() throws LabellingUnavailableException, InterruptedException;
    }

    /** A labeller that cannot run leaves every clip without text and says why; the audio is still processed. */
    private static LabelResult run(Labelling labelling, int clips) {
        try {
            return labelling.run();
        } catch (LabellingUnavailableException e) {
            return LabelResult.allNone(clips, e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return LabelResult.allNone(clips, "labelling was interrupted");
        }
    }
}
