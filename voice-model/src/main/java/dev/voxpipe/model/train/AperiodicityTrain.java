package dev.voxpipe.model.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.voxpipe.dsp.PitchTracker;
import dev.voxpipe.model.AperiodicityModel;
import dev.voxpipe.model.BandPeriodicity;
import dev.voxpipe.model.GraphConstants;
import dev.voxpipe.model.ParamStore;
import dev.voxpipe.model.Spectral;
import dev.voxpipe.model.Weights;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;

/**
 * Trains the {@link AperiodicityModel} on recordings (corpus layout: {@code <id>.wav} + {@code metadata.tsv}): per
 * voiced frame and band, the periodicity {@link BandPeriodicity} measures in the recording at the feature stage's
 * tracked F0, from the recording's log-mel and that F0. One utterance in 20 (by id hash) is held out and scored at
 * the end against a constant per band (the training mean).
 * <pre>
 * AperiodicityTrain --speakers DIR[,DIR...] --out DIR [--steps 1500] [--channels 64] [--frames 4000] [--limit 400] [--seed 1]
 * </pre>
 * Deterministic for a seed on one thread.
 */
public final class AperiodicityTrain {
    private static final Logger LOG = LoggerFactory.getLogger(AperiodicityTrain.class);
    private static final PitchTracker TRACKER = PitchTracker.defaults();

    /** One recording: its log-mel, tracked F0 and measured periodicity (null rows where unvoiced). */
    record Example(String speaker, String id, float[][] mel, float[] f0, float[][] periodicity) {
    }

    private AperiodicityTrain() {
    }

    public static void main(String[] args) throws Exception {
        SmallModelTraining.Options o = SmallModelTraining.Options.parse(args, 64);
        double cpu0 = SmallModelTraining.cpuSeconds();

        List<Example> train = new ArrayList<>();
        List<Example> held = new ArrayList<>();
        try (NDManager m = NDManager.newBaseManager()) {
            for (Path dir : o.speakers()) {
                List<Example> own = load(dir, o.limit(), m);
                for (Example e : own) (Math.floorMod(e.id().hashCode(), 20) == 0 ? held : train).add(e);
                LOG.info("{}: {} recordings, periodicity by band {}", dir.getFileName(), own.size(), format(meanPeriodicity(own)));
            }
        }
        if (train.isEmpty()) throw new IllegalArgumentException("no training recordings under " + o.speakers());
        float[] norm = SmallModelTraining.melNormalisation(train.stream().map(Example::mel).toList());
        double[] trainMean = meanPeriodicity(train);
        LOG.info("{} training and {} held-out recordings; mel mean {} std {}; periodicity by band {}", train.size(), held.size(),
                norm[0], norm[1], format(trainMean));

        ParamStore params = ParamStore.initialise(AperiodicityModel.parameterSpecs(o.channels()), o.seed());
        Random rng = new Random(o.seed());
        String curve = SmallModelTraining.train(params, o.steps(), List.of("loss"), 5, (w, scope) -> new NDArray[]{
                loss(w, SmallModelTraining.sample(train, o.frameBudget(), rng, e -> e.mel().length), norm, scope)}, LOG);
        double cpuSeconds = SmallModelTraining.cpuSeconds() - cpu0;
        AperiodicityModel provisional = new AperiodicityModel(params, o.channels(), norm[0], norm[1], "");
        String scores;
        try (NDManager m = NDManager.newBaseManager()) {
            scores = score(provisional, held, trainMean, m);
        }
        String info = String.format(Locale.ROOT, "voxpipe aperiodicity model: %d steps, %d training recordings (%d speakers), "
                        + "%.0f s CPU (JVM, all threads), %d parameters, bands %s Hz%ncommand: AperiodicityTrain %s%n"
                        + "training periodicity by band %s%nheld-out recordings:%n%s",
                o.steps(), train.size(), o.speakers().size(), cpuSeconds, params.parameterCount(),
                java.util.Arrays.toString(BandPeriodicity.EDGES_HZ), String.join(" ", args), format(trainMean), scores);
        new AperiodicityModel(params, o.channels(), norm[0], norm[1], info).save(o.out());
        Files.writeString(o.out().resolve("loss.csv"), curve, StandardCharsets.UTF_8);
        System.out.print(info);
    }

    /** The directory's recordings with their log-mel, tracked F0 and measured periodicity. */
    static List<Example> load(Path dir, int limit, NDManager m) throws java.io.IOException {
        String speaker = dir.getFileName().toString();
        List<Example> out = new ArrayList<>();
        for (String line : Files.readAllLines(dir.resolve("metadata.tsv"), StandardCharsets.UTF_8)) {
            String[] p = line.split("\t");
            if (p.length < 1 || !Files.isRegularFile(dir.resolve(p[0] + ".wav")) || out.size() >= limit) continue;
            float[] pcm = Corpus.readMono(dir.resolve(p[0] + ".wav"), Spectral.SAMPLE_RATE);
            float[][] mel = Spectral.logMel(pcm);
            float[] f0 = java.util.Arrays.copyOf(TRACKER.f0(pcm, Spectral.SAMPLE_RATE, Spectral.HOP), mel.length);
            float[][] periodicity = java.util.Arrays.copyOf(BandPeriodicity.measure(m, pcm, f0), mel.length);
            out.add(new Example(speaker, p[0], mel, f0, periodicity));
        }
        return out;
    }

    static double[] meanPeriodicity(List<Example> data) {
        double[] sum = new double[BandPeriodicity.BANDS];
        long n = 0;
        for (Example e : data) {
            for (float[] row : e.periodicity()) {
                if (row == null) continue;
                for (int b = 0; b < sum.length; b++) sum[b] += row[b];
                n++;
            }
        }
        for (int b = 0; b < sum.length; b++) sum[b] /= Math.max(1, n);
        return sum;
    }

    /** Binary cross-entropy of the periodicity logits against the measured (soft) targets, over voiced frames. */
    static NDArray loss(Weights w, List<Example> batch, float[] norm, NDManager m) {
        int b = batch.size();
        int maxLen = 1;
        for (Example e : batch) maxLen = Math.max(maxLen, e.mel().length);
        int bands = BandPeriodicity.BANDS;
        float[] mask = new float[b * maxLen];
        float[] voiced = new float[b * bands * maxLen];
        float[] target = new float[b * bands * maxLen];
        float[][][] mels = new float[b][][];
        float[][] f0 = new float[b][];
        float count = 0;
        for (int i = 0; i < b; i++) {
            Example e = batch.get(i);
            mels[i] = e.mel();
            f0[i] = e.f0();
            for (int t = 0; t < e.mel().length; t++) {
                mask[i * maxLen + t] = 1;
                float[] row = e.periodicity()[t];
                if (row == null) continue;
                count++;
                for (int k = 0; k < bands; k++) {
                    voiced[(i * bands + k) * maxLen + t] = 1;
                    target[(i * bands + k) * maxLen + t] = row[k];
                }
            }
        }
        NDArray logit = AperiodicityModel.forward(w, AperiodicityModel.inputs(m, mels, f0, maxLen, norm[0], norm[1]),
                m.create(mask, new Shape(b, 1, maxLen)));
        NDArray y = m.create(target, new Shape(b, bands, maxLen));
        NDArray v = m.create(voiced, new Shape(b, bands, maxLen));
        // stable BCE on logits with soft targets: max(l, 0) - l * y + log(1 + exp(-|l|)), minus the targets' own entropy
        // is not subtracted: it is a constant
        return GraphConstants.div(GraphConstants.maximum(logit, 0).sub(logit.mul(y)).add(logit.abs().neg().exp().add(1f).log())
                .mul(v).sum(), Math.max(1f, count * bands));
    }

    /** Mean absolute error by band on the held-out recordings, against the constant training mean. */
    static String score(AperiodicityModel model, List<Example> held, double[] constant, NDManager m) {
        int bands = BandPeriodicity.BANDS;
        double[] err = new double[bands];
        double[] base = new double[bands];
        long n = 0;
        for (Example e : held) {
            float[][] pred = model.periodicity(m, e.mel(), e.f0());
            for (int t = 0; t < pred.length; t++) {
                float[] row = e.periodicity()[t];
                if (row == null) continue;
                n++;
                for (int k = 0; k < bands; k++) {
                    err[k] += Math.abs(pred[t][k] - row[k]);
                    base[k] += Math.abs(constant[k] - row[k]);
                }
            }
        }
        for (int k = 0; k < bands; k++) {
            err[k] /= Math.max(1, n);
            base[k] /= Math.max(1, n);
        }
        return String.format(Locale.ROOT, "  %d voiced frames: mean absolute error by band %s (a constant per band: %s)%n",
                n, format(err), format(base));
    }

    private static String format(double[] v) {
        StringBuilder sb = new StringBuilder("[");
        for (int i = 0; i < v.length; i++) sb.append(i == 0 ? "" : ", ").append(String.format(Locale.ROOT, "%.3f", v[i]));
        return sb.append(']').toString();
    }
}
