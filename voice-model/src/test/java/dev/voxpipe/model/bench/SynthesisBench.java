package dev.voxpipe.model.bench;

import ai.djl.ndarray.NDManager;
import dev.voxpipe.model.Devices;
import dev.voxpipe.model.HarmonicVocoder;
import dev.voxpipe.model.PitchModel;
import dev.voxpipe.model.Spectral;
import dev.voxpipe.model.SynthesisOutput;
import dev.voxpipe.model.VoiceDelta;
import dev.voxpipe.model.VoiceModelRuntime;

import java.io.FileInputStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Real-time factor of synthesis with the shipped base (or --base DIR, --voice FILE.delta): the acoustic model
 * alone, the pitch model, the harmonic vocoder (with and without envelope matching, and two sentences at a time as
 * synthesize() does on two cores) against Griffin-Lim on the same mels, and the full call with either
 * vocoder, measured in the same run; the reference is the audio duration. Prints RTF = seconds of compute per
 * second of audio, min and median over --rounds.
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
        java.util.Map<String, String> a = BenchArgs.parse(args);
        VoiceModelRuntime runtime = a.containsKey("base") ? VoiceModelRuntime.loadBase(Path.of(a.get("base")))
                : VoiceModelRuntime.loadBase();
        VoiceDelta voice = null;
        if (a.containsKey("voice")) {
            try (FileInputStream in = new FileInputStream(a.get("voice"))) {
                voice = VoiceDelta.read(in);
            }
        }
        int rounds = Integer.parseInt(a.getOrDefault("rounds", "5"));
        System.out.printf(Locale.ROOT, "base %s, %d parameters, device %s, torch threads %s%n", runtime.baseModelId(),
                runtime.parameterCount(), runtime.device(), System.getProperty("ai.djl.pytorch.num_threads", "default"));
        VoiceDelta v = voice;
        runtime.synthesize(voice, SENTENCES.subList(0, 1), 1.0);   // warm-up
        VoiceModelRuntime.Rendering rendering = runtime.rendering(voice, SENTENCES, 1.0);
        List<float[][]> mels = rendering.logMels();
        double audioSeconds = 0;
        for (float[][] m : mels) audioSeconds += (m.length - 1) * Spectral.HOP / (double) Spectral.SAMPLE_RATE;
        PitchModel.F0Stats range = runtime.pitchRange(voice);
        List<float[]> f0 = new java.util.ArrayList<>();
        if (rendering.f0Hz() != null) {
            f0.addAll(rendering.f0Hz()); // the acoustic model's own F0, as synthesis uses it
        } else {
            try (NDManager m = NDManager.newBaseManager(Devices.preferred())) {
                for (float[][] mel : mels) f0.add(VoiceModelRuntime.pitchModel().f0(m, mel, range));
            }
        }
        System.out.printf(Locale.ROOT, "%d sentences, %.1f s of audio; each figure: RTF (compute seconds per audio second) over %d rounds, min | median%n",
                SENTENCES.size(), audioSeconds, rounds);
        Map<String, Runnable> parts = new java.util.LinkedHashMap<>();
        parts.put("acoustic model", () -> runtime.logMels(v, SENTENCES, 1.0));
        parts.put("pitch model", () -> {
            try (NDManager m = NDManager.newBaseManager(Devices.preferred())) {
                for (float[][] mel : mels) VoiceModelRuntime.pitchModel().f0(m, mel, range);
            }
        });
        parts.put("harmonic vocoder (default)", () -> {
            try (NDManager m = NDManager.newBaseManager(Devices.preferred())) {
                for (int i = 0; i < mels.size(); i++) HarmonicVocoder.synthesize(m, mels.get(i), f0.get(i), 1);
            }
        });
        HarmonicVocoder.Settings defaults = HarmonicVocoder.Settings.defaults();
        HarmonicVocoder.Settings unmatched = defaults.withMatchIterations(0);
        parts.put("harmonic vocoder, no envelope matching", () -> {
            try (NDManager m = NDManager.newBaseManager(Devices.preferred())) {
                for (int i = 0; i < mels.size(); i++) HarmonicVocoder.synthesize(m, mels.get(i), f0.get(i), 1, unmatched);
            }
        });
        HarmonicVocoder.Settings periodic = defaults.withLearnedAperiodicity(false);
        parts.put("harmonic vocoder, no learned aperiodicity", () -> {
            try (NDManager m = NDManager.newBaseManager(Devices.preferred())) {
                for (int i = 0; i < mels.size(); i++) HarmonicVocoder.synthesize(m, mels.get(i), f0.get(i), 1, periodic);
            }
        });
        HarmonicVocoder.Settings iterated = defaults.withUnvoicedFromMel(true, 8);
        parts.put("harmonic vocoder, 8 Griffin-Lim iterations on unvoiced frames", () -> {
            try (NDManager m = NDManager.newBaseManager(Devices.preferred())) {
                for (int i = 0; i < mels.size(); i++) HarmonicVocoder.synthesize(m, mels.get(i), f0.get(i), 1, iterated);
            }
        });
        // what synthesize() does on a 2-core machine: sentences vocoded two at a time
        java.util.concurrent.ForkJoinPool twoCores = new java.util.concurrent.ForkJoinPool(2);
        parts.put("harmonic vocoder (default), 2 sentences at a time", () -> twoCores.submit(() ->
                java.util.stream.IntStream.range(0, mels.size()).parallel().forEach(i -> {
                    try (NDManager m = NDManager.newBaseManager(Devices.preferred())) {
                        HarmonicVocoder.synthesize(m, mels.get(i), f0.get(i), 1);
                    }
                })).join());
        parts.put("Griffin-Lim, 20 iterations", () -> {
            try (NDManager m = NDManager.newBaseManager(Devices.preferred())) {
                for (float[][] mel : mels) Spectral.griffinLim(m, mel, 20, 0.99, 1);
            }
        });
        parts.put("full synthesize(), harmonic (default)", () -> runtime.useVocoder(VoiceModelRuntime.Vocoder.HARMONIC).synthesize(v, SENTENCES, 1.0));
        parts.put("full synthesize(), Griffin-Lim", () -> runtime.useVocoder(VoiceModelRuntime.Vocoder.GRIFFIN_LIM).synthesize(v, SENTENCES, 1.0));
        for (var e : parts.entrySet()) {
            double[] rtf = new double[rounds];
            for (int r = 0; r < rounds; r++) {
                long t0 = System.nanoTime();
                e.getValue().run();
                rtf[r] = (System.nanoTime() - t0) / 1e9 / audioSeconds;
            }
            java.util.Arrays.sort(rtf);
            System.out.printf(Locale.ROOT, "%-40s %.4f | %.4f%n", e.getKey(), rtf[0], rtf[rounds / 2]);
        }
        runtime.useVocoder(VoiceModelRuntime.Vocoder.HARMONIC);
    }
}
