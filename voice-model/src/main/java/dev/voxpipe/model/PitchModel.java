package dev.voxpipe.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;

/**
 * Reads voicing and pitch off a log-mel, so that the harmonic vocoder can render what the acoustic model (which
 * predicts no pitch yet) says. A dilated convolution stack over the mel frames (about 0.8 s of context) gives per
 * frame a voicing logit and the log-F0 as a z-score within the speaker's range; {@link F0Stats} (the voice's own,
 * measured on its clips by the feature stage's tracker) turn the z-score into hertz, so the pitch register comes
 * from the voice and only the contour from the mel.
 *
 * <p>Trained ({@code train.PitchTrain}) on real and synthetic speakers' recordings and on the acoustic model's
 * teacher-forced renderings of the same utterances, against the feature stage's F0 tracker, so it reads both sharp
 * and smeared mels. Ships as a classpath resource ({@code dev/voxpipe/model/pitch/}).
 */
public final class PitchModel {
    static final String RESOURCE = "/dev/voxpipe/model/pitch/";
    private static final int KERNEL = 5;
    private static final int[] DILATIONS = {1, 2, 4, 8, 1, 2};
    /** Voicing logit, log-F0 z-score within the speaker, log-F0 z-score within the training population. */
    static final int OUTPUTS = 3;

    /** The speaker's pitch range: mean and standard deviation of ln(F0 / Hz) over voiced frames. */
    public record F0Stats(float meanLog, float stdLog) {
        public F0Stats {
            if (!(stdLog > 0) || !Float.isFinite(meanLog)) throw new IllegalArgumentException("bad F0 statistics " + meanLog + ", " + stdLog);
        }

        /** Over every voiced frame (F0 > 0) of the tracks; {@code fallback} when fewer than 20 frames are voiced. */
        public static F0Stats of(Iterable<float[]> tracks, F0Stats fallback) {
            double sum = 0;
            double sq = 0;
            long n = 0;
            for (float[] track : tracks) {
                if (track == null) continue;
                for (float f : track) {
                    if (f > 0) {
                        double l = Math.log(f);
                        sum += l;
                        sq += l * l;
                        n++;
                    }
                }
            }
            if (n < 20) return fallback;
            double mean = sum / n;
            double std = Math.sqrt(Math.max(0, sq / n - mean * mean));
            return new F0Stats((float) mean, (float) Math.max(0.05, std));
        }

        public double meanHz() {
            return Math.exp(meanLog);
        }

        /** Shifted by {@code semitones} and its spread scaled by {@code rangeScale} (a request's pitch controls). */
        public F0Stats adjusted(double semitones, double rangeScale) {
            return new F0Stats((float) (meanLog + semitones * Math.log(2) / 12), (float) (stdLog * rangeScale));
        }
    }

    /** Voicing logit above which a frame is voiced (0: probability one half). */
    static final float VOICING_LOGIT = Float.parseFloat(System.getProperty("voxpipe.pitch.voicingLogit", "0"));

    private final ParamStore params;
    private final int channels;
    private final float melMean;
    private final float melStd;
    private final F0Stats population;
    private final String info;

    public PitchModel(ParamStore params, int channels, float melMean, float melStd, F0Stats population, String info) {
        this.params = params;
        this.channels = channels;
        this.melMean = melMean;
        this.melStd = melStd;
        this.population = population;
        this.info = info;
    }

    /** Parameter names and shapes. */
    public static Map<String, long[]> parameterSpecs(int channels) {
        return ConvStack.parameterSpecs("pitch", Spectral.MELS, channels, OUTPUTS, KERNEL, DILATIONS);
    }

    /**
     * @param mels normalised log-mels [B, MELS, T]; mask [B, 1, T]
     * @return [B, 3, T]: voicing logit, log-F0 z-score in the speaker's range, log-F0 z-score in the population's
     */
    public static NDArray forward(Weights w, NDArray mels, NDArray mask) {
        return ConvStack.forward(w, "pitch", DILATIONS, mels, mask);
    }

    /** [B, MELS, maxLen] of log-mels [frames][MELS], normalised like training. */
    public NDArray normalised(NDManager m, float[][][] logMels, int maxLen) {
        return normalise(m, logMels, maxLen, melMean, melStd);
    }

    /** [B, MELS, maxLen] of log-mels, (x - mean) / std, zero-padded. */
    public static NDArray normalise(NDManager m, float[][][] logMels, int maxLen, float mean, float std) {
        float[] data = new float[logMels.length * Spectral.MELS * maxLen];
        for (int k = 0; k < logMels.length; k++) {
            float[][] x = logMels[k];
            for (int t = 0; t < x.length && t < maxLen; t++) {
                for (int j = 0; j < Spectral.MELS; j++) data[(k * Spectral.MELS + j) * maxLen + t] = (x[t][j] - mean) / std;
            }
        }
        return m.create(data, new Shape(logMels.length, Spectral.MELS, maxLen));
    }

    /**
     * F0 per frame (0: unvoiced) for a log-mel [frames][MELS] in a voice with pitch range {@code stats}: voicing
     * where the logit is positive (a 3-frame median removes single-frame flips), log-F0 smoothed over 3 frames.
     */
    public float[] f0(NDManager parent, float[][] logMel, F0Stats stats) {
        int frames = logMel.length;
        if (frames == 0) return new float[0];
        float[] out;
        try (NDManager m = parent.newSubManager()) {
            out = outputs(Weights.of(params, m), logMel, m);
        }
        boolean[] voiced = new boolean[frames];
        for (int t = 0; t < frames; t++) {
            int votes = 0;
            int count = 0;
            for (int u = Math.max(0, t - 1); u <= Math.min(frames - 1, t + 1); u++) {
                count++;
                if (out[u] > VOICING_LOGIT) votes++;
            }
            voiced[t] = 2 * votes > count;
        }
        float[] f0 = new float[frames];
        for (int t = 0; t < frames; t++) {
            if (!voiced[t]) continue;
            double z = 0;
            int n = 0;
            for (int u = Math.max(0, t - 1); u <= Math.min(frames - 1, t + 1); u++) {
                if (voiced[u]) {
                    z += out[frames + u];
                    n++;
                }
            }
            f0[t] = (float) Math.exp(stats.meanLog() + stats.stdLog() * z / n);
        }
        return f0;
    }

    /**
     * A voice's pitch range read off recordings' log-mels (a zero-shot reference): the absolute log-F0 the model
     * reads from the harmonic spacing of a real mel, over the frames it calls voiced. {@link #population()} when
     * fewer than 20 frames are voiced.
     */
    public F0Stats estimateStats(NDManager parent, List<float[][]> recordings) {
        List<float[]> tracks = new ArrayList<>();
        try (NDManager m = parent.newSubManager()) {
            Weights w = Weights.of(params, m);
            for (float[][] mel : recordings) {
                int frames = mel.length;
                if (frames == 0) continue;
                float[] out = outputs(w, mel, m);
                float[] track = new float[frames];
                for (int t = 0; t < frames; t++) {
                    if (out[t] > 0) track[t] = (float) Math.exp(population.meanLog() + population.stdLog() * out[2 * frames + t]);
                }
                tracks.add(track);
            }
        }
        F0Stats read = F0Stats.of(tracks, population);
        // predictions regress towards the mean, so their spread understates the voice's: keep at least half the population's
        return new F0Stats(read.meanLog(), Math.max(read.stdLog(), population.stdLog() / 2));
    }

    /** The {@link #OUTPUTS} channels for one log-mel [frames][MELS], channel after channel ([OUTPUTS * frames]). */
    private float[] outputs(Weights w, float[][] logMel, NDManager m) {
        int frames = logMel.length;
        return forward(w, normalised(m, new float[][][]{logMel}, frames), m.ones(new Shape(1, 1, frames)))
                .toType(DataType.FLOAT32, false).toFloatArray();
    }

    /** The pitch range of the speakers it was trained on: for a voice whose own range is unknown. */
    public F0Stats population() {
        return population;
    }

    public String info() {
        return info;
    }

    public long parameterCount() {
        return params.parameterCount();
    }

    /**
     * The shipped model (classpath resource), or a training run's output named by {@code -Dvoxpipe.pitchModel=DIR}
     * (validation sweeps before it is shipped).
     */
    public static PitchModel loadDefault() {
        try {
            String dir = System.getProperty("voxpipe.pitchModel");
            ModelFiles f = dir != null ? ModelFiles.fromFolder(Path.of(dir)) : ModelFiles.fromClasspath(RESOURCE, "pitch model");
            return new PitchModel(f.params(), f.intSetting("channels"), f.floatSetting("melMean"), f.floatSetting("melStd"),
                    new F0Stats(f.floatSetting("populationMeanLogF0"), f.floatSetting("populationStdLogF0")), f.info());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Writes {@code config.properties}, {@code params.bin} and {@code info.txt} into {@code dir}. */
    public void save(Path dir) throws IOException {
        Properties p = new Properties();
        p.setProperty("channels", "" + channels);
        p.setProperty("melMean", "" + melMean);
        p.setProperty("melStd", "" + melStd);
        p.setProperty("populationMeanLogF0", "" + population.meanLog());
        p.setProperty("populationStdLogF0", "" + population.stdLog());
        new ModelFiles(p, params, info).write(dir, "voxpipe pitch model");
    }
}
