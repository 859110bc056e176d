package dev.voxpipe.model.bench;

import ai.djl.ndarray.NDManager;
import dev.voxpipe.model.Devices;
import dev.voxpipe.model.FineTuneConfig;
import dev.voxpipe.model.FineTuneListener;
import dev.voxpipe.model.FineTuneResult;
import dev.voxpipe.model.FineTuneState;
import dev.voxpipe.model.Spectral;
import dev.voxpipe.model.SynthesisOutput;
import dev.voxpipe.model.TrainingUtterance;
import dev.voxpipe.model.VoiceDelta;
import dev.voxpipe.model.VoiceModelRuntime;
import dev.voxpipe.model.train.Corpus;

import javax.sound.sampled.AudioFileFormat;
import javax.sound.sampled.AudioFormat;
import javax.sound.sampled.AudioInputStream;
import javax.sound.sampled.AudioSystem;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Few-shot, zero-shot and baseline renderings of one held-out speaker, written for the evaluation
 * harness ({@code speech-tools evaluate --synth OUT/<condition> --ref OUT/ref}).
 * <pre>
 * CloneEvaluation --base DIR|classpath --fewshot DIR --heldout DIR --out DIR [--limit 40] [--steps N] [--seed S]
 *                 [--pretraining DIR,DIR,...] [--flite-slt true]
 * </pre>
 * Conditions: {@code vocoded} (the reference's own log-mel through the vocoder: the floor), {@code baseline} (the
 * mean pretraining embedding), {@code nearest} (the pretraining speaker whose speaker-encoder embedding is closest,
 * by cosine, to the few-shot clips' embedding; needs {@code --pretraining} corpus speaker directories),
 * {@code flite_slt} (an untuned Debian voice; needs flite), {@code zeroshot} and {@code fewshot}.
 * Directories hold {@code <id>.wav} (32 kHz) and {@code metadata.tsv} (id TAB text). With
 * {@code --speaker DIR --fewshot-seconds 60} one corpus speaker is split instead: the first 60 s
 * for cloning, the last utterances held out.
 */
public final class CloneEvaluation {
    private CloneEvaluation() {
    }

    record Clip(String id, String text, float[] pcm) {
        /** What the feature stage hands the trainer for this clip: its log-mel, its text and the tracker's F0. */
        TrainingUtterance asFeatureStage() {
            return new TrainingUtterance(Spectral.logMel(pcm), text, VocoderComparison.FEATURE_TRACKER.f0(pcm, Spectral.SAMPLE_RATE, Spectral.HOP));
        }
    }

    public static void main(String[] args) throws Exception {
        java.util.Map<String, String> a = BenchArgs.parse(args);
        int limit = Integer.parseInt(a.getOrDefault("limit", "40"));
        int steps = Integer.parseInt(a.getOrDefault("steps", "" + FineTuneConfig.defaults().maxSteps()));
        Path out = Path.of(a.get("out"));
        List<Clip> fewShot;
        List<Clip> heldOut;
        if (a.containsKey("speaker")) {
            List<Clip> all = read(Path.of(a.get("speaker")), Integer.MAX_VALUE);
            double seconds = Double.parseDouble(a.getOrDefault("fewshot-seconds", "60"));
            fewShot = new ArrayList<>();
            double sum = 0;
            int i = 0;
            while (i < all.size() && sum < seconds) {
                fewShot.add(all.get(i));
                sum += all.get(i).pcm().length / (double) Spectral.SAMPLE_RATE;
                i++;
            }
            heldOut = all.subList(Math.max(i, all.size() - limit), all.size());
        } else {
            fewShot = read(Path.of(a.get("fewshot")), Integer.MAX_VALUE);
            heldOut = read(Path.of(a.get("heldout")), limit);
        }
        String base = a.getOrDefault("base", "classpath");
        VoiceModelRuntime runtime = "classpath".equals(base) ? VoiceModelRuntime.loadBase()
                : VoiceModelRuntime.loadBase(Path.of(base));
        List<TrainingUtterance> utterances = new ArrayList<>();
        List<float[][]> references = new ArrayList<>();
        double fewSeconds = 0;
        try (NDManager m = NDManager.newBaseManager(Devices.preferred())) {
            for (Clip c : fewShot) {
                TrainingUtterance u = c.asFeatureStage();
                utterances.add(u);
                references.add(u.logMel());
                fewSeconds += c.pcm().length / (double) Spectral.SAMPLE_RATE;
            }
        }
        List<String> texts = heldOut.stream().map(Clip::text).toList();
        writeSet(out.resolve("ref"), heldOut, heldOut.stream().map(Clip::pcm).toList());
        StringBuilder summary = new StringBuilder();
        summary.append(String.format(Locale.ROOT, "base %s (%d parameters); few-shot set %d clips, %.1f s; held out %d%n",
                runtime.baseModelId(), runtime.parameterCount(), fewShot.size(), fewSeconds, heldOut.size()));

        if ("fewshot".equals(a.get("conditions"))) {
            // validation experiments: only the condition being tuned
            fewShot(runtime, utterances, texts, heldOut, steps, a, out, summary);
            return;
        }
        // vocoder floors: the reference's own log-mel through Griffin-Lim, and with its tracked F0 through the
        // harmonic vocoder (copy synthesis)
        List<float[]> copy = new ArrayList<>();
        List<float[]> harmonic = new ArrayList<>();
        try (NDManager m = NDManager.newBaseManager(Devices.preferred())) {
            for (Clip c : heldOut) {
                float[][] mel = Spectral.logMel(c.pcm());
                copy.add(Spectral.griffinLim(m, mel, 20, 0.99, 1));
                harmonic.add(dev.voxpipe.model.HarmonicVocoder.synthesize(m, mel,
                        VocoderComparison.FEATURE_TRACKER.f0(c.pcm(), Spectral.SAMPLE_RATE, Spectral.HOP), 1));
            }
        }
        writeSet(out.resolve("vocoded"), heldOut, copy);
        writeSet(out.resolve("hnm"), heldOut, harmonic);

        SynthesisOutput baseline = runtime.synthesize(runtime.meanVoice(), texts, 1.0);
        writeSet(out.resolve("baseline"), heldOut, baseline.audio());
        summary.append(String.format(Locale.ROOT, "baseline RTF %.3f%n", baseline.realTimeFactor()));

        VoiceDelta zero = runtime.zeroShot(references);
        if (a.containsKey("pretraining")) {
            String nearest = null;
            double best = -2;
            VoiceDelta nearestVoice = null;
            float[] target = zero.speakerEmbedding();
            for (String dir : a.get("pretraining").split(",")) {
                List<float[][]> clips = new ArrayList<>();
                try (NDManager m = NDManager.newBaseManager(Devices.preferred())) {
                    for (Clip c : read(Path.of(dir), 20)) clips.add(Spectral.logMel(c.pcm()));
                }
                VoiceDelta voice = runtime.zeroShot(clips);
                double cos = cosine(target, voice.speakerEmbedding());
                summary.append(String.format(Locale.ROOT, "pretraining speaker %s: cosine %.4f%n", Path.of(dir).getFileName(), cos));
                if (cos > best) {
                    best = cos;
                    nearest = Path.of(dir).getFileName().toString();
                    nearestVoice = voice;
                }
            }
            writeSet(out.resolve("nearest"), heldOut, runtime.synthesize(nearestVoice, texts, 1.0).audio());
            Files.writeString(out.resolve("nearest.txt"), nearest + "\n");
            summary.append(String.format(Locale.ROOT, "nearest pretraining speaker: %s (cosine %.4f)%n", nearest, best));
        }
        if (Boolean.parseBoolean(a.getOrDefault("flite-slt", "false"))) {
            writeFliteSlt(out.resolve("flite_slt"), heldOut);
        }

        SynthesisOutput zeroOut = runtime.synthesize(zero, texts, 1.0);
        writeSet(out.resolve("zeroshot"), heldOut, zeroOut.audio());
        summary.append(String.format(Locale.ROOT, "zero-shot RTF %.3f%n", zeroOut.realTimeFactor()));
        if ("zeroshot".equals(a.get("conditions"))) {
            // validation experiments on zero-shot alone (the floors and the mean voice above come with it)
            System.out.print(summary);
            return;
        }

        fewShot(runtime, utterances, texts, heldOut, steps, a, out, summary);
    }

    static void fewShot(VoiceModelRuntime runtime, List<TrainingUtterance> utterances, List<String> texts, List<Clip> heldOut,
                        int steps, java.util.Map<String, String> a, Path out, StringBuilder summary) throws IOException {
        FineTuneResult tuned = runtime.fineTune(utterances, new FineTuneConfig(steps, 0, Double.parseDouble(a.getOrDefault("lr", "" + FineTuneConfig.defaults().learningRate())),
                Long.parseLong(a.getOrDefault("seed", "42"))), null,
                new FineTuneListener() {
                    @Override
                    public void onProgress(int step, int totalSteps, double loss) {
                        if (step % 25 == 0) {
                            System.out.printf(Locale.ROOT, "fine-tune step %d/%d loss %.4f%n", step, totalSteps, loss);
                        }
                    }

                    @Override
                    public void onCheckpoint(FineTuneState state) {
                    }
                });
        SynthesisOutput fewOut = runtime.synthesize(tuned.delta(), texts, 1.0);
        writeSet(out.resolve("fewshot"), heldOut, fewOut.audio());
        java.io.ByteArrayOutputStream deltaBytes = new java.io.ByteArrayOutputStream();
        tuned.delta().write(deltaBytes);
        Files.write(out.resolve("voice.delta"), deltaBytes.toByteArray());
        summary.append(String.format(Locale.ROOT, "few-shot: %d steps in %.1f s, final loss %.4f, delta %d bytes, RTF %.3f%n",
                tuned.steps(), tuned.seconds(), tuned.finalLoss(), tuned.delta().sizeBytes(), fewOut.realTimeFactor()));
        if (Boolean.parseBoolean(a.getOrDefault("teacher-forced", "false"))) {
            writeSet(out.resolve("teacherforced"), heldOut, teacherForced(runtime, tuned.delta(), heldOut));
        }
        Files.writeString(out.resolve("summary.txt"), summary.toString());
        System.out.print(summary);
    }

    /**
     * Diagnostic: the voice's decoder given each held-out recording's text at the recording's timing and F0 (teacher
     * forcing; no spectral bias taken off, no clip frames), through the harmonic vocoder with the recording's F0. Set
     * between copy synthesis (the recording's own mel) and free synthesis, it says how much of the clone's distance
     * is the decoder's spectrum and how much its timing and prosody.
     */
    static List<float[]> teacherForced(VoiceModelRuntime runtime, VoiceDelta voice, List<Clip> heldOut) {
        List<TrainingUtterance> utterances = new ArrayList<>();
        List<float[]> tracks = new ArrayList<>();
        for (Clip c : heldOut) {
            TrainingUtterance u = c.asFeatureStage();
            utterances.add(u);
            tracks.add(u.f0Hz());
        }
        List<float[]> audio = new ArrayList<>();
        try (NDManager m = NDManager.newBaseManager(Devices.preferred())) {
            for (int s = 0; s < utterances.size(); s += 8) {
                List<float[][]> mels = runtime.teacherForcedMels(voice, utterances.subList(s, Math.min(utterances.size(), s + 8)));
                for (int i = 0; i < mels.size(); i++) {
                    audio.add(dev.voxpipe.model.HarmonicVocoder.synthesize(m, mels.get(i), tracks.get(s + i), 1));
                }
            }
        }
        return audio;
    }

    static double cosine(float[] x, float[] y) {
        double dot = 0;
        double nx = 0;
        double ny = 0;
        for (int k = 0; k < x.length; k++) {
            dot += x[k] * y[k];
            nx += x[k] * x[k];
            ny += y[k] * y[k];
        }
        return dot / Math.sqrt(nx * ny + 1e-30);
    }

    /** The held-out prompts read by Debian's flite slt voice, untuned (16 kHz; the harness resamples). */
    static void writeFliteSlt(Path dir, List<Clip> clips) throws IOException, InterruptedException {
        Files.createDirectories(dir);
        StringBuilder meta = new StringBuilder();
        for (Clip c : clips) {
            Process p = new ProcessBuilder("flite", "-voice", "slt", "-t", c.text(), "-o", dir.resolve(c.id() + ".wav").toString())
                    .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            if (p.waitFor() != 0) throw new IOException("flite failed on " + c.id());
            meta.append(c.id()).append('\t').append(c.text()).append('\n');
        }
        Files.writeString(dir.resolve("metadata.tsv"), meta.toString());
    }

    static List<Clip> read(Path dir, int limit) throws IOException {
        List<Clip> out = new ArrayList<>();
        for (String line : Files.readAllLines(dir.resolve("metadata.tsv"), StandardCharsets.UTF_8)) {
            String[] p = line.split("\t");
            if (p.length < 2 || out.size() >= limit) {
                continue;
            }
            Path wav = dir.resolve(p[0] + ".wav");
            if (Files.isRegularFile(wav)) {
                // the protocol has chosen the prompts (speech-tools protocol / real-speaker): take them all
                out.add(new Clip(p[0], p[1], Corpus.readMono(wav, Spectral.SAMPLE_RATE)));
            }
        }
        return out;
    }

    static void writeSet(Path dir, List<Clip> clips, List<float[]> audio) throws IOException {
        Files.createDirectories(dir);
        StringBuilder meta = new StringBuilder();
        for (int i = 0; i < clips.size(); i++) {
            writeWav(dir.resolve(clips.get(i).id() + ".wav"), audio.get(i));
            meta.append(clips.get(i).id()).append('\t').append(clips.get(i).text()).append('\n');
        }
        Files.writeString(dir.resolve("metadata.tsv"), meta.toString());
    }

    static void writeWav(Path file, float[] pcm) throws IOException {
        byte[] bytes = new byte[pcm.length * 2];
        for (int i = 0; i < pcm.length; i++) {
            int v = Math.round(Math.max(-1f, Math.min(1f, pcm[i])) * 32767f);
            bytes[2 * i] = (byte) v;
            bytes[2 * i + 1] = (byte) (v >> 8);
        }
        AudioFormat f = new AudioFormat(Spectral.SAMPLE_RATE, 16, 1, true, false);
        try (AudioInputStream in = new AudioInputStream(new ByteArrayInputStream(bytes), f, pcm.length)) {
            AudioSystem.write(in, AudioFileFormat.Type.WAVE, file.toFile());
        }
    }
}
