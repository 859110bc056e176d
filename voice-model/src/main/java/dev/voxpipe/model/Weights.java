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

    /** Base arrays (shared, read-only) overlaid with arrays created from a voice's tensors in {@code manager}. */
    public static Weights overlay(Map<String, NDArray> base, Map<String, ParamStore.Tensor> overrides,
                                  NDManager manager) {
        Map<String, NDArray> merged = new HashMap<>(base);
        if (overrides != null) {
            overrides.forEach((k, v) -> merged.put(k, v.toNd(manager)));
        }
        return new Weights(merged);
    }
}
