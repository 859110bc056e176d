package dev.voxpipe.dsp;

/**
 * Log-mel spectrogram matching torchaudio's MelSpectrogram + log(clamp(x, floor)); see
 * {@link MelConfig#defaults()}. Thread-safe: scratch state lives in a per-thread STFT.
 */
public final class MelSpectrogram {
    private final MelConfig config;
    private final MelFilterbank filterbank;
    private final ThreadLocal<Stft> stft;

    public MelSpectrogram(MelConfig config) {
        this.config = config;
        this.filterbank = new MelFilterbank(config);
        this.stft = ThreadLocal.withInitial(() -> new Stft(config));
    }

    public MelConfig config() {
        return config;
    }

    public MelFilterbank filterbank() {
        return filterbank;
    }

    /** A fresh STFT with this config's framing (not thread-safe itself). */
    public Stft newStft() {
        return new Stft(config);
    }

    /** Linear mel energies [frames][nMels]. */
    public float[][] mel(float[] samples) {
        int frames = config.frameCount(samples.length);
        float[][] out = new float[frames][config.nMels()];
        stft.get().forEachFrame(samples, config.power(), (t, spec) -> filterbank.apply(spec, out[t], 0));
        return out;
    }

    /** log(max(mel, floor)) as [frames][nMels]. */
    public float[][] logMel(float[] samples) {
        float[][] m = mel(samples);
        float floor = (float) config.logFloor();
        for (float[] row : m) {
            for (int i = 0; i < row.length; i++) row[i] = (float) Math.log(Math.max(row[i], floor));
        }
        return m;
    }

    public float[][] logMel(PcmAudio audio) {
        if (audio.sampleRate() != config.sampleRate()) {
            throw new IllegalArgumentException("audio is at " + audio.sampleRate() + " Hz, mel config expects " + config.sampleRate() + " Hz");
        }
        return logMel(audio.samples());
    }

    /** Frame-major flattening [frames*nMels]. */
    public static float[] flatten(float[][] m) {
        if (m.length == 0) return new float[0];
        int w = m[0].length;
        float[] out = new float[m.length * w];
        for (int t = 0; t < m.length; t++) System.arraycopy(m[t], 0, out, t * w, w);
        return out;
    }

    /** Linear magnitude/power spectrum [frames][nFreqs] approximated from log-mel (for Griffin-Lim). */
    public float[][] melToLinear(float[][] logMel) {
        float[][] out = new float[logMel.length][];
        float[] lin = new float[config.nMels()];
        for (int t = 0; t < logMel.length; t++) {
            for (int m = 0; m < lin.length; m++) lin[m] = (float) Math.exp(logMel[t][m]);
            double[] spec = filterbank.melToLinear(lin);
            out[t] = new float[spec.length];
            for (int k = 0; k < spec.length; k++) out[t][k] = (float) spec[k];
        }
        return out;
    }
}
