package dev.voxpipe.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Adam with decoupled weight decay over named parameters. The moments live as NDArrays in the
 * parameters' manager; {@link #state()} copies them out for checkpoints (bit-exact resume).
 */
public final class Adam {
    private final double beta1 = 0.9;
    private final double beta2 = 0.98;
    private final double epsilon = 1e-9;
    private final double weightDecay;
    private final Map<String, NDArray> first = new LinkedHashMap<>();
    private final Map<String, NDArray> second = new LinkedHashMap<>();
    private long updates;

    public Adam(double weightDecay) {
        this.weightDecay = weightDecay;
    }

    /** The moment arrays (kept alive by the trainer's sweep of temporaries). */
    public java.util.List<NDArray> moments() {
        java.util.List<NDArray> all = new java.util.ArrayList<>(first.values());
        all.addAll(second.values());
        return all;
    }

    public long updates() {
        return updates;
    }

    /**
     * One update of every parameter from its gradient, scaled by {@code gradScale} (clipping).
     * Runs outside autograd; temporaries go to {@code scratch}.
     */
    public void step(Map<String, NDArray> params, Map<String, NDArray> grads, double learningRate, double gradScale,
                     NDManager scratch) {
        updates++;
        double c1 = 1 - Math.pow(beta1, updates);
        double c2 = 1 - Math.pow(beta2, updates);
        for (Map.Entry<String, NDArray> e : params.entrySet()) {
            String name = e.getKey();
            NDArray p = e.getValue();
            NDArray g = grads.get(name);
            if (g == null) {
                continue;
            }
            NDManager home = p.getManager();
            NDArray m = first.computeIfAbsent(name, k -> home.zeros(p.getShape()));
            NDArray v = second.computeIfAbsent(name, k -> home.zeros(p.getShape()));
            NDArray gs = g.mul((float) gradScale);
            gs.attach(scratch);
            NDArray t1 = gs.mul((float) (1 - beta1));
            t1.attach(scratch);
            m.muli((float) beta1).addi(t1);
            NDArray t2 = gs.square().mul((float) (1 - beta2));
            t2.attach(scratch);
            v.muli((float) beta2).addi(t2);
            NDArray denom = v.div((float) c2).sqrt().add((float) epsilon);
            denom.attach(scratch);
            NDArray update = m.div((float) c1).div(denom).mul((float) learningRate);
            update.attach(scratch);
            if (weightDecay > 0 && name.endsWith(".w")) {
                NDArray decay = p.mul((float) (learningRate * weightDecay));
                decay.attach(scratch);
                p.subi(decay);
            }
            p.subi(update);
        }
    }

    public void writeState(DataOutputStream out) throws IOException {
        out.writeLong(updates);
        ParamStore s = new ParamStore();
        first.forEach((k, v) -> s.put("m." + k, ParamStore.Tensor.of(v)));
        second.forEach((k, v) -> s.put("v." + k, ParamStore.Tensor.of(v)));
        s.write(out);
    }

    public void readState(DataInputStream in, NDManager manager) throws IOException {
        updates = in.readLong();
        ParamStore s = ParamStore.read(in);
        first.clear();
        second.clear();
        s.tensors().forEach((k, v) -> {
            if (k.startsWith("m.")) {
                first.put(k.substring(2), v.toNd(manager));
            } else if (k.startsWith("v.")) {
                second.put(k.substring(2), v.toNd(manager));
            }
        });
    }
}
