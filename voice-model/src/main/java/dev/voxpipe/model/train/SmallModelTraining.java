package dev.voxpipe.model.train;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.training.GradientCollector;
import dev.voxpipe.model.Adam;
import dev.voxpipe.model.Devices;
import dev.voxpipe.model.ParamStore;
import dev.voxpipe.model.Weights;
import org.slf4j.Logger;

import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.function.ToIntFunction;

/**
 * The training loop of the small models beside the acoustic model ({@link PitchTrain}, {@link AperiodicityTrain}):
 * Adam, learning rate 2e-3 with a 100-step warm-up and x0.3 after 70 % of the steps, gradient norm clipped at 1, a
 * step skipped when its loss or gradient is not finite. Deterministic for the caller's seed on one thread.
 */
final class SmallModelTraining {
    /** One step's losses for a batch the callback draws itself: {@code [0]} is minimised, all are logged. */
    interface StepLoss {
        NDArray[] losses(Weights w, NDManager scope);
    }

    private SmallModelTraining() {
    }

    /**
     * Trains {@code params} in place for {@code steps} steps.
     *
     * @param lossNames names of the losses {@code loss} returns, for the log and the curve's header
     * @param decimals  decimals of the loss curve's values
     * @return the loss curve as CSV ({@code step,<lossNames>}), one row per step
     */
    static String train(ParamStore params, int steps, List<String> lossNames, int decimals, StepLoss loss, Logger log) {
        Engine engine = Devices.engine();
        StringBuilder curve = new StringBuilder("step," + String.join(",", lossNames) + "\n");
        String value = "%." + decimals + "f";
        try (NDManager pm = NDManager.newBaseManager(Devices.preferred())) {
            Map<String, NDArray> trainable = new LinkedHashMap<>();
            params.tensors().forEach((k, v) -> {
                NDArray x = v.toNd(pm);
                x.setRequiresGradient(true);
                trainable.put(k, x);
            });
            Adam adam = new Adam(0);
            double smoothed = Double.NaN;
            for (int step = 1; step <= steps; step++) {
                double lr = 2e-3 * Math.min(1, step / 100.0) * (step > steps * 0.7 ? 0.3 : 1);
                try (NDManager s = pm.newSubManager()) {
                    double[] values;
                    try (GradientCollector gc = engine.newGradientCollector()) {
                        NDArray[] losses = loss.losses(new Weights(trainable), s);
                        values = new double[losses.length];
                        for (int i = 0; i < losses.length; i++) values[i] = losses[i].getFloat();
                        gc.backward(losses[0]);
                    }
                    JniUtils.setGradMode(false);
                    Map<String, NDArray> grads = new LinkedHashMap<>();
                    double sq = 0;
                    for (Map.Entry<String, NDArray> e : trainable.entrySet()) {
                        NDArray g = e.getValue().getGradient();
                        g.attach(s);
                        grads.put(e.getKey(), g);
                        sq += g.square().sum().getFloat();
                    }
                    double gnorm = Math.sqrt(sq);
                    if (Double.isFinite(gnorm) && Double.isFinite(values[0])) {
                        adam.step(trainable, grads, lr, gnorm > 1 ? 1 / gnorm : 1, s);
                    }
                    for (NDArray p : trainable.values()) JniUtils.zeroGrad((PtNDArray) p);
                    // autograd leaves arrays in the parameters' manager every step: close all but the state
                    Set<NDArray> keep = Collections.newSetFromMap(new IdentityHashMap<>());
                    keep.addAll(trainable.values());
                    keep.addAll(adam.moments());
                    for (NDArray x : pm.getManagedArrays()) if (!keep.contains(x)) x.close();
                    smoothed = Double.isNaN(smoothed) ? values[0] : 0.98 * smoothed + 0.02 * values[0];
                    curve.append(step);
                    for (double v : values) curve.append(',').append(String.format(Locale.ROOT, value, v));
                    curve.append('\n');
                    if (step % 100 == 0 || step == steps) {
                        StringBuilder line = new StringBuilder(String.format(Locale.ROOT, "step %d/%d: %s %.4f (smoothed %.4f)",
                                step, steps, lossNames.get(0), values[0], smoothed));
                        for (int i = 1; i < values.length; i++) {
                            line.append(String.format(Locale.ROOT, ", %s %.4f", lossNames.get(i), values[i]));
                        }
                        log.info("{}", line);
                    }
                }
            }
            trainable.forEach((k, v) -> params.put(k, ParamStore.Tensor.of(v)));
        }
        return curve.toString();
    }

    /** Mean and standard deviation of every value of the log-mels [frames][MELS]: the models' input normalisation. */
    static float[] melNormalisation(List<float[][]> mels) {
        double sum = 0;
        double sq = 0;
        long n = 0;
        for (float[][] mel : mels) {
            for (float[] frame : mel) {
                for (float v : frame) {
                    sum += v;
                    sq += v * (double) v;
                    n++;
                }
            }
        }
        double mean = sum / n;
        return new float[]{(float) mean, (float) Math.sqrt(sq / n - mean * mean)};
    }

    /** Random examples (with replacement) up to {@code frameBudget} padded frames, at least one. */
    static <T> List<T> sample(List<T> data, int frameBudget, Random rng, ToIntFunction<T> frames) {
        List<T> batch = new ArrayList<>();
        int longest = 0;
        while (true) {
            T e = data.get(rng.nextInt(data.size()));
            int next = Math.max(longest, frames.applyAsInt(e));
            if (!batch.isEmpty() && next * (batch.size() + 1) > frameBudget) break;
            batch.add(e);
            longest = next;
        }
        return batch;
    }

    /**
     * The command line both trainers take: {@code --speakers DIR[,DIR...] --out DIR [--steps 1500] [--channels N]
     * [--frames 4000] [--limit 400] [--seed 1]}.
     */
    record Options(List<Path> speakers, Path out, int steps, int channels, int frameBudget, int limit, long seed) {
        static Options parse(String[] args, int defaultChannels) {
            Map<String, String> a = new HashMap<>();
            for (int i = 0; i + 1 < args.length; i += 2) a.put(args[i].replaceFirst("^--", ""), args[i + 1]);
            if (!a.containsKey("speakers") || !a.containsKey("out")) throw new IllegalArgumentException("--speakers and --out are required");
            List<Path> speakers = new ArrayList<>();
            for (String s : a.get("speakers").split(",")) speakers.add(Path.of(s.strip()));
            return new Options(speakers, Path.of(a.get("out")), Integer.parseInt(a.getOrDefault("steps", "1500")),
                    Integer.parseInt(a.getOrDefault("channels", "" + defaultChannels)),
                    Integer.parseInt(a.getOrDefault("frames", "4000")), Integer.parseInt(a.getOrDefault("limit", "400")),
                    Long.parseLong(a.getOrDefault("seed", "1")));
        }
    }

    /** CPU time of this JVM, all threads. */
    static double cpuSeconds() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime() / 1e9;
    }
}
