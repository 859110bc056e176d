package dev.voxpipe.model;

import ai.djl.inference.Predictor;
import ai.djl.repository.zoo.Criteria;
import ai.djl.repository.zoo.ModelNotFoundException;
import ai.djl.repository.zoo.ZooModel;
import ai.djl.translate.NoopTranslator;
import ai.djl.translate.TranslateException;
import ai.djl.Device;
import ai.djl.MalformedModelException;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CancellationException;

/**
 * The voice model for workers: load the base once, then zero-shot voices, few-shot fine-tunes and
 * batched synthesis (acoustic model + fast Griffin-Lim). Thread-safe: every synthesis call builds
 * its own weight arrays (base plus the voice's adapters) in its own native scope, so concurrent
 * calls with different voices share nothing mutable.
 */
public final class VoiceModelRuntime implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(VoiceModelRuntime.class);
    /** Griffin-Lim iterations; with momentum 0.99 more buys little. */
    static final int GRIFFIN_LIM_ITERATIONS = 20;
    private static final int MAX_FINE_TUNE_FRAMES = 2000;
    private static final int FINE_TUNE_BATCH_FRAMES = Integer.getInteger("voxpipe.fineTuneBatchFrames", 2400);

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
    /** Name under which a voice delta carries its pitch range ({@link PitchModel.F0Stats}: mean, std of ln F0). */
    static final String F0_STATS = "voice.f0Stats";

    private final String modelId;
    private final BaseCheckpoint base;
    private volatile Vocoder vocoder = configuredVocoder();
    private static volatile PitchModel pitchModel;
    private final ZooModel<NDList, NDList> torchScript;
    private final NDManager root;
    private final Device device;
    private final boolean shared;

    private VoiceModelRuntime(String modelId, BaseCheckpoint base, ZooModel<NDList, NDList> torchScript, NDManager root, Device device,
                              boolean shared) {
        this.shared = shared;
        this.modelId = modelId;
        this.base = base;
        this.torchScript = torchScript;
        this.root = root;
        this.device = device;
    }

    private static Vocoder configuredVocoder() {
        String v = System.getProperty(VOCODER_SETTING, System.getenv().getOrDefault("VOXPIPE_VOCODER", "harmonic"));
        return Vocoder.parse(v);
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
        PitchModel p = pitchModel;
        if (p == null) {
            synchronized (VoiceModelRuntime.class) {
                if (pitchModel == null) pitchModel = PitchModel.loadDefault();
                p = pitchModel;
            }
        }
        return p;
    }

    /**
     * The voice's pitch range: what its delta carries (measured when it was made), else the pitch model's
     * population range (the mean voice, and voices made before deltas carried one).
     */
    public PitchModel.F0Stats pitchRange(VoiceDelta voice) {
        ParamStore.Tensor t = voice == null ? null : voice.overrides().get(F0_STATS);
        if (t != null && t.data().length == 2) return new PitchModel.F0Stats(t.data()[0], t.data()[1]);
        return pitchModel().population();
    }

    static ParamStore.Tensor f0StatsTensor(PitchModel.F0Stats stats) {
        return new ParamStore.Tensor(new long[]{2}, new float[]{stats.meanLog(), stats.stdLog()});
    }

    /**
     * A voice's pitch range from its clips: the feature stage's F0 tracks where the clips carry them, else read
     * off the log-mels by the pitch model.
     */
    PitchModel.F0Stats measurePitchRange(List<float[][]> logMels, List<float[]> f0Tracks) {
        PitchModel.F0Stats fromTracks = PitchModel.F0Stats.of(f0Tracks, null);
        if (fromTracks != null) return fromTracks;
        return hasPitchModel() ? pitchModel().estimateStats(root, logMels) : null;
    }

    /** A voice's extra tensors for its pitch range (none when it cannot be measured). */
    private Map<String, ParamStore.Tensor> pitchTensors(PitchModel.F0Stats stats) {
        return stats == null ? Map.of() : Map.of(F0_STATS, f0StatsTensor(stats));
    }

    /** Whether the pitch model is on the classpath (it is in every build; training the first one runs without). */
    public static boolean hasPitchModel() {
        return pitchModel != null || PitchModel.class.getResource(PitchModel.RESOURCE + "params.bin") != null;
    }

    private static volatile VoiceModelRuntime shippedBase;

    /** The base checkpoint shipped in the jar (loaded once per JVM; closing it is a no-op). */
    public static VoiceModelRuntime loadBase() {
        VoiceModelRuntime r = shippedBase;
        if (r == null) {
            synchronized (VoiceModelRuntime.class) {
                if (shippedBase == null) {
                    try {
                        BaseCheckpoint cp = BaseCheckpoint.readResource();
                        if (cp == null) {
                            Path dir = Path.of("voice-model/models/base");
                            if (!Files.isDirectory(dir)) {
                                throw new IllegalStateException("no base checkpoint on the classpath ("
                                        + BaseCheckpoint.RESOURCE_DIR + ") nor in " + dir.toAbsolutePath());
                            }
                            cp = BaseCheckpoint.read(dir);
                        }
                        shippedBase = fromCheckpoint(cp, true);
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                }
                r = shippedBase;
            }
        }
        return r;
    }

    /** The setting naming a base checkpoint directory to use instead of the shipped one. */
    public static final String BASE_DIR_SETTING = "voxpipe.model.base-dir";

    /** The base a worker runs on: {@code baseDir} when given (see {@link #BASE_DIR_SETTING}), else the shipped one. */
    public static VoiceModelRuntime loadConfigured(java.util.Optional<String> baseDir) {
        return baseDir.map(dir -> loadBase(Path.of(dir))).orElseGet(VoiceModelRuntime::loadBase);
    }

    /** A base checkpoint directory written by pretraining ({@code RUN/base}). */
    public static VoiceModelRuntime loadBase(Path checkpointDir) {
        try {
            return fromCheckpoint(BaseCheckpoint.read(checkpointDir), false);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read base checkpoint " + checkpointDir, e);
        }
    }

    /** A checkpoint already in memory (tests, tools). */
    public static VoiceModelRuntime fromCheckpoint(BaseCheckpoint checkpoint, boolean shared) {
        Device device = Devices.preferred();
        NDManager root = NDManager.newBaseManager(device);
        String id = idOf(checkpoint);
        return new VoiceModelRuntime(id, checkpoint, null, root, device, shared);
    }

    private static String idOf(BaseCheckpoint cp) {
        for (String line : cp.info().split("\n")) {
            if (line.startsWith("id=")) {
                return line.substring(3).trim();
            }
        }
        return "voxpipe-base-v1";
    }

    /**
     * An acoustic model exported as TorchScript with the signature
     * {@code forward(tokens: int64[1,T], speaker: float32[1,256], speed: float32[1]) -> float32[1,F,100]}
     * (natural-log power mel, as the feature stage). Tokens are {@link CharTokenizer} ids. Synthesis
     * and zero-shot work; fine-tuning needs the native checkpoint.
     */
    public static VoiceModelRuntime loadTorchScript(Path torchScriptFile) {
        Device device = Devices.preferred();
        // DJL's loading path: Criteria -> ZooModel; each call then takes a Predictor (not thread-safe) of its own
        Criteria<NDList, NDList> criteria = Criteria.builder()
                .setTypes(NDList.class, NDList.class)
                .optModelPath(torchScriptFile.toAbsolutePath())
                .optEngine("PyTorch")
                .optDevice(device)
                .optTranslator(new NoopTranslator())
                .build();
        ZooModel<NDList, NDList> model;
        try {
            model = criteria.loadModel();
        } catch (IOException | MalformedModelException | ModelNotFoundException e) {
            throw new IllegalArgumentException("cannot load TorchScript " + torchScriptFile + ": " + e.getMessage(), e);
        }
        return new VoiceModelRuntime("torchscript:" + torchScriptFile.getFileName(), null, model,
                NDManager.newBaseManager(device), device, false);
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
        Map<String, ParamStore.Tensor> pitch = pitchTensors(measurePitchRange(clips, List.of()));
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
            if (frame == null || frame.length != Spectral.MELS) {
                return false;
            }
            for (float v : frame) {
                if (!Float.isFinite(v)) {
                    return false;
                }
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
        if (base == null) {
            throw new UnsupportedOperationException("fine-tuning needs a native base checkpoint, not TorchScript");
        }
        FineTuneListener l = listener == null ? FineTuneListener.none() : listener;
        FineTuneConfig cfg = config == null ? FineTuneConfig.defaults() : config;
        List<int[]> tokens = new ArrayList<>();
        List<float[][]> mels = new ArrayList<>();
        List<float[]> tracks = new ArrayList<>();
        for (TrainingUtterance u : utterances == null ? List.<TrainingUtterance>of() : utterances) {
            if (u == null || !usableLogMel(u.logMel()) || u.transcript() == null || u.transcript().isBlank()) {
                continue;
            }
            int[] t = tokenIds(u.transcript());
            float[][] m = u.logMel();
            if (m.length < t.length + 2 || m.length > MAX_FINE_TUNE_FRAMES) {
                LOG.debug("skipping utterance of {} frames for {} tokens", m.length, t.length);
                continue;
            }
            tokens.add(t);
            mels.add(m);
            tracks.add(u.f0Hz());
        }
        if (tokens.isEmpty()) {
            throw new IllegalArgumentException("no usable training utterances (need transcripts and finite log-mels "
                    + "of at most " + MAX_FINE_TUNE_FRAMES + " frames, longer than their text)");
        }
        double usableSeconds = mels.stream().mapToDouble(m -> (m.length - 1) * (double) Spectral.HOP / Spectral.SAMPLE_RATE).sum();
        if (usableSeconds < cfg.minimumSeconds()) {
            throw new IllegalArgumentException(String.format(java.util.Locale.ROOT,
                    "too little usable speech to fine-tune: %.1f s in %d utterances, at least %.0f s needed",
                    usableSeconds, mels.size(), cfg.minimumSeconds()));
        }
        if (resumeFrom != null && !resumeFrom.baseModelId().equals(modelId)) {
            throw new IllegalArgumentException("state belongs to base " + resumeFrom.baseModelId() + ", not " + modelId);
        }
        long started = System.nanoTime();
        synchronized (TrainingCore.AUTOGRAD_LOCK) {
            ParamStore store = new ParamStore();
            base.params().tensors().forEach(store::put);
            Map<String, ParamStore.Tensor> extra = new LinkedHashMap<>();
            java.util.Set<String> lowRank = LowRank.targets(base.params(), AcousticModel::isVoiceAdapter, cfg.loraRank());
            if (resumeFrom != null && resumeFrom.trainable().keySet().stream().anyMatch(k -> k.startsWith(LowRank.PREFIX))
                    == lowRank.isEmpty()) {
                throw new IllegalArgumentException("the fine-tune state was trained with another LoRA rank than " + cfg.loraRank());
            }
            if (resumeFrom == null) {
                extra.putAll(LowRank.initial(base.params(), lowRank, cfg.loraRank(), cfg.seed()));
            }
            if (resumeFrom != null) {
                resumeFrom.trainable().forEach((k, v) -> {
                    if (k.equals("voice.embedding")) {
                        extra.put(k, v);
                    } else {
                        store.put(k, v);
                    }
                });
            } else {
                float[] init = BaseCheckpoint.embed(base.config(), base.params(), mels, root);
                extra.put("voice.embedding", new ParamStore.Tensor(new long[]{init.length}, init));
            }
            try (NDManager scope = root.newSubManager()) {
                TrainingCore core = new TrainingCore(base.config(), scope, store,
                        name -> name.startsWith(LowRank.PREFIX) || AcousticModel.isVoiceAdapter(name) && !lowRank.contains(name),
                        extra, 0.0, 1.0, false, lowRank);
                int step = 0;
                if (resumeFrom != null) {
                    try {
                        core.adam().readState(FineTuneState.optimizerInput(resumeFrom.optimizer()), scope);
                    } catch (IOException e) {
                        throw new IllegalArgumentException("corrupt fine-tune state", e);
                    }
                    step = resumeFrom.step();
                }
                double loss = resumeFrom == null ? Double.NaN : resumeFrom.lastLoss();
                List<float[]> f0 = base.config().prosody() ? f0Targets(mels, tracks) : null;
                Map<String, ParamStore.Tensor> pitch = pitchTensors(measurePitchRange(mels,
                        utterances.stream().map(TrainingUtterance::f0Hz).filter(java.util.Objects::nonNull).toList()));
                while (step < cfg.maxSteps()) {
                    if (l.cancelled()) {
                        throw new CancellationException("fine-tune cancelled at step " + step);
                    }
                    TrainingCore.Batch batch = fineTuneBatch(tokens, mels, f0, cfg.seed(), step);
                    double rate = fineTuneRate(cfg, step);
                    loss = core.step(batch, rate, cfg.microBatches()).total();
                    step++;
                    if (step % 5 == 0 || step == cfg.maxSteps()) {
                        l.onProgress(step, cfg.maxSteps(), loss);
                    }
                    if (cfg.checkpointEverySteps() > 0 && step % cfg.checkpointEverySteps() == 0) {
                        l.onCheckpoint(new FineTuneState(modelId, step, loss, core.snapshotTrainable(),
                                FineTuneState.optimizerBytes(core.adam())));
                    }
                    if (cfg.auditionEverySteps() > 0 && step % cfg.auditionEverySteps() == 0 && step < cfg.maxSteps()) {
                        l.onAudition(step, voiceSoFar(core, tokens, mels, pitch));
                    }
                }
                VoiceDelta delta = voiceSoFar(core, tokens, mels, pitch);
                return new FineTuneResult(delta, step, loss, (System.nanoTime() - started) / 1e9);
            }
        }
    }

    /** The voice from the trainable tensors as they are now, with its duration calibration and pitch range. */
    private VoiceDelta voiceSoFar(TrainingCore core, List<int[]> tokens, List<float[][]> mels,
                                  Map<String, ParamStore.Tensor> pitch) {
        Map<String, ParamStore.Tensor> trained = core.snapshotTrainable();
        float[] embedding = trained.remove("voice.embedding").data();
        float scale = durationScale(trained, embedding, tokens, mels);
        trained.put(DURATION_SCALE, new ParamStore.Tensor(new long[]{1}, new float[]{scale}));
        trained.putAll(pitch);
        return new VoiceDelta(modelId, embedding, trained);
    }

    /**
     * 20-step warm-up, then cosine decay to zero at the last step: the final weights come from small
     * steps instead of wherever a full-size step on the last batch left them (real speaker: 2.71 →
     * 2.67 dB MCD at 300 steps). A function of the step alone, so a resumed run follows the same curve.
     */
    static double fineTuneRate(FineTuneConfig cfg, int step) {
        double warmUp = Math.min(1.0, (step + 1) / 20.0);
        return cfg.learningRate() * warmUp * 0.5 * (1 + Math.cos(Math.PI * step / Math.max(1, cfg.maxSteps())));
    }

    /**
     * Random utterances (deterministic in seed and step) up to a frame budget, with each one's F0 track ({@code f0}:
     * null for models without prosody).
     */
    static TrainingCore.Batch fineTuneBatch(List<int[]> tokens, List<float[][]> mels, List<float[]> f0, long seed,
                                            int step) {
        Random rng = new Random(seed * 1_000_003L + step);
        List<Integer> order = new ArrayList<>();
        for (int i = 0; i < tokens.size(); i++) {
            order.add(i);
        }
        java.util.Collections.shuffle(order, rng);
        List<Integer> chosen = new ArrayList<>();
        int longest = 0;
        for (int i : order) {
            int len = Math.max(longest, mels.get(i).length);
            if (!chosen.isEmpty() && len * (chosen.size() + 1) > FINE_TUNE_BATCH_FRAMES) {
                break;
            }
            chosen.add(i);
            longest = len;
        }
        int[][] t = new int[chosen.size()][];
        float[][][] m = new float[chosen.size()][][];
        float[][] p = f0 == null ? null : new float[chosen.size()][];
        for (int k = 0; k < chosen.size(); k++) {
            t[k] = tokens.get(chosen.get(k));
            m[k] = mels.get(chosen.get(k));
            if (p != null) {
                p[k] = f0.get(chosen.get(k));
            }
        }
        return new TrainingCore.Batch(t, m, null, p);
    }

    /**
     * F0 per mel frame for each clip: the feature stage's track where the clip has one, else the pitch model's reading
     * of its log-mel in the clips' own pitch range (what a model with prosody trains its predictor on).
     */
    List<float[]> f0Targets(List<float[][]> mels, List<float[]> tracks) {
        PitchModel.F0Stats range = null;
        List<float[]> out = new ArrayList<>();
        for (int i = 0; i < mels.size(); i++) {
            float[] track = tracks == null ? null : tracks.get(i);
            if (track == null) {
                if (range == null) {
                    range = measurePitchRange(mels, tracks == null ? List.of()
                            : tracks.stream().filter(java.util.Objects::nonNull).toList());
                }
                track = hasPitchModel() && range != null ? pitchModel().f0(root, mels.get(i), range)
                        : new float[mels.get(i).length];
            }
            out.add(java.util.Arrays.copyOf(track, mels.get(i).length));
        }
        return out;
    }

    /**
     * The vocoder's initial phase depends only on the sentence, so a chunk sounds the same whatever
     * batch it lands in (a retried chunk reproduces its first rendering).
     */
    static long phaseSeed(String sentence) {
        return 1234L + sentence.hashCode();
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
            Vocoder chosen = vocoder == Vocoder.HARMONIC && !hasPitchModel() && rendered.f0() == null
                    ? Vocoder.GRIFFIN_LIM : vocoder;
            // the pitch model reads F0 off the mel only for a model that predicts none
            PitchModel.F0Stats range = chosen == Vocoder.HARMONIC && rendered.f0() == null
                    ? control.apply(pitchRange(voice)) : null;
            java.util.stream.IntStream.range(0, mels.size()).parallel().forEach(i -> {
                try (NDManager m = root.newSubManager()) {
                    clips[i] = vocode(m, mels.get(i), chosen, rendered.f0() == null ? null : rendered.f0().get(i), range,
                            phaseSeed(sentences.get(i)));
                }
            });
            for (float[] a : clips) {
                audio.add(a);
                seconds += a.length / (double) Spectral.SAMPLE_RATE;
            }
        }
        double wall = (System.nanoTime() - started) / 1e9;
        return new SynthesisOutput(audio, seconds > 0 ? wall / seconds : 0);
    }

    /**
     * One sentence's log-mel through the chosen vocoder. The harmonic one takes the acoustic model's F0 when it
     * predicts one ({@code f0Hz}), else the pitch model's reading of the mel in the voice's pitch {@code range}.
     */
    static float[] vocode(NDManager m, float[][] logMel, Vocoder vocoder, float[] f0Hz, PitchModel.F0Stats range,
                          long seed) {
        if (vocoder == Vocoder.GRIFFIN_LIM) return Spectral.griffinLim(m, logMel, GRIFFIN_LIM_ITERATIONS, 0.99, seed);
        return HarmonicVocoder.synthesize(m, logMel, f0Hz != null ? f0Hz : pitchModel().f0(m, logMel, range), seed);
    }

    /** Input ids of a text with the base's own tokenizer (TorchScript models read graphemes). */
    private int[] tokenIds(String text) {
        return base == null ? CharTokenizer.encode(text) : base.config().tokens(text);
    }

    /** What the acoustic model gives the vocoder: log-mels, and F0 tracks (Hz, 0 unvoiced) when it predicts them. */
    public record Rendering(List<float[][]> logMels, List<float[]> f0Hz) {
    }

    /** The acoustic model alone: log-mels and, for a model with prosody, its F0 tracks ({@code null} otherwise). */
    public Rendering rendering(VoiceDelta voice, List<String> sentences, double speed) {
        Acoustic a = render(voice, sentences, speed, PitchControl.NONE);
        return new Rendering(a.mels(), a.f0());
    }

    /** The acoustic model alone: log-mel [frames][100] per sentence. */
    public List<float[][]> logMels(VoiceDelta voice, List<String> sentences, double speed) {
        return render(voice, sentences, speed, PitchControl.NONE).mels();
    }

    /** The acoustic model's log-mels and, for a model with prosody, its F0 tracks. */
    private Acoustic render(VoiceDelta voice, List<String> sentences, double speed, PitchControl pitch) {
        List<int[]> tokens = new ArrayList<>();
        for (String s : sentences) {
            tokens.add(tokenIds(s));
        }
        float[] embedding = voice != null ? voice.speakerEmbedding() : meanVoice().speakerEmbedding();
        if (torchScript != null) {
            return new Acoustic(torchScriptMels(tokens, embedding, speed), null);
        }
        try (NDManager m = root.newSubManager()) {
            Weights w = weights(m, voice == null ? null : voice.overrides());
            float scale = voice != null && voice.overrides().containsKey(DURATION_SCALE)
                    ? voice.overrides().get(DURATION_SCALE).data()[0] : base.durationScale();
            // a voice whose prosody predictor was fine-tuned speaks at its own pitch; others are moved to their range
            boolean adapted = voice != null && voice.overrides().containsKey("var.out.w");
            PitchModel.F0Stats level = base.config().prosody() && !adapted && hasPitchModel() ? pitchRange(voice) : null;
            return acoustic(m, w, embedding, tokens, scale / speed, true, level, pitch);
        }
    }

    /**
     * Speaking-rate calibration: real frames / predicted frames of the voice over utterances with
     * transcripts (what {@link #fineTune} stores in its delta; pretraining stores one for the base).
     */
    public float calibrateDurations(VoiceDelta voice, List<TrainingUtterance> utterances) {
        if (base == null) {
            return 1f;
        }
        List<int[]> tokens = new ArrayList<>();
        List<float[][]> mels = new ArrayList<>();
        for (TrainingUtterance u : utterances) {
            tokens.add(tokenIds(u.transcript()));
            mels.add(u.logMel());
        }
        VoiceDelta v = voice == null ? meanVoice() : voice;
        return durationScale(v.overrides(), v.speakerEmbedding(), tokens, mels);
    }

    /**
     * What the model makes of each utterance's text at the utterance's own timing (its monotonic alignment), in
     * the voice ({@code null}: the mean voice): log-mel [frames][MELS], frame for frame beside
     * {@link TrainingUtterance#logMel()}. Training data for what reads the model's output (the pitch model).
     */
    public List<float[][]> teacherForcedMels(VoiceDelta voice, List<TrainingUtterance> utterances) {
        if (base == null) throw new IllegalStateException("teacher forcing needs the base checkpoint, not TorchScript");
        VoiceDelta v = voice == null ? meanVoice() : voice;
        int[][] tokens = new int[utterances.size()][];
        float[][][] mels = new float[utterances.size()][][];
        for (int i = 0; i < tokens.length; i++) {
            tokens[i] = tokenIds(utterances.get(i).transcript());
            mels[i] = utterances.get(i).logMel();
        }
        float[][] f0 = base.config().prosody()
                ? f0Targets(List.of(mels), utterances.stream().map(TrainingUtterance::f0Hz).toList()).toArray(float[][]::new)
                : null;
        try (NDManager m = root.newSubManager()) {
            Weights w = weights(m, v.overrides());
            return TrainingCore.teacherForced(w, base.config(), new TrainingCore.Batch(tokens, mels, null, f0), m,
                    m.create(v.speakerEmbedding()));
        }
    }

    /** Name under which a voice delta carries its duration calibration. */
    static final String DURATION_SCALE = "voice.durationScale";

    private Weights weights(NDManager m, Map<String, ParamStore.Tensor> overrides) {
        Map<String, NDArray> arrays = new HashMap<>();
        base.params().tensors().forEach((k, v) -> arrays.put(k, v.toNd(m)));
        return Weights.overlay(arrays, overrides, m);
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
                Prosody p = predictProsody(m, w, frameStates, fmask, frames, maxFrames, pitchLevel, pitch);
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

    /** The variance predictor's log-F0, voicing and energy as decoder input [B, 3, F], and F0 tracks in Hz. */
    private static Prosody predictProsody(NDManager m, Weights w, NDArray frameStates, NDArray fmask, int[] frames,
                                          int maxFrames, PitchModel.F0Stats pitchLevel, PitchControl pitch) {
        int b = frames.length;
        float[] v = AcousticModel.variance(w, frameStates, fmask).toType(DataType.FLOAT32, false).toFloatArray();
        float[] input = new float[b * AcousticModel.PROSODY_CHANNELS * maxFrames];
        List<float[]> tracks = new ArrayList<>();
        int channels = AcousticModel.PROSODY_CHANNELS;
        for (int i = 0; i < b; i++) {
            int pitchAt = (i * channels) * maxFrames;
            int voicingAt = (i * channels + 1) * maxFrames;
            int energyAt = (i * channels + 2) * maxFrames;
            double sum = 0;
            int n = 0;
            for (int t = 0; t < frames[i]; t++) {
                if (v[voicingAt + t] > 0) {
                    sum += AcousticModel.logF0(v[pitchAt + t]);
                    n++;
                }
            }
            double mean = n == 0 ? AcousticModel.LOG_F0_CENTRE : sum / n;
            double shift = pitchLevel != null && n > 0 ? pitchLevel.meanLog() - mean : 0;
            float[] hz = new float[frames[i]];
            for (int t = 0; t < frames[i]; t++) {
                input[energyAt + t] = v[energyAt + t];
                if (v[voicingAt + t] > 0) {
                    double logF0 = pitch.apply(AcousticModel.logF0(v[pitchAt + t]) + shift, mean + shift);
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
        long actual = 0;
        long predicted = 0;
        try (NDManager m = root.newSubManager()) {
            Weights w = weights(m, overrides);
            for (int s = 0; s < tokens.size(); s += 16) {
                List<int[]> part = tokens.subList(s, Math.min(tokens.size(), s + 16));
                for (int f : acoustic(m, w, embedding, part, 1.0, false).frames()) {
                    predicted += f;
                }
                for (int k = s; k < s + part.size(); k++) {
                    actual += mels.get(k).length;
                }
            }
        }
        return predicted == 0 ? 1f : (float) Math.max(0.5, Math.min(3.0, actual / (double) predicted));
    }

    private List<float[][]> torchScriptMels(List<int[]> tokens, float[] embedding, double speed) {
        List<float[][]> out = new ArrayList<>();
        try (NDManager m = root.newSubManager(); Predictor<NDList, NDList> predictor = torchScript.newPredictor()) {
            for (int[] t : tokens) {
                long[] ids = new long[t.length];
                for (int i = 0; i < t.length; i++) {
                    ids[i] = t[i];
                }
                NDList in = new NDList(m.create(ids, new Shape(1, ids.length)),
                        m.create(embedding, new Shape(1, embedding.length)),
                        m.create(new float[]{(float) speed}, new Shape(1)));
                NDList result;
                try {
                    result = predictor.predict(in);
                } catch (TranslateException e) {
                    throw new IllegalStateException("TorchScript model failed: " + e.getMessage(), e);
                }
                NDArray mel = result.get(0);
                long[] s = mel.getShape().getShape();
                if (s.length != 3 || s[0] != 1 || s[2] != Spectral.MELS) {
                    throw new IllegalStateException("TorchScript model returned shape " + mel.getShape()
                            + ", expected [1, frames, " + Spectral.MELS + "]");
                }
                mel.attach(m);
                out.add(Spectral.toMatrix(mel.squeeze(0)));
            }
        }
        return out;
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
