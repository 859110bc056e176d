package dev.voxpipe.dsp.slice;

/**
 * Silence-slicer settings. The first five are the GPT-SoVITS slicer's (its WebUI defaults);
 * {@code maxClipMs} and {@code minClipMs} are ours: longer speech is split at its quietest point,
 * shorter clips are dropped with a reason.
 *
 * @param thresholdDb  RMS (dBFS) below which a frame is silent
 * @param minLengthMs  a clip is only ended at a silence once it is at least this long
 * @param minIntervalMs shortest silence that may separate clips
 * @param hopMs        RMS frame hop
 * @param maxSilKeptMs most silence kept around a clip
 * @param maxClipMs    hard maximum clip length
 * @param minClipMs    clips shorter than this are dropped
 */
public record SlicerConfig(double thresholdDb, int minLengthMs, int minIntervalMs, int hopMs, int maxSilKeptMs, int maxClipMs, int minClipMs) {
    public SlicerConfig {
        if (!(minLengthMs >= minIntervalMs && minIntervalMs >= hopMs && hopMs > 0)) {
            throw new IllegalArgumentException("need minLengthMs >= minIntervalMs >= hopMs > 0");
        }
        if (maxSilKeptMs < hopMs) throw new IllegalArgumentException("need maxSilKeptMs >= hopMs");
        if (maxClipMs < 2 * Math.max(minClipMs, 1)) throw new IllegalArgumentException("maxClipMs must be at least twice minClipMs");
    }

    public static SlicerConfig defaults() {
        return new SlicerConfig(-34, 4000, 300, 10, 500, 15000, 600);
    }
}
