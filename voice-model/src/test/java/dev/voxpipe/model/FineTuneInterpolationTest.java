package dev.voxpipe.model;

import org.junit.jupiter.api.Test;

import java.util.LinkedHashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

/** A fine-tuned voice is delivered part of the way from where it started towards the weights training reached. */
class FineTuneInterpolationTest {
    private static ParamStore.Tensor t(float... v) {
        return new ParamStore.Tensor(new long[]{v.length}, v);
    }

    @Test
    void everyTrainedTensorMovesFromItsStartByAlpha() {
        Map<String, ParamStore.Tensor> base = Map.of("dec.w", t(1, 1, 1), "dec.b", t(0, 0));
        Map<String, ParamStore.Tensor> trained = new LinkedHashMap<>();
        trained.put("dec.w", t(3, 1, -1));
        trained.put("dec.b", t(2, -2));
        trained.put("voice.embedding", t(4, 0));
        trained.put("lora.enc.w.a", t(5, 5));
        trained.put("lora.enc.w.b", t(2, -4));
        ParamStore.Tensor unknown = t(7);
        trained.put("voice.other", unknown);

        Map<String, ParamStore.Tensor> half = FineTuner.interpolated(trained, base, new float[]{0, 2}, 0.5);
        assertArrayEquals(new float[]{2, 1, 0}, half.get("dec.w").data(), "halfway from the base's weight");
        assertArrayEquals(new float[]{1, -1}, half.get("dec.b").data());
        assertArrayEquals(new float[]{2, 1}, half.get("voice.embedding").data(), "halfway from the clips' embedding");
        assertArrayEquals(new float[]{5, 5}, half.get("lora.enc.w.a").data(), "a LoRA pair is scaled through one factor");
        assertArrayEquals(new float[]{1, -2}, half.get("lora.enc.w.b").data());
        assertSame(unknown, half.get("voice.other"), "a tensor with no starting point is kept as trained");

        Map<String, ParamStore.Tensor> none = FineTuner.interpolated(trained, base, new float[]{0, 2}, 0.0);
        assertArrayEquals(new float[]{1, 1, 1}, none.get("dec.w").data(), "alpha 0 is the starting voice");
        assertArrayEquals(new float[]{0, 2}, none.get("voice.embedding").data());

        Map<String, ParamStore.Tensor> all = FineTuner.interpolated(trained, base, new float[]{0, 2}, 1.0);
        assertArrayEquals(new float[]{3, 1, -1}, all.get("dec.w").data(), "alpha 1 is the voice as trained");
    }
}
