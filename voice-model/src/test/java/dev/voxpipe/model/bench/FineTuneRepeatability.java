package dev.voxpipe.model.bench;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import dev.voxpipe.model.FineTuneConfig;
import dev.voxpipe.model.FineTuneListener;
import dev.voxpipe.model.FineTuneResult;
import dev.voxpipe.model.FineTuneState;
import dev.voxpipe.model.Spectral;
import dev.voxpipe.model.TrainingUtterance;
import dev.voxpipe.model.VoiceModelRuntime;

/**
 * Does the same fine-tune on the same clips give the same losses every time, alone and while another thread
 * synthesises (as the synth worker may in the same process)?
 *
 * <pre>FineTuneRepeatability --fewshot DIR [--runs 4] [--steps 10]
 *                       [--concurrent none|synthesis|acoustic|vocoder|aperiodicity|griffinlim|churn]</pre>
 */
public final class FineTuneRepeatability {
    private FineTuneRepeatability() {
    }

    public static void main(String[] args) throws Exception {
        java.util.Map<String, String> a = BenchArgs.parse(args);
        int runs = Integer.parseInt(a.getOrDefault("runs", "4"));
        int steps = Integer.parseInt(a.getOrDefault("steps", "10"));
        // none | synthesis (text to audio) | acoustic (text to log-mel only) | vocoder (a log-mel to audio only) |
        // aperiodicity (the vocoder's learned part) | griffinlim (its FFTs and mel inversion) | churn (AllocationChurn)
        String concurrentWork = a.getOrDefault("concurrent", "none");
        boolean concurrent = !concurrentWork.equals("none");
        List<CloneEvaluation.Clip> clips = CloneEvaluation.read(Path.of(a.get("fewshot")), Integer.MAX_VALUE);
        List<TrainingUtterance> utterances = new ArrayList<>();
        for (CloneEvaluation.Clip c : clips) {
            utterances.add(c.asFeatureStage());
        }
        VoiceModelRuntime runtime = VoiceModelRuntime.loadBase();
        AtomicBoolean done = new AtomicBoolean();
        AtomicInteger rendered = new AtomicInteger();
        Thread other = new Thread(() -> {
            List<String> text = List.of("The conference will begin when the leader arrives.");
            VoiceModelRuntime.Rendering fixed = runtime.rendering(runtime.meanVoice(), text, 1.0);
            while (concurrent && !done.get()) {
                switch (concurrentWork) {
                    case "acoustic" -> runtime.rendering(runtime.meanVoice(), text, 1.0);
                    case "vocoder" -> {
                        try (ai.djl.ndarray.NDManager m = ai.djl.ndarray.NDManager.newBaseManager()) {
                            dev.voxpipe.model.HarmonicVocoder.synthesize(m, fixed.logMels().get(0), fixed.f0Hz().get(0), 1);
                        }
                    }
                    case "aperiodicity" -> {
                        try (ai.djl.ndarray.NDManager m = ai.djl.ndarray.NDManager.newBaseManager()) {
                            dev.voxpipe.model.AperiodicityModel.loadDefault().periodicity(m, fixed.logMels().get(0), fixed.f0Hz().get(0));
                        }
                    }
                    case "griffinlim" -> {
                        try (ai.djl.ndarray.NDManager m = ai.djl.ndarray.NDManager.newBaseManager()) {
                            Spectral.griffinLim(m, fixed.logMels().get(0), 2, 0.99, 1);
                        }
                    }
                    case "churn" -> AllocationChurn.round(); // native memory filled with NaN and freed: no model code
                    default -> runtime.synthesize(runtime.meanVoice(), text, 1.0);
                }
                rendered.incrementAndGet();
            }
        }, "concurrent-synthesis");
        other.start();
        List<String> seen = new ArrayList<>();
        for (int r = 0; r < runs; r++) {
            StringBuilder losses = new StringBuilder();
            FineTuneResult result = runtime.fineTune(utterances, new FineTuneConfig(steps, 0,
                    FineTuneConfig.defaults().learningRate(), FineTuneConfig.defaults().seed()), null, new FineTuneListener() {
                @Override
                public void onProgress(int step, int totalSteps, double loss) {
                    losses.append(String.format(Locale.ROOT, " %d:%.6f", step, loss));
                }

                @Override
                public void onCheckpoint(FineTuneState state) {
                }
            });
            String line = losses + String.format(Locale.ROOT, " final %.6f", result.finalLoss());
            seen.add(line);
            System.out.printf(Locale.ROOT, "run %d%s%s%n", r, line, seen.indexOf(line) == r ? "" : "  (same as run " + seen.indexOf(line) + ")");
        }
        done.set(true);
        other.join();
        System.out.printf(Locale.ROOT, "%d distinct of %d runs; %d concurrent syntheses%n",
                seen.stream().distinct().count(), runs, rendered.get());
    }
}
