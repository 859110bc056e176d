package dev.voxpipe.model;

import ai.djl.ndarray.NDManager;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A voice's pitch: the shipped pitch model (loaded once per JVM), the pitch range a voice carries or is measured from
 * its clips, and the F0 targets a model with prosody trains on.
 */
final class VoicePitch {
    /** Name under which a voice delta carries its pitch range ({@link PitchModel.F0Stats}: mean, std of ln F0). */
    static final String F0_STATS = "voice.f0Stats";
    private static volatile PitchModel pitchModel;
    private final NDManager root;

    VoicePitch(NDManager root) {
        this.root = root;
    }

    /** The shipped pitch model (loaded once per JVM). */
    static PitchModel pitchModel() {
        PitchModel p = pitchModel;
        if (p == null) {
            synchronized (VoicePitch.class) {
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
    static PitchModel.F0Stats pitchRange(VoiceDelta voice) {
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
    static Map<String, ParamStore.Tensor> pitchTensors(PitchModel.F0Stats stats) {
        return stats == null ? Map.of() : Map.of(F0_STATS, f0StatsTensor(stats));
    }

    /** Whether the pitch model is on the classpath (it is in every build; training the first one runs without). */
    static boolean hasPitchModel() {
        return pitchModel != null || PitchModel.class.getResource(PitchModel.RESOURCE + "params.bin") != null;
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
}
