package dev.voxpipe.model.bench;

import ai.djl.ndarray.NDManager;
import dev.voxpipe.model.Devices;
import dev.voxpipe.model.Spectral;
import dev.voxpipe.model.SynthesisOutput;
import dev.voxpipe.model.VoiceDelta;
import dev.voxpipe.model.VoiceModelRuntime;

import java.io.FileInputStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * Real-time factor of synthesis with the shipped base (or --base DIR, --voice FILE.delta): the
 * acoustic model alone, Griffin-Lim at 16 and 24 iterations, and the full call, measured in the same
 * run; the reference is the audio duration. Prints RTF = seconds of compute per second of audio.
 */
public final class SynthesisBench {
    private static final List<String> SENTENCES = List.of(
            "The quick brown fox jumps over the lazy dog.",
            "Please enter your account number, followed by the pound key.",
            "It was the best of times, it was the worst of times.",
            "A few minutes of audio are enough to clone a voice.",
            "Streaming pipelines keep every worker busy, even under load.",
            "Thank you for calling, goodbye.");

    private SynthesisBench() {
    }

    public static void main(String[] args) throws Exception {
        java.util.Map<String, String> a = new java.util.HashMap<>();
        for (int i = 0; i + 1 < args.length; i += 2) {
            a.put(args[i].replaceFirst("^--", ""), args[i + 1]);
        }
        VoiceModelRuntime runtime = a.containsKey("base") ? VoiceModelRuntime.loadBase(Path.of(a.get("base")))
                : VoiceModelRuntime.loadBase();
        VoiceDelta voice = null;
        if (a.containsKey("voice")) {
            try (FileInputStream in = new FileInputStream(a.get("voice"))) {
                voice = VoiceDelta.read(in);
            }
        }
        int rounds = Integer.parseInt(a.getOrDefault("rounds", "3"));
        System.out.printf(Locale.ROOT, "base %s, %d parameters, device %s, torch threads %s%n", runtime.baseModelId(),
                runtime.parameterCount(), runtime.device(), System.getProperty("ai.djl.pytorch.num_threads", "default"));
        runtime.synthesize(voice, SENTENCES.subList(0, 1), 1.0);   // warm-up
        for (int r = 0; r < rounds; r++) {
            long t0 = System.nanoTime();
            List<float[][]> mels = runtime.logMels(voice, SENTENCES, 1.0);
            long t1 = System.nanoTime();
            double audioSeconds = 0;
            for (float[][] m : mels) {
                audioSeconds += (m.length - 1) * Spectral.HOP / (double) Spectral.SAMPLE_RATE;
            }
            double gl16 = 0;
            double gl24 = 0;
            try (NDManager m = NDManager.newBaseManager(Devices.preferred())) {
                long g0 = System.nanoTime();
                for (float[][] mel : mels) {
                    Spectral.griffinLim(m, mel, 16, 0.99, 1);
                }
                long g1 = System.nanoTime();
                for (float[][] mel : mels) {
                    Spectral.griffinLim(m, mel, 24, 0.99, 1);
                }
                long g2 = System.nanoTime();
                gl16 = (g1 - g0) / 1e9;
                gl24 = (g2 - g1) / 1e9;
            }
            SynthesisOutput full = runtime.synthesize(voice, SENTENCES, 1.0);
            System.out.printf(Locale.ROOT, "round %d: %.1f s of audio | acoustic model RTF %.4f | Griffin-Lim 16 it RTF %.3f"
                            + " | 24 it RTF %.3f | full synthesize() RTF %.3f%n", r, audioSeconds,
                    (t1 - t0) / 1e9 / audioSeconds, gl16 / audioSeconds, gl24 / audioSeconds, full.realTimeFactor());
        }
    }
}
