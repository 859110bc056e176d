package dev.voxpipe.corpus;

import dev.voxpipe.dsp.PcmAudio;

/** Corpus audio conditioning: resample, trim edge silence to a fixed margin, level speech to a common loudness. */
public final class AudioPrep {
    public static final int CORPUS_RATE = 32_000;
    static final double MARGIN_SECONDS = 0.1;
    static final double TARGET_SPEECH_DBFS = -20;
    static final double PEAK_LIMIT = 0.95;

    private AudioPrep() {
    }

    public static PcmAudio prepare(PcmAudio in, int rate) {
        PcmAudio audio = in.resampled(rate);
        return level(trim(audio, MARGIN_SECONDS));
    }

    /** Frame RMS in dBFS, 10 ms frames. */
    static double[] frameDb(float[] x, int rate) {
        int hop = Math.max(1, rate / 100);
        int frames = Math.max(1, (x.length + hop - 1) / hop);
        double[] db = new double[frames];
        for (int f = 0; f < frames; f++) {
            double sum = 0;
            int n = 0;
            for (int i = f * hop; i < Math.min(x.length, (f + 1) * hop); i++, n++) sum += x[i] * x[i];
            db[f] = 10 * Math.log10(Math.max(1e-12, n == 0 ? 0 : sum / n));
        }
        return db;
    }

    /** Threshold separating speech from silence: 40 dB under the loudest frame, never below -60 dBFS. */
    static double speechThresholdDb(double[] db) {
        double max = -120;
        for (double d : db) max = Math.max(max, d);
        return Math.max(max - 40, -60);
    }

    /** Cuts leading and trailing silence, keeping {@code margin} seconds around the speech. */
    public static PcmAudio trim(PcmAudio audio, double margin) {
        float[] x = audio.samples();
        int rate = audio.sampleRate();
        double[] db = frameDb(x, rate);
        double threshold = speechThresholdDb(db);
        int first = -1;
        int last = -1;
        for (int f = 0; f < db.length; f++) {
            if (db[f] > threshold) {
                if (first < 0) first = f;
                last = f;
            }
        }
        if (first < 0) return audio;
        int hop = Math.max(1, rate / 100);
        int pad = (int) Math.round(margin * rate);
        int from = Math.max(0, first * hop - pad);
        int to = Math.min(x.length, (last + 1) * hop + pad);
        return audio.slice(from, to);
    }

    /** Scales so speech frames sit at {@link #TARGET_SPEECH_DBFS}, without letting the peak exceed the limit. */
    static PcmAudio level(PcmAudio audio) {
        float[] x = audio.samples();
        double[] db = frameDb(x, audio.sampleRate());
        double threshold = speechThresholdDb(db);
        double energy = 0;
        int count = 0;
        for (double d : db) {
            if (d > threshold) {
                energy += Math.pow(10, d / 10);
                count++;
            }
        }
        if (count == 0) return audio;
        double speechDb = 10 * Math.log10(energy / count);
        double gain = Math.pow(10, (TARGET_SPEECH_DBFS - speechDb) / 20);
        double peak = 0;
        for (float v : x) peak = Math.max(peak, Math.abs(v));
        if (peak * gain > PEAK_LIMIT) gain = PEAK_LIMIT / peak;
        float[] y = new float[x.length];
        for (int i = 0; i < x.length; i++) y[i] = (float) (x[i] * gain);
        return new PcmAudio(y, audio.sampleRate());
    }
}
