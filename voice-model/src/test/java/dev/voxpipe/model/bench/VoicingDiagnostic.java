package dev.voxpipe.model.bench;

import ai.djl.ndarray.NDManager;
import dev.voxpipe.model.HarmonicVocoder;
import dev.voxpipe.model.Spectral;

import java.nio.file.Path;
import java.util.List;

/**
 * Where the harmonic vocoder loses voicing: frames voiced in the recording but not in its copy synthesis, by distance
 * to the nearest voicing edge. {@code VoicingDiagnostic DIR LIMIT} (a protocol split directory).
 */
public final class VoicingDiagnostic {
    private VoicingDiagnostic() {
    }

    /** RMS over the YIN silence check's window for frame t (about 22 ms before the centre to 3 ms after). */
    static double dbfs(float[] x, int t) {
        int centre = t * Spectral.HOP;
        int from = Math.max(0, centre - 720);
        int to = Math.min(x.length, centre + 80);
        double e = 0;
        for (int i = from; i < to; i++) e += x[i] * x[i];
        return 10 * Math.log10(Math.max(1e-12, e / Math.max(1, to - from)));
    }

    public static void main(String[] args) throws Exception {
        List<CloneEvaluation.Clip> clips = CloneEvaluation.read(Path.of(args[0]), Integer.parseInt(args[1]));
        int[] lostByEdge = new int[6];
        int[] voicedByEdge = new int[6];
        int gained = 0;
        int voiced = 0;
        int frames = 0;
        double lostLevel = 0;
        double lostF0 = 0;
        int lost = 0;
        try (NDManager m = NDManager.newBaseManager()) {
            for (CloneEvaluation.Clip c : clips) {
                float[][] mel = Spectral.logMel(c.pcm());
                float[] f0 = VocoderComparison.FEATURE_TRACKER.f0(c.pcm(), Spectral.SAMPLE_RATE, Spectral.HOP);
                float[] out = HarmonicVocoder.synthesize(m, mel, f0, 1);
                float[] g = VocoderComparison.PITCH.f0(out, Spectral.SAMPLE_RATE, Spectral.HOP);
                int n = Math.min(g.length, mel.length);
                for (int t = 0; t < n; t++) {
                    frames++;
                    boolean vr = f0[t] > 0;
                    boolean vo = g[t] > 0;
                    if (vo && !vr) gained++;
                    if (!vr) continue;
                    voiced++;
                    int edge = 0;
                    while (edge < 5 && t - edge - 1 >= 0 && t + edge + 1 < n && f0[t - edge - 1] > 0 && f0[t + edge + 1] > 0) edge++;
                    voicedByEdge[edge]++;
                    if (!vo) {
                        lostByEdge[edge]++;
                        lost++;
                        double e = 0;
                        for (float v : mel[t]) e = Math.max(e, v);
                        lostLevel += e;
                        lostF0 += f0[t];
                        if (lost % 20 == 0) System.out.printf("lost %s t=%d edge=%d f0 %.0f prev %.0f next %.0f; e0 window dBFS ref %.1f out %.1f%n",
                                c.id(), t, edge, f0[t], t > 0 ? f0[t - 1] : -1, t + 1 < n ? f0[t + 1] : -1, dbfs(c.pcm(), t), dbfs(out, t));
                    }
                }
            }
        }
        System.out.printf("frames %d, ref voiced %d, lost %d, gained %d; lost frames: mean max log-mel %.1f, mean F0 %.0f%n",
                frames, voiced, lost, gained, lostLevel / lost, lostF0 / lost);
        for (int e = 0; e < 6; e++) System.out.printf("distance to voicing edge %d: lost %d of %d%n", e, lostByEdge[e], voicedByEdge[e]);
    }
}
