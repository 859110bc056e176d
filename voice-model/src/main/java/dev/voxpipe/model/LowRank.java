package dev.voxpipe.model;

import ai.djl.ndarray.NDArray;

import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.function.Predicate;

/**
 * LoRA for few-shot voices: an adapted weight W [out, in, (k)] is the frozen base weight plus a low-rank product,
 * W = W0 + B A with A [rank, in*k] and B [out, rank]; only A and B are trained and stored (as
 * {@code lora.<name>.a} / {@code lora.<name>.b} in the voice's overrides). A weight is factorised only where that is
 * smaller than the weight itself; vectors (biases, norms) and small weights stay fully adapted. B starts at zero, so
 * training starts from the base; A starts random with variance 1/rank, so that one Adam step moves W by about the
 * learning rate, like full adaptation.
 */
public final class LowRank {
    public static final String PREFIX = "lora.";

    private LowRank() {
    }

    public static String a(String weight) {
        return PREFIX + weight + ".a";
    }

    public static String b(String weight) {
        return PREFIX + weight + ".b";
    }

    /** The weight a factor belongs to, or null when {@code name} is no factor. */
    static String weightOf(String name) {
        if (!name.startsWith(PREFIX) || !(name.endsWith(".a") || name.endsWith(".b"))) {
            return null;
        }
        return name.substring(PREFIX.length(), name.length() - 2);
    }

    /** Whether rank-{@code rank} factors of a weight of this shape are smaller than the weight. */
    static boolean pays(long[] shape, int rank) {
        if (shape.length < 2) {
            return false;
        }
        long in = 1;
        for (int i = 1; i < shape.length; i++) {
            in *= shape[i];
        }
        return (long) rank * (shape[0] + in) < shape[0] * in;
    }

    /** The adapted weights (per {@code adapted}) that rank-{@code rank} factors make smaller. */
    public static Set<String> targets(ParamStore base, Predicate<String> adapted, int rank) {
        Set<String> out = new LinkedHashSet<>();
        if (rank <= 0) {
            return out;
        }
        base.tensors().forEach((name, t) -> {
            if (adapted.test(name) && pays(t.shape(), rank)) {
                out.add(name);
            }
        });
        return out;
    }

    /** Starting factors of each target: A random (variance 1/rank), B zero. */
    public static Map<String, ParamStore.Tensor> initial(ParamStore base, Set<String> targets, int rank, long seed) {
        Map<String, ParamStore.Tensor> out = new LinkedHashMap<>();
        Random rng = new Random(seed * 31 + rank);
        for (String name : targets) {
            long[] shape = base.get(name).shape();
            int rows = (int) shape[0];
            int in = base.get(name).data().length / rows;
            float[] a = new float[rank * in];
            for (int i = 0; i < a.length; i++) {
                a[i] = (float) (rng.nextGaussian() / Math.sqrt(rank));
            }
            out.put(a(name), new ParamStore.Tensor(new long[]{rank, in}, a));
            out.put(b(name), new ParamStore.Tensor(new long[]{rows, rank}, new float[rows * rank]));
        }
        return out;
    }

    /** W0 + B A in W0's shape (inside or outside autograd). */
    static NDArray compose(NDArray base, NDArray a, NDArray b) {
        return base.add(b.matMul(a).reshape(base.getShape()));
    }
}
