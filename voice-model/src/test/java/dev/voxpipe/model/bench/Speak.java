package dev.voxpipe.model.bench;

import dev.voxpipe.model.Spectral;
import dev.voxpipe.model.VoiceModelRuntime;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Says sentences with a base's mean voice, to listen to and look at (a quick check of a checkpoint during
 * pretraining):
 * <pre>
 * Speak --base DIR|classpath --out DIR "sentence one" "句子二" ...
 * </pre>
 * Writes {@code OUT/NN.wav} and prints each clip's length and voiced share (the feature stage's tracker).
 */
public final class Speak {
    private Speak() {
    }

    public static void main(String[] args) throws Exception {
        String base = "classpath";
        Path out = Path.of("out/speak");
        List<String> sentences = new java.util.ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--base" -> base = args[++i];
                case "--out" -> out = Path.of(args[++i]);
                default -> sentences.add(args[i]);
            }
        }
        Files.createDirectories(out);
        try (VoiceModelRuntime runtime = VoiceModelRuntime.loadConfigured(
                "classpath".equals(base) ? Optional.empty() : Optional.of(base))) {
            for (int i = 0; i < sentences.size(); i++) {
                float[] pcm = runtime.synthesize(null, List.of(sentences.get(i)), 1.0).audio().get(0);
                Path wav = out.resolve(String.format(Locale.ROOT, "%02d.wav", i));
                CloneEvaluation.writeWav(wav, pcm);
                float[] f0 = VocoderComparison.FEATURE_TRACKER.f0(pcm, Spectral.SAMPLE_RATE, Spectral.HOP);
                int voiced = 0;
                for (float f : f0) {
                    if (f > 0) voiced++;
                }
                System.out.printf(Locale.ROOT, "%s  %.2f s, %.0f%% voiced  %s%n", wav, pcm.length / (double) Spectral.SAMPLE_RATE,
                        100.0 * voiced / Math.max(1, f0.length), sentences.get(i));
            }
        }
    }
}
