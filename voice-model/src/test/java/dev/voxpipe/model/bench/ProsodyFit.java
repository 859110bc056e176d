package dev.voxpipe.model.bench;

import ai.djl.ndarray.NDManager;
import dev.voxpipe.model.AcousticModel;
import dev.voxpipe.model.BaseCheckpoint;
import dev.voxpipe.model.Devices;
import dev.voxpipe.model.TrainingCore;
import dev.voxpipe.model.TrainingUtterance;
import dev.voxpipe.model.VoiceDelta;
import dev.voxpipe.model.Weights;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * How well a voice's prosody predictor reads intonation from text, timing apart: for each recording of a set, the F0
 * the voice predicts under the recording's own alignment (teacher forcing) against the feature stage's tracker on the
 * recording. No synthesis, no vocoder and no DTW, so it takes seconds and isolates the contour model from the
 * duration model and from the pitch tracker's errors on synthetic audio.
 * <pre>ProsodyFit [--base DIR] --voice VOICE.delta --set DIR</pre>
 * {@code --set}: a directory of {@code <id>.wav} and {@code metadata.tsv} (a validation split, or the few-shot clips
 * themselves for the training fit). Prints F0 RMSE in cents over frames voiced in both, the share of those more than
 * 600 cents off, the contour correlation and spread (log-F0 with each utterance's mean taken off, as the clone
 * report's), and the voiced shares.
 */
public final class ProsodyFit {
    private static final double GROSS_CENTS = 600;

    private ProsodyFit() {
    }

    public static void main(String[] args) throws Exception {
        java.util.Map<String, String> a = BenchArgs.parse(args);
        BaseCheckpoint base = a.containsKey("base") ? BaseCheckpoint.read(Path.of(a.get("base"))) : BaseCheckpoint.readResource();
        VoiceDelta voice;
        try (var in = Files.newInputStream(Path.of(a.get("voice")))) {
            voice = VoiceDelta.read(in);
        }
        List<CloneEvaluation.Clip> clips = CloneEvaluation.read(Path.of(a.get("set")), Integer.MAX_VALUE);
        Fit fit = new Fit();
        try (NDManager m = NDManager.newBaseManager(Devices.preferred())) {
            Weights w = Weights.overlay(Weights.of(base.params(), m).arrays(), voice.overrides(), m);
            for (CloneEvaluation.Clip c : clips) {
                TrainingUtterance u = c.asFeatureStage();
                try (NDManager part = m.newSubManager()) {
                    float[][] p = TrainingCore.teacherForcedProsody(w, base.config(), new TrainingCore.Batch(
                                    new int[][]{base.config().tokens(u.transcript())}, new float[][][]{u.logMel()}, null,
                                    new float[][]{u.f0Hz()}),
                            part, part.create(voice.speakerEmbedding())).get(0);
                    fit.add(p[0], p[1], u.f0Hz());
                }
            }
        }
        System.out.printf(Locale.ROOT, "%s on %s: %d utterances; F0 RMSE %.0f cents over %d frames voiced in both "
                        + "(%.1f %% > %.0f cents); contour r %.2f, spread %.2fx; voiced: recordings %.1f %%, predicted %.1f %%%n",
                a.get("voice"), a.get("set"), clips.size(), fit.rmseCents(), fit.pairs, 100.0 * fit.gross / fit.pairs,
                GROSS_CENTS, fit.correlation(), fit.spread(), 100.0 * fit.voicedRecording / fit.frames,
                100.0 * fit.voicedPredicted / fit.frames);
    }

    /** Running sums over utterances. */
    static final class Fit {
        long frames;
        long voicedRecording;
        long voicedPredicted;
        long pairs;
        long gross;
        double squaredCents;
        double sxy;
        double sxx;
        double syy;

        /** One utterance: predicted normalised log-F0 and voicing logits, the recording's F0 in Hz (0 unvoiced). */
        void add(float[] predictedLogF0, float[] voicingLogit, float[] recordingHz) {
            int len = Math.min(predictedLogF0.length, recordingHz.length);
            double[] predicted = new double[len];
            double[] recording = new double[len];
            int k = 0;
            for (int t = 0; t < len; t++) {
                boolean inRecording = recordingHz[t] > 0;
                boolean inPrediction = voicingLogit[t] > 0;
                frames++;
                if (inRecording) voicedRecording++;
                if (inPrediction) voicedPredicted++;
                if (inRecording && inPrediction) {
                    predicted[k] = AcousticModel.logF0(predictedLogF0[t]);
                    recording[k] = Math.log(recordingHz[t]);
                    double cents = 1200 * (predicted[k] - recording[k]) / Math.log(2);
                    squaredCents += cents * cents;
                    if (Math.abs(cents) > GROSS_CENTS) gross++;
                    k++;
                }
            }
            pairs += k;
            double meanPredicted = 0;
            double meanRecording = 0;
            for (int i = 0; i < k; i++) {
                meanPredicted += predicted[i] / k;
                meanRecording += recording[i] / k;
            }
            for (int i = 0; i < k; i++) {
                double x = predicted[i] - meanPredicted;
                double y = recording[i] - meanRecording;
                sxy += x * y;
                sxx += x * x;
                syy += y * y;
            }
        }

        double rmseCents() {
            return Math.sqrt(squaredCents / Math.max(1, pairs));
        }

        double correlation() {
            return sxy / Math.sqrt(sxx * syy + 1e-30);
        }

        double spread() {
            return Math.sqrt(sxx / Math.max(1e-30, syy));
        }
    }
}
