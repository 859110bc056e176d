package dev.voxpipe.model;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The voice model for workers: load the base once, then zero-shot voices, few-shot fine-tunes and
 * batched synthesis (acoustic model + fast Griffin-Lim). Thread-safe: every synthesis call builds
 * its own weight arrays (base plus the voice's adapters) in its own native scope, so concurrent
 * calls with different voices share nothing mutable.
 *
 * <p>The public face of the model; each concern has its class: {@link ModelLoader} (where a runtime comes from),
 * {@link FineTuner} and {@link FineTuneSchedule} (few-shot fine-tuning and its learning rate), {@link Synthesizer}
 * (the acoustic model), {@link Vocoding} (the vocoder), {@link VoicePitch} (pitch model and ranges) and
 * {@link TorchScriptAcoustic} (exported acoustic models).
 */
public final class VoiceModelRuntime implements AutoCloseable {
    /** Which vocoder turns the acoustic model's mels into audio. */
    public enum Vocoder {
        /** {@link HarmonicVocoder} on the {@link PitchModel}'s voicing and F0 (the default). */
        HARMONIC,
        /** {@link Spectral#griffinLim}: no pitch input, loses voicing; the fallback. */
        GRIFFIN_LIM;

        /** "harmonic" or "griffin-lim" (case and separators free). */
        public static Vocoder parse(String s) {
            String k = s.strip().toUpperCase(java.util.Locale.ROOT).replace('-', '_');
            for (Vocoder v : values()) if (v.name().equals(k)) return v;
            throw new IllegalArgumentException("vocoder must be harmonic or griffin-lim, not " + s);
        }
    }

    /** Setting (system property; env {@code VOXPIPE_VOCODER}) that picks the {@link Vocoder}. */
    public static final String VOCODER_SETTING = "voxpipe.vocoder";

    private final String modelId;
    private final BaseCheckpoint base;
    private volatile Vocoder vocoder = Vocoding.configuredVocoder();
    private final TorchScriptAcoustic torchScript;
    private final NDManager root;
    private final Device device;
    private final boolean shared;
    private final VoicePitch voicePitch;
    private final Synthesizer synthesizer;
    private final FineTuner fineTuner;

    VoiceModelRuntime(String modelId, BaseCheckpoint base, TorchScriptAcoustic torchScript, NDManager root, Device device,
                      boolean shared) {
        this.shared = shared;
        this.modelId = modelId;
        this.base = base;
        this.torchScript = torchScript;
        this.root = root;
        this.device = device;
        this.voicePitch = new VoicePitch(root);
        this.synthesizer = new Synthesizer(this, modelId, base, torchScript, root, voicePitch);
        this.fineTuner = new FineTuner(this, modelId, base, root, synthesizer, voicePitch);
    }

    /** The vocoder synthesis uses from now on. */
    public VoiceModelRuntime useVocoder(Vocoder v) {
        this.vocoder = java.util.Objects.requireNonNull(v);
        return this;
    }

    public Vocoder vocoder() {
        return vocoder;
    }

    /** The shipped pitch model (loaded once per JVM). */
    public static PitchModel pitchModel() {
        return VoicePitch.pitchModel();
    }

    /**
     * The voice's pitch range: what its delta carries (measured when it was made), else the pitch model's
     * population range (the mean voice, and voices made before deltas carried one).
     */
    public PitchModel.F0Stats pitchRange(VoiceDelta voice) {
        return VoicePitch.pitchRange(voice);
    }

    /** Whether the pitch model is on the classpath (it is in every build; training the first one runs without). */
    public static boolean hasPitchModel() {
        return VoicePitch.hasPitchModel();
    }

    /** The base checkpoint shipped in the jar (loaded once per JVM; closing it is a no-op). */
    public static VoiceModelRuntime loadBase() {
        return ModelLoader.loadBase();
    }

    /** The setting naming a base checkpoint directory to use instead of the shipped one. */
    public static final String BASE_DIR_SETTING = "voxpipe.model.base-dir";

    /** The base a worker runs on: {@code baseDir} when given (see {@link #BASE_DIR_SETTING}), else the shipped one. */
    public static VoiceModelRuntime loadConfigured(java.util.Optional<String> baseDir) {
        return baseDir.map(dir -> loadBase(Path.of(dir))).orElseGet(VoiceModelRuntime::loadBase);
    }

    /** A base checkpoint directory written by pretraining ({@code RUN/base}). */
    public static VoiceModelRuntime loadBase(Path checkpointDir) {
        return ModelLoader.loadBase(checkpointDir);
    }

    /** A checkpoint already in memory (tests, tools). */
    public static VoiceModelRuntime fromCheckpoint(BaseCheckpoint checkpoint, boolean shared) {
        return ModelLoader.fromCheckpoint(checkpoint, shared);
    }

    /**
     * An acoustic model exported as TorchScript with the signature
     * {@code forward(tokens: int64[1,T], speaker: float32[1,256], speed: float32[1]) -> float32[1,F,100]}
     * (natural-log power mel, as the feature stage). Tokens are {@link CharTokenizer} ids. Synthesis
     * and zero-shot work; fine-tuning needs the native checkpoint.
     */
    public static VoiceModelRuntime loadTorchScript(Path torchScriptFile) {
        return ModelLoader.loadTorchScript(torchScriptFile);
    }

    public String baseModelId() {
        return modelId;
    }

    public int sampleRate() {
        return Spectral.SAMPLE_RATE;
    }

    /** The device inference and training run on. */
    public Device device() {
        return device;
    }

    /** Parameters of the native acoustic model (0 for TorchScript). */
    public long parameterCount() {
        return base == null ? 0 : base.params().parameterCount();
    }

    /** Mean pretraining speaker embedding (the baseline voice). */
    public VoiceDelta meanVoice() {
        return new VoiceDelta(modelId, base == null ? new float[ModelConfig.SPEAKER_DIM] : base.meanEmbedding(), Map.of());
    }

    /** A voice from the speaker encoder's embedding of reference clips, no training. */
    public VoiceDelta zeroShot(List<float[][]> referenceLogMels) {
        List<float[][]> clips = validClips(referenceLogMels);
        Map<String, ParamStore.Tensor> pitch = VoicePitch.pitchTensors(voicePitch.measurePitchRange(clips, List.of()));
        if (base == null) {
            return new VoiceDelta(modelId, statisticsEmbedding(clips), pitch);
        }
        return new VoiceDelta(modelId, BaseCheckpoint.embed(base.config(), base.params(), clips, root), pitch);
    }

    private static List<float[][]> validClips(List<float[][]> clips) {
        if (clips == null || clips.isEmpty()) {
            throw new IllegalArgumentException("no reference clips");
        }
        List<float[][]> ok = new ArrayList<>();
        for (float[][] c : clips) {
            if (usableLogMel(c)) {
                ok.add(c);
            }
        }
        if (ok.isEmpty()) {
            throw new IllegalArgumentException("reference clips must be non-empty [frames][" + Spectral.MELS
                    + "] log-mels of finite values");
        }
        return ok;
    }

    /**
     * A non-empty [frames][100] log-mel of finite values. A NaN or infinity (a corrupt feature
     * record) would turn every training step that meets it into a skipped step, or the embedding into NaN.
     */
    static boolean usableLogMel(float[][] logMel) {
        if (logMel == null || logMel.length == 0) {
            return false;
        }
        for (float[] frame : logMel) {
            if (frame == null || frame.length != Spectral.MELS || ParamStore.firstNonFinite(frame) >= 0) {
                return false;
            }
        }
        return true;
    }

    /** For TorchScript models without a speaker encoder: per-bin mean and deviation of the references. */
    private static float[] statisticsEmbedding(List<float[][]> clips) {
        float[] e = new float[ModelConfig.SPEAKER_DIM];
        long n = 0;
        for (float[][] c : clips) {
            for (float[] f : c) {
                for (int k = 0; k < Spectral.MELS; k++) {
                    e[k] += f[k];
                    e[Spectral.MELS + k] += f[k] * f[k];
                }
                n++;
            }
        }
        for (int k = 0; k < Spectral.MELS; k++) {
            e[k] /= n;
            e[Spectral.MELS + k] = (float) Math.sqrt(Math.max(0, e[Spectral.MELS + k] / n - e[k] * e[k]));
        }
        return e;
    }

    /**
     * Few-shot fine-tuning of the speaker embedding and the adapter tensors (FiLM, prior, output
     * and duration heads); the rest of the base stays frozen. One fine-tune at a time per JVM
     * (the engine has one gradient recorder); concurrent calls wait.
     */
    public FineTuneResult fineTune(List<TrainingUtterance> utterances, FineTuneConfig config,
                                   FineTuneState resumeFrom, FineTuneListener listener) {
        return fineTuner.fineTune(utterances, config, resumeFrom, listener);
    }

    /**
     * Speaks each sentence in the voice ({@code null}: the base with the mean pretraining speaker).
     *
     * @param speed 0.5 (slow) to 2.0 (fast)
     */
    public SynthesisOutput synthesize(VoiceDelta voice, List<String> sentences, double speed) {
        return synthesize(voice, sentences, speed, PitchControl.NONE);
    }

    /** As {@link #synthesize(VoiceDelta, List, double)}, with the pitch moved or its range scaled. */
    public SynthesisOutput synthesize(VoiceDelta voice, List<String> sentences, double speed, PitchControl pitch) {
        return synthesizer.synthesize(voice, sentences, speed, pitch, vocoder);
    }

    /** Input ids of a text with the base's own tokenizer (TorchScript models read graphemes). */
    int[] tokenIds(String text) {
        return base == null ? CharTokenizer.encode(text) : base.config().tokens(text);
    }

    /** What the acoustic model gives the vocoder: log-mels, and F0 tracks (Hz, 0 unvoiced) when it predicts them. */
    public record Rendering(List<float[][]> logMels, List<float[]> f0Hz) {
    }

    /** The acoustic model alone: log-mels and, for a model with prosody, its F0 tracks ({@code null} otherwise). */
    public Rendering rendering(VoiceDelta voice, List<String> sentences, double speed) {
        return synthesizer.rendering(voice, sentences, speed);
    }

    /** The acoustic model alone: log-mel [frames][100] per sentence. */
    public List<float[][]> logMels(VoiceDelta voice, List<String> sentences, double speed) {
        return synthesizer.logMels(voice, sentences, speed);
    }

    /**
     * Speaking-rate calibration: real frames / predicted frames of the voice over utterances with
     * transcripts (what {@link #fineTune} stores in its delta; pretraining stores one for the base).
     */
    public float calibrateDurations(VoiceDelta voice, List<TrainingUtterance> utterances) {
        return synthesizer.calibrateDurations(voice, utterances);
    }

    /**
     * What the model makes of each utterance's text at the utterance's own timing (its monotonic alignment), in
     * the voice ({@code null}: the mean voice): log-mel [frames][MELS], frame for frame beside
     * {@link TrainingUtterance#logMel()}. Training data for what reads the model's output (the pitch model).
     */
    public List<float[][]> teacherForcedMels(VoiceDelta voice, List<TrainingUtterance> utterances) {
        return synthesizer.teacherForcedMels(voice, utterances);
    }

    @Override
    public void close() {
        if (shared) {
            return;   // the shared base lives as long as the JVM
        }
        if (torchScript != null) {
            torchScript.close();
        }
        root.close();
    }
}
