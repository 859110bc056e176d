package dev.voxpipe.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;

/**
 * The harmonic vocoder's learned part: how periodic each of {@link BandPeriodicity#BANDS} frequency bands of a voiced
 * frame is, read off the log-mel and the F0 the vocoder is given. A voice is never perfectly periodic, least of all
 * in its upper bands; rendering every band below 5 kHz as pure harmonics is what made copy synthesis cleaner than the
 * recording between its harmonics. The vocoder splits each band's power between harmonics and noise by this share.
 *
 * <p>A dilated convolution stack over the frames (mel, normalised log-F0, voicing flag in; one logit per band out),
 * trained ({@code train.AperiodicityTrain}) on real speech against {@link BandPeriodicity}'s measurement of the
 * recordings. Ships as a classpath resource ({@code dev/voxpipe/model/aperiodicity/}).
 */
public final class AperiodicityModel {
    static final String RESOURCE = "/dev/voxpipe/model/aperiodicity/";
    private static final int KERNEL = 5;
    private static final int[] DILATIONS = {1, 2, 4, 1};
    /** Input channels: the mel bands, normalised log-F0 (0 where unvoiced), voicing 0/1. */
    public static final int INPUTS = Spectral.MELS + 2;

    private final ParamStore params;
    private final int channels;
    private final float melMean;
    private final float melStd;
    private final String info;

    public AperiodicityModel(ParamStore params, int channels, float melMean, float melStd, String info) {
        this.params = params;
        this.channels = channels;
        this.melMean = melMean;
        this.melStd = melStd;
        this.info = info;
    }

    /** Parameter names and shapes. */
    public static Map<String, long[]> parameterSpecs(int channels) {
        return ConvStack.parameterSpecs("ap", INPUTS, channels, BandPeriodicity.BANDS, KERNEL, DILATIONS);
    }

    /** @param input [B, INPUTS, T] ({@link #inputs}); mask [B, 1, T]. @return [B, BANDS, T] periodicity logits */
    public static NDArray forward(Weights w, NDArray input, NDArray mask) {
        return ConvStack.forward(w, "ap", DILATIONS, input, mask);
    }

    /** [B, INPUTS, maxLen]: normalised log-mels, then normalised log-F0 and the voicing flag; zero-padded. */
    public static NDArray inputs(NDManager m, float[][][] logMels, float[][] f0Hz, int maxLen, float mean, float std) {
        float[] data = new float[logMels.length * INPUTS * maxLen];
        for (int k = 0; k < logMels.length; k++) {
            float[][] x = logMels[k];
            for (int t = 0; t < x.length && t < maxLen; t++) {
                for (int j = 0; j < Spectral.MELS; j++) data[(k * INPUTS + j) * maxLen + t] = (x[t][j] - mean) / std;
                float f = t < f0Hz[k].length ? f0Hz[k][t] : 0;
                if (f > 0) {
                    data[(k * INPUTS + Spectral.MELS) * maxLen + t] = AcousticModel.normalisedLogF0(Math.log(f));
                    data[(k * INPUTS + Spectral.MELS + 1) * maxLen + t] = 1;
                }
            }
        }
        return m.create(data, new Shape(logMels.length, INPUTS, maxLen));
    }

    /**
     * Periodicity 0-1 per frame and band [frames][BANDS] for a log-mel [frames][MELS] rendered at {@code f0Hz}
     * (0: unvoiced; such frames' rows are ignored by the vocoder).
     */
    public float[][] periodicity(NDManager parent, float[][] logMel, float[] f0Hz) {
        int frames = logMel.length;
        float[][] out = new float[frames][BandPeriodicity.BANDS];
        if (frames == 0) return out;
        float[] flat;
        try (NDManager m = parent.newSubManager()) {
            NDArray input = inputs(m, new float[][][]{logMel}, new float[][]{f0Hz}, frames, melMean, melStd);
            flat = Activation.sigmoid(forward(Weights.of(params, m), input, m.ones(new Shape(1, 1, frames))))
                    .toType(DataType.FLOAT32, false).toFloatArray();
        }
        for (int b = 0; b < BandPeriodicity.BANDS; b++) {
            for (int t = 0; t < frames; t++) out[t][b] = flat[b * frames + t];
        }
        return out;
    }

    public String info() {
        return info;
    }

    public long parameterCount() {
        return params.parameterCount();
    }

    private static volatile AperiodicityModel shipped;

    /** The shipped model (classpath resource), loaded once. */
    public static AperiodicityModel loadDefault() {
        AperiodicityModel m = shipped;
        if (m != null) return m;
        synchronized (AperiodicityModel.class) {
            if (shipped == null) {
                // a training run's output, for validation sweeps before it is shipped
                String dir = System.getProperty("voxpipe.hnm.aperiodicityModel");
                try {
                    shipped = dir != null ? read(Path.of(dir)) : load();
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }
            return shipped;
        }
    }

    /** Looked up once: the vocoder asks for every sentence. */
    private static final boolean AVAILABLE = System.getProperty("voxpipe.hnm.aperiodicityModel") != null
            || ModelFiles.onClasspath(RESOURCE);

    /** Whether the shipped model is on the classpath (or a training run's output is named). */
    public static boolean available() {
        return AVAILABLE;
    }

    private static AperiodicityModel load() throws IOException {
        return of(ModelFiles.fromClasspath(RESOURCE, "aperiodicity model"));
    }

    /** Reads a model saved by {@link #save} (a training run's output, before it is shipped). */
    public static AperiodicityModel read(Path dir) throws IOException {
        return of(ModelFiles.fromFolder(dir));
    }

    private static AperiodicityModel of(ModelFiles f) {
        return new AperiodicityModel(f.params(), f.intSetting("channels"), f.floatSetting("melMean"),
                f.floatSetting("melStd"), f.info());
    }

    /** Writes {@code config.properties}, {@code params.bin} and {@code info.txt} into {@code dir}. */
    public void save(Path dir) throws IOException {
        Properties p = new Properties();
        p.setProperty("channels", "" + channels);
        p.setProperty("melMean", "" + melMean);
        p.setProperty("melStd", "" + melStd);
        new ModelFiles(p, params, info).write(dir, "voxpipe aperiodicity model");
    }
}
