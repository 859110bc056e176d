package dev.voxpipe.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.voxpipe.model.VoiceModelRuntime.Rendering;
import dev.voxpipe.model.VoiceModelRuntime.Vocoder;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Synthesis: the acoustic model (native, or TorchScript) renders each sentence's log-mel, durations and, with prosody,
 * its F0; {@link Vocoding} turns them into audio. Also what reads the acoustic model's timing: the speaking-rate
 * calibration and teacher forcing. Thread-safe: every call builds its own weight arrays (base plus the voice's
 * adapters) in its own native scope.
 */
final class Synthesizer {
    /** Name under which a voice delta carries its duration calibration. */
    static final String DURATION_SCALE = "voice.durationScale";

    private final VoiceModelRuntime runtime;
    private final String modelId;
    private final BaseCheckpoint base;
    private final TorchScriptAcoustic torchScript;
    private final NDManager root;
    private final VoicePitch voicePitch;

    Synthesizer(VoiceModelRuntime runtime, String modelId, BaseCheckpoint base, TorchScriptAcoustic torchScript,
                NDManager root, VoicePitch voicePitch) {
        this.runtime = runtime;
        this.modelId = modelId;
        this.base = base;
        this.torchScript = torchScript;
        this.root = root;
        this.voicePitch = voicePitch;
    }

    /** {@link VoiceModelRuntime#synthesize(VoiceDelta, List, double, PitchControl)} with {@code vocoder}. */
    SynthesisOutput synthesize(VoiceDelta voice, List<String> sentences, double speed, PitchControl pitch,
                               Vocoder vocoder) {
        PitchControl control = pitch == null ? PitchControl.NONE : pitch;
        if (sentences == null) {
            throw new IllegalArgumentException("sentences must not be null");
        }
        if (!(speed >= 0.5 && speed <= 2.0)) {
            throw new IllegalArgumentException("speed must be within 0.5..2.0, got " + speed);
        }
        if (voice != null && !voice.baseModelId().equals(modelId)) {
            throw new IllegalArgumentException("voice_needs_retraining: the voice was made for base model "
                    + voice.baseModelId() + " and this worker runs " + modelId + "; train the voice again to use it");
        }
        long started = System.nanoTime();
        List<float[]> audio = new ArrayList<>();
        double seconds = 0;
        if (!sentences.isEmpty()) {
            Acoustic rendered = render(voice, sentences, speed, control);
            List<float[][]> mels = rendered.mels();
            // sentences are vocoded in parallel (each vocoder is a chain of small engine calls)
            float[][] clips = new float[mels.size()][];
            Vocoder chosen = vocoder == Vocoder.HARMONIC && !VoicePitch.hasPitchModel() && rendered.f0() == null
                    ? Vocoder.GRIFFIN_LIM : vocoder;
            // the pitch model reads F0 off the mel only for a model that predicts none
            PitchModel.F0Stats range = chosen == Vocoder.HARMONIC && rendered.f0() == null
                    ? control.apply(VoicePitch.pitchRange(voice)) : null;
            java.util.stream.IntStream.range(0, mels.size()).parallel().forEach(i -> {
                try (NDManager m = root.newSubManager()) {
                    clips[i] = Vocoding.vocode(m, mels.get(i), chosen, rendered.f0() == null ? null : rendered.f0().get(i), range,
                            Vocoding.phaseSeed(sentences.get(i)));
                }
            });
            for (int i = 0; i < clips.length; i++) {
                int bad = ParamStore.firstNonFinite(clips[i]);
                if (bad >= 0) {
                    // NaN would be encoded as silence or noise and delivered as a success; a caller retries instead
                    throw new IllegalStateException(String.format(java.util.Locale.ROOT,
                            "synthesis produced a non-finite sample (sentence %d of %d, at %.2f s)", i + 1, clips.length,
                            bad / (double) Spectral.SAMPLE_RATE));
                }
            }
            for (float[] a : clips) {
                audio.add(a);
                seconds += a.length / (double) Spectral.SAMPLE_RATE;
            }
        }
        double wall = (System.nanoTime() - started) / 1e9;
        return new SynthesisOutput(audio, seconds > 0 ? wall / seconds : 0);
    }

    /** {@link VoiceModelRuntime#rendering}. */
    Rendering rendering(VoiceDelta voice, List<String> sentences, double speed) {
        Acoustic a = render(voice, sentences, speed, PitchControl.NONE);
        return new Rendering(a.mels(), a.f0());
    }

    /** {@link VoiceModelRuntime#logMels}. */
    List<float[][]> logMels(VoiceDelta voice, List<String> sentences, double speed) {
        return render(voice, sentences, speed, PitchControl.NONE).mels();
    }

    /** The acoustic model's log-mels and, for a model with prosody, its F0 tracks. */
    private Acoustic render(VoiceDelta voice, List<String> sentences, double speed, PitchControl pitch) {
        List<int[]> tokens = new ArrayList<>();
        for (String s : sentences) {
            tokens.add(runtime.tokenIds(s));
        }
        float[] embedding = voice != null ? voice.speakerEmbedding() : runtime.meanVoice().speakerEmbedding();
        if (torchScript != null) {
            return new Acoustic(torchScript.logMels(root, tokens, embedding, speed), null);
        }
        try (NDManager m = root.newSubManager()) {
            Weights w = weights(m, voice == null ? null : voice.overrides());
            float scale = voice != null && voice.overrides().containsKey(DURATION_SCALE)
                    ? voice.overrides().get(DURATION_SCALE).data()[0] : base.durationScale();
            // a voice whose prosody predictor was fine-tuned speaks at its own pitch; others are moved to their range
            boolean adapted = voice != null && voice.overrides().containsKey("var.out.w");
            PitchModel.F0Stats level = base.config().prosody() && !adapted && VoicePitch.hasPitchModel() ? VoicePitch.pitchRange(voice) : null;
            Acoustic a = acoustic(m, w, embedding, tokens, scale / speed, true, level, pitch);
            if (voice != null && voice.overrides().containsKey(MEL_BIAS)) {
                float[] bias = voice.overrides().get(MEL_BIAS).data();
                for (float[][] mel : a.mels()) subtractOnSpeech(mel, bias);
            }
            if (ClipFrames.carried(voice)) {
                ClipFrames.correct(m, a.mels(), voice);
            }
            return a;
        }
    }

    /** A voice's long-term spectral bias per mel bin (log units), measured on its own clips at the end of a fine-tune. */
    static final String MEL_BIAS = "voice.melBias";

    /** Frames within this many log units (natural log of power: 40 dB) of an utterance's loudest frame count as speech. */
    private static final double SPEECH_RANGE = 40 * Math.log(10) / 10;

    static boolean[] speechFrames(float[][] mel) {
        double[] level = new double[mel.length];
        double max = Double.NEGATIVE_INFINITY;
        for (int t = 0; t < mel.length; t++) {
            double sum = 0;
            for (float v : mel[t]) sum += v;
            level[t] = sum / mel[t].length;
            max = Math.max(max, level[t]);
        }
        boolean[] speech = new boolean[mel.length];
        for (int t = 0; t < mel.length; t++) speech[t] = level[t] > max - SPEECH_RANGE;
        return speech;
    }

    static void subtractOnSpeech(float[][] mel, float[] bias) {
        boolean[] speech = speechFrames(mel);
        for (int t = 0; t < mel.length; t++) {
            if (!speech[t]) continue;
            for (int b = 0; b < mel[t].length && b < bias.length; b++) mel[t][b] -= bias[b];
        }
    }

    private static double[] speechMean(float[][] mel) {
        boolean[] speech = speechFrames(mel);
        double[] mean = new double[mel[0].length];
        int n = 0;
        for (int t = 0; t < mel.length; t++) {
            if (!speech[t]) continue;
            for (int b = 0; b < mean.length; b++) mean[b] += mel[t][b];
            n++;
        }
        for (int b = 0; b < mean.length; b++) mean[b] /= Math.max(1, n);
        return mean;
    }

    /** A fine-tuned voice's calibration: its duration scale and (when asked for) its spectral bias. */
    record Calibration(float durationScale, float[] melBias) {
    }

    /**
     * Measures a voice on its own clips with one copy of its weights: the duration scale ({@link #durationScale}),
     * then, when {@code biasShrink} > 0, the spectral bias of its renderings at that scale ({@link #melBias}).
     */
    Calibration calibrate(Map<String, ParamStore.Tensor> overrides, float[] embedding, List<int[]> tokens,
                          List<float[][]> mels, double biasShrink) {
        try (NDManager m = root.newSubManager()) {
            Weights w = weights(m, overrides);
            float scale = durationScale(m, w, embedding, tokens, mels);
            return new Calibration(scale, biasShrink > 0 ? melBias(m, w, embedding, scale, tokens, mels, biasShrink) : null);
        }
    }

    /**
     * The voice's own long-term spectral bias: its renderings of the clips' transcripts at {@code scale} against the
     * clips, per mel bin, each utterance's speech frames averaged and the level difference removed, smoothed over 5
     * bins and scaled by {@code shrink}.
     */
    private float[] melBias(NDManager m, Weights w, float[] embedding, float scale, List<int[]> tokens,
                            List<float[][]> mels, double shrink) {
        int bins = mels.get(0)[0].length;
        double[] sum = new double[bins];
        int count = 0;
        for (int s = 0; s < tokens.size(); s += 8) {
            List<int[]> part = tokens.subList(s, Math.min(tokens.size(), s + 8));
            List<float[][]> rendered = acoustic(m, w, embedding, part, scale, true, null, PitchControl.NONE).mels();
            for (int k = 0; k < part.size(); k++) {
                double[] a = speechMean(rendered.get(k));
                double[] b = speechMean(mels.get(s + k));
                double da = 0, db = 0;
                for (int i = 0; i < bins; i++) { da += a[i]; db += b[i]; }
                for (int i = 0; i < bins; i++) sum[i] += (a[i] - da / bins) - (b[i] - db / bins);
                count++;
            }
        }
        double[] mean = new double[bins];
        for (int i = 0; i < bins; i++) mean[i] = sum[i] / count;
        double[] smoothed = new double[bins];
        movingAverage(mean, 0, bins, 2, smoothed);
        float[] bias = new float[bins];
        for (int i = 0; i < bins; i++) bias[i] = (float) Math.max(-1.5, Math.min(1.5, shrink * smoothed[i]));
        return bias;
    }

    /** {@link VoiceModelRuntime#calibrateDurations}. */
    float calibrateDurations(VoiceDelta voice, List<TrainingUtterance> utterances) {
        if (base == null) {
            return 1f;
        }
        List<int[]> tokens = new ArrayList<>();
        List<float[][]> mels = new ArrayList<>();
        for (TrainingUtterance u : utterances) {
            tokens.add(runtime.tokenIds(u.transcript()));
            mels.add(u.logMel());
        }
        VoiceDelta v = voice == null ? runtime.meanVoice() : voice;
        return durationScale(v.overrides(), v.speakerEmbedding(), tokens, mels);
    }

    /** {@link VoiceModelRuntime#teacherForcedMels}. */
    List<float[][]> teacherForcedMels(VoiceDelta voice, List<TrainingUtterance> utterances) {
        if (base == null) throw new IllegalStateException("teacher forcing needs the base checkpoint, not TorchScript");
        VoiceDelta v = voice == null ? runtime.meanVoice() : voice;
        List<int[]> tokens = utterances.stream().map(u -> runtime.tokenIds(u.transcript())).toList();
        List<float[][]> mels = utterances.stream().map(TrainingUtterance::logMel).toList();
        List<float[]> f0 = base.config().prosody()
                ? voicePitch.f0Targets(mels, utterances.stream().map(TrainingUtterance::f0Hz).toList())
                : null;
        return teacherForced(v.overrides(), v.speakerEmbedding(), tokens, mels, f0, Math.max(1, tokens.size()));
    }

    /**
     * A voice's teacher-forced renderings of its own clips (their text at their timing; {@code f0} null for models
     * without prosody), with its spectral bias taken off as synthesis does: what {@link ClipFrames} keys on.
     */
    List<float[][]> teacherForcedMels(Map<String, ParamStore.Tensor> overrides, float[] embedding, List<int[]> tokens,
                                      List<float[][]> mels, List<float[]> f0) {
        List<float[][]> out = teacherForced(overrides, embedding, tokens, mels, f0, 8);
        if (overrides.containsKey(MEL_BIAS)) {
            float[] bias = overrides.get(MEL_BIAS).data();
            for (float[][] mel : out) subtractOnSpeech(mel, bias);
        }
        return out;
    }

    /** The decoder's teacher-forced output for each utterance, {@code batch} utterances per forward pass. */
    private List<float[][]> teacherForced(Map<String, ParamStore.Tensor> overrides, float[] embedding, List<int[]> tokens,
                                          List<float[][]> mels, List<float[]> f0, int batch) {
        List<float[][]> out = new ArrayList<>();
        try (NDManager m = root.newSubManager()) {
            Weights w = weights(m, overrides);
            for (int s = 0; s < tokens.size(); s += batch) {
                int e = Math.min(tokens.size(), s + batch);
                float[][] f = f0 == null ? null : f0.subList(s, e).toArray(float[][]::new);
                try (NDManager part = m.newSubManager()) {
                    out.addAll(TrainingCore.teacherForced(w, base.config(), new TrainingCore.Batch(
                            tokens.subList(s, e).toArray(int[][]::new), mels.subList(s, e).toArray(float[][][]::new), null, f),
                            part, part.create(embedding)));
                }
            }
        }
        return out;
    }

    private Weights weights(NDManager m, Map<String, ParamStore.Tensor> overrides) {
        return Weights.overlay(Weights.of(base.params(), m).arrays(), overrides, m);
    }

    /** Log-mels per sentence, frame counts, and (models with prosody) the predicted F0 per frame in Hz, 0 unvoiced. */
    private record Acoustic(List<float[][]> mels, int[] frames, List<float[]> f0) {
        Acoustic(List<float[][]> mels, int[] frames) {
            this(mels, frames, null);
        }
    }

    private Acoustic acoustic(NDManager m, Weights w, float[] embedding, List<int[]> tokens, double durationFactor,
                              boolean decode) {
        return acoustic(m, w, embedding, tokens, durationFactor, decode, null, PitchControl.NONE);
    }

    /**
     * Encoder, durations (times {@code durationFactor}) and, when asked, the decoder. With prosody, the predicted
     * log-F0 is moved to {@code pitchLevel}'s mean when one is given (voices whose prosody predictor was not
     * adapted: zero-shot and the mean voice), and the decoder reads the prosody it will be vocoded with.
     */
    private Acoustic acoustic(NDManager m, Weights w, float[] embedding, List<int[]> tokens, double durationFactor,
                              boolean decode, PitchModel.F0Stats pitchLevel, PitchControl pitch) {
        ModelConfig c = base.config();
        {
            int b = tokens.size();
            int[] lens = new int[b];
            int maxTok = 1;
            for (int i = 0; i < b; i++) {
                lens[i] = tokens.get(i).length;
                maxTok = Math.max(maxTok, lens[i]);
            }
            NDArray tmask = AcousticModel.mask(m, lens, maxTok);
            NDArray text = AcousticModel.encodeText(w, c, AcousticModel.oneHot(m, tokens.toArray(int[][]::new), maxTok,
                    c.vocabSize()), tmask);
            NDArray emb = m.create(embedding, new Shape(1, embedding.length)).repeat(0, b);
            NDArray conditioned = AcousticModel.conditionText(w, text, emb, tmask);
            float[] logDur = AcousticModel.logDurations(w, conditioned, tmask).toFloatArray();
            int[][] durations = new int[b][];
            int[] frames = new int[b];
            int maxFrames = 1;
            for (int i = 0; i < b; i++) {
                durations[i] = new int[lens[i]];
                for (int t = 0; t < lens[i]; t++) {
                    double d = Math.exp(logDur[i * maxTok + t]) * durationFactor;
                    durations[i][t] = (int) Math.max(0, Math.min(200, Math.round(d)));
                    frames[i] += durations[i][t];
                }
                if (frames[i] == 0) {
                    durations[i][0] = 1;
                    frames[i] = 1;
                }
                maxFrames = Math.max(maxFrames, frames[i]);
            }
            if (!decode) {
                return new Acoustic(List.of(), frames);
            }
            NDArray mu = AcousticModel.prior(w, conditioned, tmask);
            NDArray expand = AcousticModel.expansion(m, durations, maxTok, maxFrames);
            NDArray fmask = AcousticModel.mask(m, frames, maxFrames);
            NDArray frameStates = conditioned.batchMatMul(expand);
            List<float[]> f0 = null;
            if (c.prosody()) {
                NDArray positions = c.prosodyPositions() ? AcousticModel.positions(m, durations, frames, maxFrames) : null;
                Prosody p = predictProsody(m, w, c, frameStates, positions, fmask, frames, maxFrames, pitchLevel, pitch);
                f0 = p.f0();
                frameStates = AcousticModel.withProsody(w, frameStates, p.decoderInput(), fmask);
            }
            NDArray decoded = AcousticModel.decode(w, c, frameStates, mu.batchMatMul(expand), emb, fmask);
            NDArray logMel = decoded.mul(c.melStd()).add(c.melMean()).transpose(0, 2, 1);   // [B, F, M]
            float[] flat = logMel.toType(DataType.FLOAT32, false).toFloatArray();
            List<float[][]> out = new ArrayList<>();
            for (int i = 0; i < b; i++) {
                float[][] mel = new float[frames[i]][c.melBins()];
                for (int f = 0; f < frames[i]; f++) {
                    System.arraycopy(flat, (i * maxFrames + f) * c.melBins(), mel[f], 0, c.melBins());
                }
                out.add(mel);
            }
            return new Acoustic(out, frames, f0);
        }
    }

    private record Prosody(NDArray decoderInput, List<float[]> f0) {
    }

    /**
     * Half-width in frames of the moving average applied to the predicted log-F0 within each voiced run (0: none),
     * before the decoder and the vocoder read it. The variance predictor's contour moves 46-68 cents from one frame to
     * the next, and a harmonic rendering of such a jittery F0 is not periodic enough for a pitch tracker (or an
     * ear): of a zero-shot male voice's predicted-voiced frames only 61 % were heard voiced, 84 % once averaged over
     * 7 frames. 3, chosen on the validation split (voice-model README, "Smoothed F0"): zero-shot voicing 0.87 ->
     * 0.90x (Allison), 0.57 -> 0.76x (flite_rms), 0.98 -> 1.11x (Carlo), few-shot 1.01 -> 1.02x and 0.89 -> 0.94x,
     * MCD unchanged, open-WER within its noise. {@code -Dvoxpipe.f0.smoothFrames} for sweeps.
     */
    static final int F0_SMOOTHING_FRAMES = Integer.getInteger("voxpipe.f0.smoothFrames", 3);

    /**
     * {@code logF0} averaged over {@code halfWidth} frames either side, within each run of voiced frames only (an
     * unvoiced frame's value never leaks in); unvoiced frames keep their value.
     */
    static double[] smoothWithinVoicedRuns(double[] logF0, boolean[] voiced, int halfWidth) {
        double[] out = logF0.clone();
        if (halfWidth <= 0) return out;
        int n = logF0.length;
        for (int start = 0; start < n; ) {
            if (!voiced[start]) {
                start++;
                continue;
            }
            int end = start;
            while (end < n && voiced[end]) end++;
            movingAverage(logF0, start, end, halfWidth, out);
            start = end;
        }
        return out;
    }

    /**
     * {@code out[t]} = the mean of {@code in} over {@code halfWidth} values either side of t, for t in [from, to); the
     * window stops at the range's ends.
     */
    static void movingAverage(double[] in, int from, int to, int halfWidth, double[] out) {
        for (int t = from; t < to; t++) {
            int lo = Math.max(from, t - halfWidth);
            int hi = Math.min(to - 1, t + halfWidth);
            double sum = 0;
            for (int k = lo; k <= hi; k++) sum += in[k];
            out[t] = sum / (hi - lo + 1);
        }
    }

    /** The variance predictor's log-F0, voicing and energy as decoder input [B, 3, F], and F0 tracks in Hz. */
    private static Prosody predictProsody(NDManager m, Weights w, ModelConfig c, NDArray frameStates, NDArray positions,
                                          NDArray fmask, int[] frames, int maxFrames, PitchModel.F0Stats pitchLevel,
                                          PitchControl pitch) {
        int b = frames.length;
        float[] v = AcousticModel.variance(w, c, frameStates, positions, fmask).toType(DataType.FLOAT32, false).toFloatArray();
        float[] input = new float[b * AcousticModel.PROSODY_CHANNELS * maxFrames];
        List<float[]> tracks = new ArrayList<>();
        int channels = AcousticModel.PROSODY_CHANNELS;
        for (int i = 0; i < b; i++) {
            int pitchAt = (i * channels) * maxFrames;
            int voicingAt = (i * channels + 1) * maxFrames;
            int energyAt = (i * channels + 2) * maxFrames;
            double[] predicted = new double[frames[i]];
            boolean[] voiced = new boolean[frames[i]];
            double sum = 0;
            int n = 0;
            for (int t = 0; t < frames[i]; t++) {
                voiced[t] = v[voicingAt + t] > 0;
                predicted[t] = AcousticModel.logF0(v[pitchAt + t]);
                if (voiced[t]) {
                    sum += predicted[t];
                    n++;
                }
            }
            double mean = n == 0 ? AcousticModel.LOG_F0_CENTRE : sum / n;
            double shift = pitchLevel != null && n > 0 ? pitchLevel.meanLog() - mean : 0;
            double[] smoothed = smoothWithinVoicedRuns(predicted, voiced, F0_SMOOTHING_FRAMES);
            float[] hz = new float[frames[i]];
            for (int t = 0; t < frames[i]; t++) {
                input[energyAt + t] = v[energyAt + t];
                if (voiced[t]) {
                    double logF0 = pitch.apply(smoothed[t] + shift, mean + shift);
                    hz[t] = (float) Math.exp(logF0);
                    input[pitchAt + t] = AcousticModel.normalisedLogF0(logF0);
                    input[voicingAt + t] = 1f;
                }
            }
            tracks.add(hz);
        }
        return new Prosody(m.create(input, new Shape(b, channels, maxFrames)), tracks);
    }

    /**
     * Ratio of real to predicted frames over utterances: the predictor regresses log durations, so
     * its exp undershoots; the ratio (clamped to 0.5..3) calibrates a voice's speaking rate.
     */
    float durationScale(Map<String, ParamStore.Tensor> overrides, float[] embedding, List<int[]> tokens,
                        List<float[][]> mels) {
        try (NDManager m = root.newSubManager()) {
            return durationScale(m, weights(m, overrides), embedding, tokens, mels);
        }
    }

    private float durationScale(NDManager m, Weights w, float[] embedding, List<int[]> tokens, List<float[][]> mels) {
        long actual = 0;
        long predicted = 0;
        for (int s = 0; s < tokens.size(); s += 16) {
            List<int[]> part = tokens.subList(s, Math.min(tokens.size(), s + 16));
            for (int f : acoustic(m, w, embedding, part, 1.0, false).frames()) {
                predicted += f;
            }
            for (int k = s; k < s + part.size(); k++) {
                actual += mels.get(k).length;
            }
        }
        return predicted == 0 ? 1f : (float) Math.max(0.5, Math.min(3.0, actual / (double) predicted));
    }
}
