package dev.voxpipe.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;

import java.util.HashMap;
import java.util.Map;

/**
 * The NDArrays one forward pass reads, by name: the base model's tensors with a voice's overrides
 * layered on top. Built per use from immutable sources, so concurrent calls with different voices
 * never share mutable state.
 */
public final class Weights {
    private final Map<String, NDArray> arrays;

    public Weights(Map<String, NDArray> arrays) {
        this.arrays = arrays;
    }

    /** Every tensor of {@code params} as an array in {@code manager}. */
    public static Weights of(ParamStore params, NDManager manager) {
        Map<String, NDArray> arrays = new HashMap<>();
        params.tensors().forEach((k, v) -> arrays.put(k, v.toNd(manager)));
        return new Weights(arrays);
    }

    public NDArray get(String name) {
        NDArray a = arrays.get(name);
        if (a == null) {
            throw new IllegalArgumentException("missing weight " + name);
        }
        return a;
    }

    public boolean has(String name) {
        return arrays.containsKey(name);
    }

    public Map<String, NDArray> arrays() {
        return arrays;
    }

    /**
     * Base arrays (shared, read-only) overlaid with arrays created from a voice's tensors in {@code manager}; a LoRA
     * voice's factor pairs ({@link LowRank}) become their weight, base plus the low-rank product. The voice's own
     * {@code voice.*} settings (duration calibration, pitch range, spectral bias, clip frames) are not model
     * parameters and are left out: nothing in the model reads them, and the clip frames alone are megabytes.
     */
    public static Weights overlay(Map<String, NDArray> base, Map<String, ParamStore.Tensor> overrides,
                                  NDManager manager) {
        Map<String, NDArray> merged = new HashMap<>(base);
        if (overrides != null) {
            overrides.forEach((k, v) -> {
                if (LowRank.weightOf(k) == null && !k.startsWith("voice.")) {
                    merged.put(k, v.toNd(manager));
                }
            });
            overrides.forEach((k, v) -> {
                String weight = LowRank.weightOf(k);
                if (weight != null && k.endsWith(".a")) {
                    ParamStore.Tensor b = overrides.get(LowRank.b(weight));
                    NDArray w0 = base.get(weight);
                    if (b == null || w0 == null) {
                        throw new IllegalArgumentException("voice has LoRA factor " + k + " without its pair or base weight");
                    }
                    merged.put(weight, LowRank.compose(w0, v.toNd(manager), b.toNd(manager)));
                }
            });
        }
        return new Weights(merged);
    }
}
