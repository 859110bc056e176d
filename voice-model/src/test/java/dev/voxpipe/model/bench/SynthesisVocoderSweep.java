package dev.voxpipe.model.bench;

import ai.djl.ndarray.NDManager;
import dev.voxpipe.model.Devices;
import dev.voxpipe.model.HarmonicVocoder;
import dev.voxpipe.model.PitchModel;
import dev.voxpipe.model.Spectral;
import dev.voxpipe.model.VoiceDelta;
import dev.voxpipe.model.VoiceModelRuntime;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The vocoder under a model's own output: one few-shot voice (the {@code voice.delta} a {@link CloneEvaluation} run
 * left), its held-out prompts' log-mels computed once, then vocoded by each variant into {@code OUT/<variant>}
 * beside {@code OUT/ref}, for {@code speech-tools clone-report}. Variants: {@code griffin-lim}, or
 * {@code hnm:REFINE:LEAD:NOISE[:MAXVOICEDHZ[:REFINEFROMHZ[:MATCH[:APERIODICITY[:UNVOICEDFROMMEL]]]]]} (harmonic
 * vocoder settings, APERIODICITY and UNVOICEDFROMMEL 1 for on; F0 from the acoustic model when it predicts one,
 * else from the pitch model).
 * <pre>SynthesisVocoderSweep --run DIR --out DIR --variants griffin-lim,hnm:-1:1:0,hnm:3:1:0</pre>
 */
public final class SynthesisVocoderSweep {
    private SynthesisVocoderSweep() {
    }

    public static void main(String[] args) throws Exception {
        java.util.Map<String, String> a = BenchArgs.parse(args);
        Path run = Path.of(a.get("run"));
        Path out = Path.of(a.get("out"));
        List<CloneEvaluation.Clip> clips = CloneEvaluation.read(run.resolve("ref"), Integer.MAX_VALUE);
        VoiceModelRuntime runtime = VoiceModelRuntime.loadBase();
        VoiceDelta voice;
        try (InputStream in = Files.newInputStream(run.resolve("voice.delta"))) {
            voice = VoiceDelta.read(in);
        }
        List<String> texts = clips.stream().map(CloneEvaluation.Clip::text).toList();
        VoiceModelRuntime.Rendering rendering = runtime.rendering(voice, texts, 1.0);
        List<float[][]> mels = rendering.logMels();
        PitchModel.F0Stats range = runtime.pitchRange(voice);
        CloneEvaluation.writeSet(out.resolve("ref"), clips, clips.stream().map(CloneEvaluation.Clip::pcm).toList());
        StringBuilder summary = new StringBuilder(String.format(Locale.ROOT, "voice pitch range: mean %.0f Hz, std %.3f (ln)%n",
                range.meanHz(), range.stdLog()));
        double seconds = 0;
        for (float[][] mel : mels) seconds += (mel.length - 1) * Spectral.HOP / (double) Spectral.SAMPLE_RATE;
        try (NDManager m = NDManager.newBaseManager(Devices.preferred())) {
            List<float[]> f0 = new ArrayList<>();
            long p0 = System.nanoTime();
            if (rendering.f0Hz() != null) {
                // a model with prosody: the vocoder gets its own F0, as synthesis does
                f0.addAll(rendering.f0Hz());
                summary.append("F0 from the acoustic model\n");
            } else {
                for (float[][] mel : mels) f0.add(VoiceModelRuntime.pitchModel().f0(m, mel, range));
                double pitchSeconds = (System.nanoTime() - p0) / 1e9;
                summary.append(String.format(Locale.ROOT, "pitch model RTF %.4f%n", pitchSeconds / seconds));
            }
            for (String variant : a.get("variants").split(",")) {
                List<float[]> audio = new ArrayList<>();
                long t0 = System.nanoTime();
                for (int i = 0; i < mels.size(); i++) {
                    if (variant.equals("griffin-lim")) {
                        audio.add(Spectral.griffinLim(m, mels.get(i), 20, 0.99, 1));
                    } else {
                        String[] p = variant.split(":");
                        HarmonicVocoder.Settings s = new HarmonicVocoder.Settings(p.length > 4 ? Double.parseDouble(p[4]) : 5000,
                                Double.parseDouble(p[3]), Integer.parseInt(p[1]), p.length > 5 ? Double.parseDouble(p[5]) : 0,
                                Integer.parseInt(p[2]), p.length > 6 ? Integer.parseInt(p[6]) : 0, p.length > 7 && p[7].equals("1"),
                                p.length > 8 && p[8].equals("1"));
                        audio.add(HarmonicVocoder.synthesize(m, mels.get(i), f0.get(i), 1, s));
                    }
                }
                double rtf = (System.nanoTime() - t0) / 1e9 / seconds;
                String name = variant.replace(':', '_');
                CloneEvaluation.writeSet(out.resolve(name), clips, audio);
                summary.append(String.format(Locale.ROOT, "%s: vocoder RTF %.4f%n", name, rtf));
            }
        }
        Files.writeString(out.resolve("summary.txt"), summary.toString());
        System.out.print(summary);
    }
}
