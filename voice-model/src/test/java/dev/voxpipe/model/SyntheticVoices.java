package dev.voxpipe.model;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/** Tiny synthetic "speakers": every symbol has a log-mel colour, shifted per speaker, held 2-4 frames. */
final class SyntheticVoices {
    private static final String[] WORDS = {"the", "cat", "sat", "on", "a", "mat", "dogs", "run", "quick", "brown",
            "fox", "jumps", "over", "lazy", "voice", "model", "speech", "hello", "world", "yes", "no"};

    private SyntheticVoices() {
    }

    static String sentence(Random rng) {
        int n = 2 + rng.nextInt(4);
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < n; i++) {
            b.append(i == 0 ? "" : " ").append(WORDS[rng.nextInt(WORDS.length)]);
        }
        return b.append('.').toString();
    }

    /** Log-mel [frames][100] for text spoken by speaker {@code speaker}. */
    static float[][] logMel(String text, int speaker, Random rng) {
        int[] ids = CharTokenizer.encode(text);
        List<float[]> frames = new ArrayList<>();
        for (int id : ids) {
            int hold = id == CharTokenizer.BLANK ? 1 : 2 + rng.nextInt(3);
            for (int h = 0; h < hold; h++) {
                float[] f = new float[Spectral.MELS];
                for (int k = 0; k < f.length; k++) {
                    double colour = Math.sin(0.37 * id * (k + 1)) * 2.0;
                    double timbre = speaker * 1.5 * Math.cos(k / 15.0);
                    f[k] = (float) (-6 + colour + timbre + 0.1 * rng.nextGaussian());
                }
                frames.add(f);
            }
        }
        return frames.toArray(float[][]::new);
    }

    static List<TrainingUtterance> utterances(int count, int speaker, long seed) {
        Random rng = new Random(seed);
        List<TrainingUtterance> out = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            String s = sentence(rng);
            out.add(new TrainingUtterance(logMel(s, speaker, rng), s));
        }
        return out;
    }

    /** An untrained tiny base (random weights), enough for shapes, plumbing and short training. */
    static BaseCheckpoint tinyBase(long seed) {
        ModelConfig c = ModelConfig.tiny();
        ParamStore p = ParamStore.initialise(AcousticModel.parameterSpecs(c), seed);
        return new BaseCheckpoint(c, p, new float[c.speakerDim()], "id=tiny-test\n");
    }
}
