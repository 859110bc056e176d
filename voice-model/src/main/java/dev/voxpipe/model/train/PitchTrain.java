package dev.voxpipe.model.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.voxpipe.dsp.PitchTracker;
import dev.voxpipe.model.GraphConstants;
import dev.voxpipe.model.ParamStore;
import dev.voxpipe.model.PitchModel;
import dev.voxpipe.model.Spectral;
import dev.voxpipe.model.TrainingUtterance;
import dev.voxpipe.model.VoiceDelta;
import dev.voxpipe.model.VoiceModelRuntime;
import dev.voxpipe.model.Weights;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;

/**
 * Trains the {@link PitchModel}: voicing and log-F0 z-score per frame from the log-mel, on every utterance of the
 * given speaker directories (corpus layout: {@code <id>.wav} + {@code metadata.tsv}), each seen twice: as its
 * recording's log-mel and as the base acoustic model's teacher-forced rendering of its text (what the model will
 * be asked to read at synthesis). Targets come from the feature stage's tracker ({@link PitchTracker#defaults()}).
 * One utterance in 20 (by id hash) is held out and scored at the end.
 * <pre>
 * PitchTrain --speakers DIR[,DIR...] --out DIR [--steps 1500] [--channels 96] [--frames 4000] [--limit 400] [--seed 1]
 * </pre>
 * Deterministic for a seed on one thread.
 */
public final class PitchTrain {
    private static final Logger LOG = LoggerFactory.getLogger(PitchTrain.class);
    static final PitchTracker TRACKER = PitchTracker.defaults();

    /** One training item: an input log-mel and the recording's F0 at the same frames, in its speaker's range. */
    record Example(String speaker, String id, boolean teacherForced, float[][] mel, float[] f0, PitchModel.F0Stats stats) {
    }

    private PitchTrain() {
    }

    public static void main(String[] args) throws Exception {
        SmallModelTraining.Options o = SmallModelTraining.Options.parse(args, 96);
        double cpu0 = SmallModelTraining.cpuSeconds();

        List<Example> train = new ArrayList<>();
        List<Example> held = new ArrayList<>();
        List<float[]> allTracks = new ArrayList<>();
        try (VoiceModelRuntime runtime = VoiceModelRuntime.loadBase()) {
            for (Path dir : o.speakers()) {
                List<Example> own = load(dir, o.limit(), runtime);
                for (Example e : own) {
                    (Math.floorMod(e.id().hashCode(), 20) == 0 ? held : train).add(e);
                    if (!e.teacherForced()) allTracks.add(e.f0());
                }
                LOG.info("{}: {} examples, F0 mean {} Hz", dir.getFileName(), own.size(),
                        own.isEmpty() ? "-" : String.format(Locale.ROOT, "%.0f", own.get(0).stats().meanHz()));
            }
        }
        if (train.isEmpty()) throw new IllegalArgumentException("no training utterances under " + o.speakers());
        float[] norm = SmallModelTraining.melNormalisation(train.stream().map(Example::mel).toList());
        PitchModel.F0Stats population = PitchModel.F0Stats.of(allTracks, new PitchModel.F0Stats((float) Math.log(150), 0.25f));
        LOG.info("{} training and {} held-out examples; mel mean {} std {}; population F0 {} Hz", train.size(), held.size(),
                norm[0], norm[1], String.format(Locale.ROOT, "%.0f", population.meanHz()));

        ParamStore params = ParamStore.initialise(PitchModel.parameterSpecs(o.channels()), o.seed());
        Random rng = new Random(o.seed());
        String curve = SmallModelTraining.train(params, o.steps(), List.of("loss", "voicing_bce", "z_mse", "absolute_z_mse"), 4,
                (w, scope) -> loss(w, SmallModelTraining.sample(train, o.frameBudget(), rng, e -> e.mel().length), norm,
                        population, scope), LOG);
        double cpuSeconds = SmallModelTraining.cpuSeconds() - cpu0;
        String command = "PitchTrain " + String.join(" ", args);
        PitchModel provisional = new PitchModel(params, o.channels(), norm[0], norm[1], population, "");
        String scores;
        try (NDManager m = NDManager.newBaseManager()) {
            scores = score(provisional, held, m);
        }
        String info = String.format(Locale.ROOT, "voxpipe pitch model: %d steps, %d training examples (%d speakers), "
                        + "%.0f s CPU (JVM, all threads), %d parameters%ncommand: %s%nheld-out examples:%n%s",
                o.steps(), train.size(), o.speakers().size(), cpuSeconds, params.parameterCount(), command, scores);
        new PitchModel(params, o.channels(), norm[0], norm[1], population, info).save(o.out());
        Files.writeString(o.out().resolve("loss.csv"), curve, StandardCharsets.UTF_8);
        System.out.print(info);
    }

    /** The directory's utterances: recording and (when the text has letters the model reads) teacher-forced. */
    static List<Example> load(Path dir, int limit, VoiceModelRuntime runtime) throws java.io.IOException {
        String speaker = dir.getFileName().toString();
        List<String[]> rows = new ArrayList<>();
        for (String line : Files.readAllLines(dir.resolve("metadata.tsv"), StandardCharsets.UTF_8)) {
            String[] p = line.split("\t");
            if (p.length >= 2 && Files.isRegularFile(dir.resolve(p[0] + ".wav")) && rows.size() < limit) rows.add(p);
        }
        List<float[][]> mels = new ArrayList<>();
        List<float[]> tracks = new ArrayList<>();
        for (String[] r : rows) {
            float[] pcm = Corpus.readMono(dir.resolve(r[0] + ".wav"), Spectral.SAMPLE_RATE);
            float[][] mel = Spectral.logMel(pcm);
            float[] f0 = java.util.Arrays.copyOf(TRACKER.f0(pcm, Spectral.SAMPLE_RATE, Spectral.HOP), mel.length);
            mels.add(mel);
            tracks.add(f0);
        }
        PitchModel.F0Stats stats = PitchModel.F0Stats.of(tracks, new PitchModel.F0Stats((float) Math.log(150), 0.25f));
        List<Example> out = new ArrayList<>();
        for (int i = 0; i < rows.size(); i++) out.add(new Example(speaker, rows.get(i)[0], false, mels.get(i), tracks.get(i), stats));
        // the speaker as the model hears it zero-shot: what a new voice's renderings look like before fine-tuning
        VoiceDelta voice = runtime.zeroShot(mels.subList(0, Math.min(10, mels.size())));
        for (int from = 0; from < rows.size(); from += 8) {
            List<TrainingUtterance> batch = new ArrayList<>();
            List<Integer> index = new ArrayList<>();
            for (int i = from; i < Math.min(rows.size(), from + 8); i++) {
                String text = rows.get(i)[1];
                // at least a few letters the English grapheme model reads, and fewer tokens than frames
                if (dev.voxpipe.model.CharTokenizer.normalise(text).length() < 3) continue;
                if (dev.voxpipe.model.CharTokenizer.encode(text).length >= mels.get(i).length) continue;
                batch.add(new TrainingUtterance(mels.get(i), text));
                index.add(i);
            }
            if (batch.isEmpty()) continue;
            List<float[][]> forced = runtime.teacherForcedMels(voice, batch);
            for (int k = 0; k < forced.size(); k++) {
                int i = index.get(k);
                out.add(new Example(speaker, rows.get(i)[0], true, forced.get(k), tracks.get(i), stats));
            }
        }
        return out;
    }

    /** [total, voicing BCE, z MSE] of a batch. */
    static NDArray[] loss(Weights w, List<Example> batch, float[] norm, PitchModel.F0Stats population, NDManager m) {
        int b = batch.size();
        int maxLen = 1;
        for (Example e : batch) maxLen = Math.max(maxLen, e.mel().length);
        float[] mask = new float[b * maxLen];
        float[] voiced = new float[b * maxLen];
        float[] z = new float[b * maxLen];
        float[] absolute = new float[b * maxLen];
        float[] recorded = new float[b * maxLen];
        float[][][] mels = new float[b][][];
        for (int i = 0; i < b; i++) {
            Example e = batch.get(i);
            mels[i] = e.mel();
            for (int t = 0; t < e.mel().length; t++) {
                mask[i * maxLen + t] = 1;
                float f = t < e.f0().length ? e.f0()[t] : 0;
                if (f > 0) {
                    voiced[i * maxLen + t] = 1;
                    z[i * maxLen + t] = (float) ((Math.log(f) - e.stats().meanLog()) / e.stats().stdLog());
                    absolute[i * maxLen + t] = (float) ((Math.log(f) - population.meanLog()) / population.stdLog());
                    // the absolute pitch is in a recording's harmonic spacing, not in the model's smeared rendering
                    if (!e.teacherForced()) recorded[i * maxLen + t] = 1;
                }
            }
        }
        NDArray maskNd = m.create(mask, new Shape(b, 1, maxLen));
        NDArray input = PitchModel.normalise(m, mels, maxLen, norm[0], norm[1]);
        NDArray out = PitchModel.forward(w, input, maskNd);
        NDArray logit = out.get(":, 0:1, :");
        NDArray zPred = out.get(":, 1:2, :");
        NDArray v = m.create(voiced, new Shape(b, 1, maxLen));
        NDArray zt = m.create(z, new Shape(b, 1, maxLen));
        // binary cross-entropy on logits, stable form: max(l, 0) - l * y + log(1 + exp(-|l|))
        NDArray bce = GraphConstants.div(GraphConstants.maximum(logit, 0).sub(logit.mul(v)).add(logit.abs().neg().exp().add(1f).log())
                .mul(maskNd).sum(), Math.max(1f, sum(mask)));
        NDArray mse = GraphConstants.div(zPred.sub(zt).square().mul(v).sum(), Math.max(1f, sum(voiced)));
        NDArray absMse = GraphConstants.div(out.get(":, 2:3, :").sub(m.create(absolute, new Shape(b, 1, maxLen))).square()
                .mul(m.create(recorded, new Shape(b, 1, maxLen))).sum(), Math.max(1f, sum(recorded)));
        return new NDArray[]{bce.add(GraphConstants.mul(mse, 0.5)).add(GraphConstants.mul(absMse, 0.5)), bce, mse, absMse};
    }

    /** Voicing agreement and F0 error of the held-out examples, recordings and teacher-forced apart. */
    static String score(PitchModel model, List<Example> held, NDManager m) {
        StringBuilder sb = new StringBuilder();
        for (boolean forced : new boolean[]{false, true}) {
            long frames = 0;
            long agree = 0;
            long refVoiced = 0;
            long predVoiced = 0;
            double centsSq = 0;
            long both = 0;
            for (Example e : held) {
                if (e.teacherForced() != forced) continue;
                float[] pred = model.f0(m, e.mel(), e.stats());
                for (int t = 0; t < pred.length && t < e.f0().length; t++) {
                    frames++;
                    boolean r = e.f0()[t] > 0;
                    boolean p = pred[t] > 0;
                    if (r == p) agree++;
                    if (r) refVoiced++;
                    if (p) predVoiced++;
                    if (r && p) {
                        double c = 1200 * Math.log(pred[t] / e.f0()[t]) / Math.log(2);
                        centsSq += c * c;
                        both++;
                    }
                }
            }
            if (frames == 0) continue;
            if (!forced) {
                // the pitch range as a zero-shot voice would get it: read off the held-out recordings alone
                Map<String, List<float[][]>> bySpeaker = new LinkedHashMap<>();
                Map<String, PitchModel.F0Stats> truth = new LinkedHashMap<>();
                for (Example e : held) {
                    if (e.teacherForced()) continue;
                    bySpeaker.computeIfAbsent(e.speaker(), k -> new ArrayList<>()).add(e.mel());
                    truth.put(e.speaker(), e.stats());
                }
                bySpeaker.forEach((spk, mels) -> {
                    PitchModel.F0Stats est = model.estimateStats(m, mels);
                    sb.append(String.format(Locale.ROOT, "  %s: F0 mean read off %d recordings %.0f Hz (tracker over the speaker %.0f Hz)%n",
                            spk, mels.size(), est.meanHz(), truth.get(spk).meanHz()));
                });
            }
            sb.append(String.format(Locale.ROOT, "  %s: %d frames, voicing agreement %.1f%%, voiced %.1f%% (tracker %.1f%%), F0 RMSE %.0f cents%n",
                    forced ? "teacher-forced renderings" : "recordings", frames, 100.0 * agree / frames,
                    100.0 * predVoiced / frames, 100.0 * refVoiced / frames, both == 0 ? Double.NaN : Math.sqrt(centsSq / both)));
        }
        return sb.toString();
    }

    private static float sum(float[] a) {
        float s = 0;
        for (float v : a) s += v;
        return s;
    }
}
