package dev.voxpipe.model.bench;

import ai.djl.ndarray.NDManager;
import dev.voxpipe.dsp.WavIo;
import dev.voxpipe.model.Devices;
import dev.voxpipe.model.HarmonicVocoder;
import dev.voxpipe.model.Spectral;
import dev.voxpipe.model.SynthesisOutput;
import dev.voxpipe.model.VoiceModelRuntime;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;

/**
 * Before/after check for a change to the DSP under the model: renders a fixed set of outputs (log-mel features of
 * three signals, Griffin-Lim and the harmonic vocoder on those mels, full synthesis with the shipped base through both
 * vocoders) and either writes them ({@code --write DIR}) or compares them with a directory written before
 * ({@code --compare DIR}): per output the largest difference, in log-mel nepers or in 16-bit steps (1/32768) of audio.
 * When comparing, the vocoders are given the log-mels stored before, so a vocoder's difference is its own, not
 * its input's. Uses only the model's public API (on the commit before "one DSP", {@code Spectral.logMel} still took
 * an {@code NDManager} first).
 * <pre>DspEquivalence --write /tmp/before   (old code)   DspEquivalence --compare /tmp/before   (new code)</pre>
 */
public final class DspEquivalence {
    private DspEquivalence() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length != 2 || !(args[0].equals("--write") || args[0].equals("--compare"))) {
            throw new IllegalArgumentException("usage: DspEquivalence --write DIR | --compare DIR");
        }
        Path dir = Path.of(args[1]);
        // when comparing, the vocoders are fed the log-mels written before, so each is compared on the same input
        Map<String, float[]> outputs = render(args[0].equals("--compare") ? dir : null);
        if (args[0].equals("--write")) {
            Files.createDirectories(dir);
            for (Map.Entry<String, float[]> e : outputs.entrySet()) write(dir.resolve(e.getKey() + ".f32"), e.getValue());
            System.out.println("wrote " + outputs.size() + " outputs to " + dir);
            return;
        }
        double worstAudioSteps = 0;
        double worstMel = 0;
        for (Map.Entry<String, float[]> e : outputs.entrySet()) {
            float[] before = read(dir.resolve(e.getKey() + ".f32"));
            float[] after = e.getValue();
            if (before.length != after.length) {
                System.out.printf(Locale.ROOT, "%-28s LENGTH %d -> %d%n", e.getKey(), before.length, after.length);
                worstAudioSteps = Double.POSITIVE_INFINITY;
                continue;
            }
            double max = 0;
            double sumSq = 0;
            double refSq = 0;
            for (int i = 0; i < after.length; i++) {
                double d = Math.abs(after[i] - before[i]);
                max = Math.max(max, d);
                sumSq += d * d;
                refSq += (double) before[i] * before[i];
            }
            boolean mel = e.getKey().startsWith("mel-");
            if (mel) {
                worstMel = Math.max(worstMel, max);
                System.out.printf(Locale.ROOT, "%-28s %7d values  max |diff| %.3e nepers%n", e.getKey(), after.length, max);
            } else {
                double steps = max * 32768;
                worstAudioSteps = Math.max(worstAudioSteps, steps);
                System.out.printf(Locale.ROOT, "%-28s %7d samples max |diff| %.3e = %.3f 16-bit steps, rel. RMS %.2e%n",
                        e.getKey(), after.length, max, steps, Math.sqrt(sumSq / Math.max(refSq, 1e-30)));
            }
        }
        System.out.printf(Locale.ROOT, "worst audio difference %.3f 16-bit steps, worst log-mel difference %.3e%n",
                worstAudioSteps, worstMel);
    }

    /**
     * Every output, keyed by name: "mel-*" are flattened log-mels, the rest audio. The vocoders render the log-mels
     * just computed, or with {@code melsFrom} those stored there.
     */
    static Map<String, float[]> render(Path melsFrom) throws Exception {
        Map<String, float[][]> signals = new LinkedHashMap<>();
        Map<String, float[]> out = new LinkedHashMap<>();
        Map<String, float[]> audio = new LinkedHashMap<>();
        audio.put("comb", comb());
        audio.put("chirp", readWav("audio-dsp/src/test/resources/fixtures/mel-chirp.wav"));
        audio.put("speech", readWav("audio-dsp/src/test/resources/fixtures/mel-speech.wav"));
        try (NDManager m = NDManager.newBaseManager(Devices.preferred())) {
            for (Map.Entry<String, float[]> a : audio.entrySet()) {
                float[][] logMel = Spectral.logMel(a.getValue());
                out.put("mel-" + a.getKey(), flatten(logMel));
                signals.put(a.getKey(), melsFrom == null ? logMel
                        : unflatten(read(melsFrom.resolve("mel-" + a.getKey() + ".f32")), Spectral.MELS));
            }
            for (Map.Entry<String, float[][]> s : signals.entrySet()) {
                float[][] logMel = s.getValue();
                out.put("griffin-lim-" + s.getKey(), Spectral.griffinLim(m, logMel, 20, 0.99, 7));
                float[] f0 = new float[logMel.length];
                for (int t = 0; t < f0.length; t++) f0[t] = t % 40 < 28 ? 110 + t % 40 : 0;   // voiced stretches, gaps
                out.put("harmonic-" + s.getKey(), HarmonicVocoder.synthesize(m, logMel, f0, 7));
            }
        }
        VoiceModelRuntime runtime = VoiceModelRuntime.loadBase();
        List<String> sentences = List.of("The quick brown fox jumps over the lazy dog.", "Is this the same voice?");
        for (VoiceModelRuntime.Vocoder v : VoiceModelRuntime.Vocoder.values()) {
            VoiceModelRuntime.Vocoder previous = runtime.vocoder();
            SynthesisOutput o = runtime.useVocoder(v).synthesize(null, sentences, 1.0);
            runtime.useVocoder(previous);
            for (int i = 0; i < o.audio().size(); i++) {
                out.put("synth-" + v.name().toLowerCase(Locale.ROOT) + "-" + i, o.audio().get(i));
            }
        }
        return out;
    }

    /** 1.5 s of a 180 Hz harmonic comb with a falling envelope, a pause and noise (speech-like, seeded). */
    private static float[] comb() {
        Random rng = new Random(3);
        float[] x = new float[48000];
        for (int i = 0; i < x.length; i++) {
            double v = 0.02 * rng.nextGaussian();
            if (i < 20000 || i > 28000) {
                for (int h = 1; h <= 30; h++) v += Math.sin(2 * Math.PI * 180 * h * i / 32000.0 + h) / (h * 4.0);
            }
            x[i] = (float) v;
        }
        return x;
    }

    private static float[] readWav(String path) throws Exception {
        Path p = Path.of(path);
        if (!Files.exists(p)) p = Path.of("..").resolve(path);
        try (InputStream in = Files.newInputStream(p)) {
            return WavIo.read(in).samples();
        }
    }

    private static float[] flatten(float[][] a) {
        int cols = a.length == 0 ? 0 : a[0].length;
        float[] flat = new float[a.length * cols];
        for (int i = 0; i < a.length; i++) System.arraycopy(a[i], 0, flat, i * cols, cols);
        return flat;
    }

    private static float[][] unflatten(float[] flat, int cols) {
        float[][] a = new float[flat.length / cols][cols];
        for (int i = 0; i < a.length; i++) System.arraycopy(flat, i * cols, a[i], 0, cols);
        return a;
    }

    private static void write(Path file, float[] data) throws IOException {
        try (DataOutputStream out = new DataOutputStream(new java.io.BufferedOutputStream(Files.newOutputStream(file)))) {
            out.writeInt(data.length);
            for (float v : data) out.writeFloat(v);
        }
    }

    private static float[] read(Path file) throws IOException {
        try (DataInputStream in = new DataInputStream(new java.io.BufferedInputStream(Files.newInputStream(file)))) {
            float[] data = new float[in.readInt()];
            for (int i = 0; i < data.length; i++) data[i] = in.readFloat();
            return data;
        }
    }
}
