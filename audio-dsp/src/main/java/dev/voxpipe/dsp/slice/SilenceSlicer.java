package dev.voxpipe.dsp.slice;

import java.util.ArrayList;
import java.util.List;

/**
 * Cuts speech at silences with the GPT-SoVITS slicer's semantics (RMS frames of
 * min(min_interval, 4 hops) samples every hop, zero-padded and centred; a silence of at least
 * min_interval ends a clip once the clip is min_length long; at most max_sil_kept of silence stays on
 * each side, cut at the quietest frame; leading silence longer than max_sil_kept is removed; trailing
 * silence of at least min_interval is trimmed). Then clips longer than {@code maxClipMs} are split
 * recursively at their quietest frame, and clips shorter than {@code minClipMs} are returned as
 * dropped with a reason. Own implementation of the published algorithm. Thread-safe.
 */
public final class SilenceSlicer {
    private final SlicerConfig config;

    public SilenceSlicer(SlicerConfig config) {
        this.config = config;
    }

    public SlicerConfig config() {
        return config;
    }

    /** Frame RMS as the slicer sees it: one value per hop, frame of {@code win} samples centred on it. */
    public static float[] rmsFrames(float[] x, int win, int hop) {
        int pad = win / 2;
        int frames = 1 + (x.length + 2 * pad - win) / hop;
        double[] cum = new double[x.length + 1];
        for (int i = 0; i < x.length; i++) cum[i + 1] = cum[i] + (double) x[i] * x[i];
        float[] out = new float[Math.max(frames, 0)];
        for (int f = 0; f < out.length; f++) {
            int a = f * hop - pad, b = a + win; // zero padding outside [0, len)
            int ca = Math.max(0, Math.min(x.length, a)), cb = Math.max(0, Math.min(x.length, b));
            out[f] = (float) Math.sqrt(Math.max(0, cum[cb] - cum[ca]) / win);
        }
        return out;
    }

    /** All segments in order: kept clips and dropped ones (with reasons). */
    public List<Segment> slice(float[] x, int sampleRate) {
        int hop = (int) Math.round(sampleRate * config.hopMs() / 1000.0);
        double minIntervalSamples = sampleRate * config.minIntervalMs() / 1000.0;
        int win = (int) Math.min(Math.round(minIntervalSamples), 4L * hop);
        int minLength = (int) Math.round(sampleRate * config.minLengthMs() / 1000.0 / hop);
        int minInterval = (int) Math.round(minIntervalSamples / hop);
        int maxSilKept = (int) Math.round(sampleRate * config.maxSilKeptMs() / 1000.0 / hop);
        double threshold = Math.pow(10, config.thresholdDb() / 20);

        List<int[]> ranges = new ArrayList<>(); // [startSample, endSample)
        float[] rms = rmsFrames(x, win, hop);
        if (x.length <= minLength) {
            ranges.add(new int[]{0, x.length});
        } else {
            List<int[]> silTags = silenceTags(rms, threshold, minLength, minInterval, maxSilKept);
            int total = rms.length;
            if (silTags.isEmpty()) {
                ranges.add(new int[]{0, Math.min(x.length, total * hop)});
            } else {
                if (silTags.get(0)[0] > 0) ranges.add(new int[]{0, silTags.get(0)[0] * hop});
                for (int i = 0; i + 1 < silTags.size(); i++) ranges.add(new int[]{silTags.get(i)[1] * hop, silTags.get(i + 1)[0] * hop});
                int lastEnd = silTags.get(silTags.size() - 1)[1];
                if (lastEnd < total) ranges.add(new int[]{lastEnd * hop, total * hop});
            }
        }
        int maxClip = (int) Math.round(sampleRate * config.maxClipMs() / 1000.0);
        int minClip = (int) Math.round(sampleRate * config.minClipMs() / 1000.0);
        List<Segment> out = new ArrayList<>();
        for (int[] r : ranges) {
            int s = Math.max(0, Math.min(x.length, r[0])), e = Math.max(0, Math.min(x.length, r[1]));
            if (e <= s) continue;
            splitLong(s, e, rms, hop, maxClip, minClip, sampleRate, out);
        }
        return out;
    }

    /** The slicer's silence ranges in frames: [from, to) to remove. */
    private static List<int[]> silenceTags(float[] rms, double threshold, int minLength, int minInterval, int maxSilKept) {
        List<int[]> tags = new ArrayList<>();
        int silenceStart = -1, clipStart = 0;
        for (int i = 0; i < rms.length; i++) {
            if (rms[i] < threshold) {
                if (silenceStart < 0) silenceStart = i;
                continue;
            }
            if (silenceStart < 0) continue;
            boolean leading = silenceStart == 0 && i > maxSilKept;
            boolean middle = i - silenceStart >= minInterval && i - clipStart >= minLength;
            if (!leading && !middle) {
                silenceStart = -1;
                continue;
            }
            int silence = i - silenceStart;
            if (silence <= maxSilKept) {
                int pos = argmin(rms, silenceStart, i + 1);
                tags.add(silenceStart == 0 ? new int[]{0, pos} : new int[]{pos, pos});
                clipStart = pos;
            } else if (silence <= 2 * maxSilKept) {
                int pos = argmin(rms, i - maxSilKept, silenceStart + maxSilKept + 1);
                int posL = argmin(rms, silenceStart, silenceStart + maxSilKept + 1);
                int posR = argmin(rms, i - maxSilKept, i + 1);
                if (silenceStart == 0) {
                    tags.add(new int[]{0, posR});
                    clipStart = posR;
                } else {
                    tags.add(new int[]{Math.min(posL, pos), Math.max(posR, pos)});
                    clipStart = Math.max(posR, pos);
                }
            } else {
                int posL = argmin(rms, silenceStart, silenceStart + maxSilKept + 1);
                int posR = argmin(rms, i - maxSilKept, i + 1);
                tags.add(silenceStart == 0 ? new int[]{0, posR} : new int[]{posL, posR});
                clipStart = posR;
            }
            silenceStart = -1;
        }
        int total = rms.length;
        if (silenceStart >= 0 && total - silenceStart >= minInterval) {
            int silenceEnd = Math.min(total, silenceStart + maxSilKept);
            int pos = argmin(rms, silenceStart, silenceEnd + 1);
            tags.add(new int[]{pos, total + 1});
        }
        return tags;
    }

    /** Index of the first minimum in rms[from, min(to, len)). */
    private static int argmin(float[] rms, int from, int to) {
        to = Math.min(to, rms.length);
        from = Math.max(0, Math.min(from, to - 1));
        int best = from;
        for (int i = from + 1; i < to; i++) if (rms[i] < rms[best]) best = i;
        return best;
    }

    private static void splitLong(int s, int e, float[] rms, int hop, int maxClip, int minClip, int sr, List<Segment> out) {
        int len = e - s;
        if (len <= maxClip) {
            if (len < minClip) {
                out.add(new Segment(s, e, String.format("too short: %.2f s < %.2f s", len / (double) sr, minClip / (double) sr)));
            } else {
                out.add(new Segment(s, e, null));
            }
            return;
        }
        // Split at the quietest frame, keeping both parts at least a third of the way in so the
        // recursion converges and neither side ends up a sliver.
        int fromFrame = (s + len / 3) / hop, toFrame = (e - len / 3) / hop;
        int cut = argmin(rms, fromFrame, toFrame + 1) * hop;
        cut = Math.max(s + 1, Math.min(e - 1, cut));
        splitLong(s, cut, rms, hop, maxClip, minClip, sr, out);
        splitLong(cut, e, rms, hop, maxClip, minClip, sr, out);
    }
}
