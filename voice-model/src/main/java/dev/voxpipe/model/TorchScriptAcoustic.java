package dev.voxpipe.model;

import ai.djl.Device;
import ai.djl.MalformedModelException;
import ai.djl.inference.Predictor;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.repository.zoo.Criteria;
import ai.djl.repository.zoo.ModelNotFoundException;
import ai.djl.repository.zoo.ZooModel;
import ai.djl.translate.NoopTranslator;
import ai.djl.translate.TranslateException;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * An acoustic model exported as TorchScript ({@link VoiceModelRuntime#loadTorchScript} gives the signature), loaded as
 * DJL's examples do: {@link Criteria} → {@link ZooModel}, held for the runtime's life, and a {@link Predictor} of its
 * own for each call, in try-with-resources (predictors are not thread-safe).
 */
final class TorchScriptAcoustic implements AutoCloseable {
    private final ZooModel<NDList, NDList> torchScript;

    private TorchScriptAcoustic(ZooModel<NDList, NDList> torchScript) {
        this.torchScript = torchScript;
    }

    static TorchScriptAcoustic load(Path torchScriptFile, Device device) {
        // DJL's loading path: Criteria -> ZooModel; each call then takes a Predictor (not thread-safe) of its own
        Criteria<NDList, NDList> criteria = Criteria.builder()
                .setTypes(NDList.class, NDList.class)
                .optModelPath(torchScriptFile.toAbsolutePath())
                .optEngine("PyTorch")
                .optDevice(device)
                .optTranslator(new NoopTranslator())
                .build();
        ZooModel<NDList, NDList> model;
        try {
            model = criteria.loadModel();
        } catch (IOException | MalformedModelException | ModelNotFoundException e) {
            throw new IllegalArgumentException("cannot load TorchScript " + torchScriptFile + ": " + e.getMessage(), e);
        }
        return new TorchScriptAcoustic(model);
    }

    /** Log-mel [frames][MELS] per sentence of token ids, in the voice of {@code embedding}. */
    List<float[][]> logMels(NDManager root, List<int[]> tokens, float[] embedding, double speed) {
        List<float[][]> out = new ArrayList<>();
        try (NDManager m = root.newSubManager(); Predictor<NDList, NDList> predictor = torchScript.newPredictor()) {
            for (int[] t : tokens) {
                long[] ids = new long[t.length];
                for (int i = 0; i < t.length; i++) {
                    ids[i] = t[i];
                }
                NDList in = new NDList(m.create(ids, new Shape(1, ids.length)),
                        m.create(embedding, new Shape(1, embedding.length)),
                        m.create(new float[]{(float) speed}, new Shape(1)));
                NDList result;
                try {
                    result = predictor.predict(in);
                } catch (TranslateException e) {
                    throw new IllegalStateException("TorchScript model failed: " + e.getMessage(), e);
                }
                NDArray mel = result.get(0);
                long[] s = mel.getShape().getShape();
                if (s.length != 3 || s[0] != 1 || s[2] != Spectral.MELS) {
                    throw new IllegalStateException("TorchScript model returned shape " + mel.getShape()
                            + ", expected [1, frames, " + Spectral.MELS + "]");
                }
                mel.attach(m);
                out.add(Spectral.toMatrix(mel.squeeze(0)));
            }
        }
        return out;
    }

    @Override
    public void close() {
        torchScript.close();
    }
}
