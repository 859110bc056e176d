package dev.voxpipe.model.bench;

import ai.djl.ndarray.NDManager;
import dev.voxpipe.dsp.PitchTracker;
import dev.voxpipe.model.Devices;
import dev.voxpipe.model.HarmonicVocoder;
import dev.voxpipe.model.Spectral;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Copy synthesis, the floor a vocoder puts under every model: each recording's own log-mel through Griffin-Lim
 * ({@code OUT/vocoded}) and through the harmonic-plus-noise vocoder with the recording's own F0 ({@code OUT/hnm}),
 * beside the recordings ({@code OUT/ref}), for {@code speech-tools clone-report}.
 * <pre>VocoderComparison --heldout DIR --out DIR [--limit 40]</pre>
 */
public final class VocoderComparison {
    /** The evaluation harness's F0 range: YIN, 50-500 Hz. */
    static final PitchTracker PITCH = PitchTracker.defaults().withRange(50, 500);
    /** The feature stage's tracker (its defaults): the F0 the vocoder is given, as in training and synthesis. */
    static final PitchTracker FEATURE_TRACKER = PitchTracker.defaults();

    private VocoderComparison() {
    }

    public static void main(String[] args) throws Exception {
        java.util.Map<String, String> a = BenchArgs.parse(args);
        List<CloneEvaluation.Clip> clips = CloneEvaluation.read(Path.of(a.get("heldout")), Integer.parseInt(a.getOrDefault("limit", "40")));
        Path out = Path.of(a.get("out"));
        List<float[]> griffinLim = new ArrayList<>();
        List<float[]> harmonic = new ArrayList<>();
        long glNanos = 0;
        long hnmNanos = 0;
        double seconds = 0;
        try (NDManager m = NDManager.newBaseManager(Devices.preferred())) {
            for (CloneEvaluation.Clip c : clips) {
                float[][] mel = Spectral.logMel(c.pcm());
                float[] f0 = FEATURE_TRACKER.f0(c.pcm(), Spectral.SAMPLE_RATE, Spectral.HOP);
                long t0 = System.nanoTime();
                griffinLim.add(Spectral.griffinLim(m, mel, 20, 0.99, 1));
                long t1 = System.nanoTime();
                harmonic.add(HarmonicVocoder.synthesize(m, mel, f0, 1));
                long t2 = System.nanoTime();
                glNanos += t1 - t0;
                hnmNanos += t2 - t1;
                seconds += c.pcm().length / (double) Spectral.SAMPLE_RATE;
            }
        }
        CloneEvaluation.writeSet(out.resolve("ref"), clips, clips.stream().map(CloneEvaluation.Clip::pcm).toList());
        CloneEvaluation.writeSet(out.resolve("vocoded"), clips, griffinLim);
        CloneEvaluation.writeSet(out.resolve("hnm"), clips, harmonic);
        String summary = String.format(java.util.Locale.ROOT, "%d clips, %.1f s; real-time factor Griffin-Lim %.4f, harmonic-plus-noise %.4f%n",
                clips.size(), seconds, glNanos / 1e9 / seconds, hnmNanos / 1e9 / seconds);
        java.nio.file.Files.writeString(out.resolve("summary.txt"), summary);
        System.out.print(summary);
    }
}
