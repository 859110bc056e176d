package dev.voxpipe.model;

import java.io.ByteArrayOutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;

/**
 * Digests of what {@link VoiceModelRuntime} computes (fine-tune and resume, zero-shot, synthesis with either vocoder,
 * log-mels, rendering, duration calibration, teacher forcing) on two tiny random bases, one with prosody: run it before
 * and after a refactoring of the runtime and diff the two outputs (identical = bit-identical behaviour). One engine
 * thread, class path as in bench/model/run.sh; not a test (it asserts nothing by itself).
 */
public final class RuntimeDigests {
    private RuntimeDigests() {
    }

    public static void main(String[] args) throws Exception {
        ModelConfig tinyProsody = ModelConfig.tiny(ModelConfig.Input.PHONEMES).withProsody(true);
        BaseCheckpoint[] bases = {SyntheticVoices.tinyBase(3), new BaseCheckpoint(tinyProsody,
                ParamStore.initialise(AcousticModel.parameterSpecs(tinyProsody), 4), new float[tinyProsody.speakerDim()],
                "id=tiny-prosody\n")};
        for (int b = 0; b < bases.length; b++) {
            String name = "base" + b;
            try (VoiceModelRuntime runtime = VoiceModelRuntime.fromCheckpoint(bases[b], false)) {
                List<TrainingUtterance> clips = clips();
                List<FineTuneState> checkpoints = new ArrayList<>();
                FineTuneResult tuned = runtime.fineTune(clips, new FineTuneConfig(6, 3, 3e-3, 7, 0), null,
                        new FineTuneListener() {
                            @Override
                            public void onProgress(int step, int totalSteps, double loss) {
                                System.out.println(name + " step " + step + " loss " + loss);
                            }

                            @Override
                            public void onCheckpoint(FineTuneState state) {
                                checkpoints.add(state);
                            }
                        });
                System.out.println(name + " delta " + digest(deltaBytes(tuned.delta())) + " loss " + tuned.finalLoss());
                FineTuneResult resumed = runtime.fineTune(clips, new FineTuneConfig(8, 0, 3e-3, 7, 0),
                        checkpoints.get(0), null);
                System.out.println(name + " resumed delta " + digest(deltaBytes(resumed.delta())));
                VoiceDelta zeroShot = runtime.zeroShot(clips.stream().map(TrainingUtterance::logMel).toList());
                print(name + " zero-shot embedding", zeroShot.speakerEmbedding());
                List<String> text = List.of("Hello world.", "The quick brown fox.");
                for (VoiceModelRuntime.Vocoder vocoder : VoiceModelRuntime.Vocoder.values()) {
                    SynthesisOutput out = runtime.useVocoder(vocoder).synthesize(tuned.delta(), text, 1.0);
                    print(name + " synthesis " + vocoder, concat(out.audio()));
                }
                print(name + " log-mels", concat(rows(runtime.logMels(zeroShot, text, 1.3))));
                print(name + " rendering", concat(rows(runtime.rendering(null, text, 1.0).logMels())));
                System.out.println(name + " duration calibration " + runtime.calibrateDurations(tuned.delta(), clips));
                print(name + " teacher-forced", concat(rows(runtime.teacherForcedMels(tuned.delta(), clips))));
            }
        }
    }

    /** Twelve synthetic clips, every other one with a half-voiced F0 track at 140 Hz. */
    private static List<TrainingUtterance> clips() {
        List<TrainingUtterance> clips = new ArrayList<>();
        Random rng = new Random(9);
        for (int i = 0; i < 12; i++) {
            String sentence = SyntheticVoices.sentence(rng);
            float[][] mel = SyntheticVoices.logMel(sentence, 1, rng);
            float[] f0 = null;
            if (i % 2 == 0) {
                f0 = new float[mel.length];
                Arrays.fill(f0, 0, f0.length / 2, 140f);
            }
            clips.add(new TrainingUtterance(mel, sentence, f0));
        }
        return clips;
    }

    private static byte[] deltaBytes(VoiceDelta delta) throws java.io.IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        delta.write(out);
        return out.toByteArray();
    }

    private static List<float[]> rows(List<float[][]> matrices) {
        List<float[]> rows = new ArrayList<>();
        for (float[][] m : matrices) rows.addAll(Arrays.asList(m));
        return rows;
    }

    private static float[] concat(List<float[]> parts) {
        float[] out = new float[parts.stream().mapToInt(p -> p.length).sum()];
        int at = 0;
        for (float[] p : parts) {
            System.arraycopy(p, 0, out, at, p.length);
            at += p.length;
        }
        return out;
    }

    private static void print(String name, float[] values) throws NoSuchAlgorithmException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        for (float v : values) {
            int bits = Float.floatToRawIntBits(v);
            bytes.write(bits >>> 24);
            bytes.write(bits >>> 16);
            bytes.write(bits >>> 8);
            bytes.write(bits);
        }
        System.out.println(name + " " + digest(bytes.toByteArray()) + " (" + values.length + " values)");
    }

    private static String digest(byte[] bytes) throws NoSuchAlgorithmException {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes)).substring(0, 16);
    }
}
