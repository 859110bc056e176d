package dev.voxpipe.feature.bench;

import dev.voxpipe.dsp.PcmAudio;
import dev.voxpipe.dsp.WavIo;
import dev.voxpipe.feature.dsp.PreparedClip;
import dev.voxpipe.feature.dsp.PreparedUpload;
import dev.voxpipe.feature.dsp.PreprocessSettings;
import dev.voxpipe.feature.dsp.UploadPreprocessor;
import dev.voxpipe.feature.label.LabelSettings;
import dev.voxpipe.feature.label.LongUpload;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The labelling measurements of issue 20 (bench/label/run.sh):
 * <pre>
 * prepare DIR SECONDS   the long upload (held-out prompts of the real speaker, natural pauses) as DIR/long-upload.wav,
 *                       its transcript and the truth (DIR/prompts.tsv: start, end, text)
 * run DIR slice|align|asr   the feature worker's upload chain on it: no labels, forced alignment of the transcript
 *                       (punctuation removed, so only alignment can place it), or recognition without a transcript
 * </pre>
 * Each run is one process, so the script measures its CPU (the JVM and pocketsphinx, a child) with /usr/bin/time.
 */
public final class LabelBench {
    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args[1]);
        if (args[0].equals("prepare")) {
            LongUpload u = LongUpload.build(Double.parseDouble(args[2]), 20L);
            Files.createDirectories(dir);
            WavIo.writeWav16(u.audio(), dir.resolve("long-upload.wav"));
            Files.writeString(dir.resolve("transcript.txt"), u.transcript(), StandardCharsets.UTF_8);
            List<String> lines = new ArrayList<>();
            for (LongUpload.Prompt p : u.prompts()) lines.add(String.format(Locale.ROOT, "%.4f\t%.4f\t%s\t%s", p.start(), p.end(), p.name(), p.text()));
            Files.write(dir.resolve("prompts.tsv"), lines, StandardCharsets.UTF_8);
            System.out.printf(Locale.ROOT, "prepared: %.1f s recording, %.1f s of speech, %d prompts, %d words%n",
                    u.audio().durationSeconds(), u.speechSeconds(), u.prompts().size(), u.transcript().split("\\s+").length);
            return;
        }
        PcmAudio audio = WavIo.read(dir.resolve("long-upload.wav"));
        List<LongUpload.Prompt> prompts = new ArrayList<>();
        for (String line : Files.readAllLines(dir.resolve("prompts.tsv"), StandardCharsets.UTF_8)) {
            String[] f = line.split("\t", 4);
            prompts.add(new LongUpload.Prompt(Double.parseDouble(f[0]), Double.parseDouble(f[1]), f[3], f[2]));
        }
        String transcript = Files.readString(dir.resolve("transcript.txt"), StandardCharsets.UTF_8);
        LongUpload upload = new LongUpload(audio, transcript, prompts);
        String mode = args[1 + 1];
        LabelSettings labels = mode.equals("slice") ? LabelSettings.off() : LabelSettings.defaults();
        String given = switch (mode) {
            case "slice", "align" -> transcript.replaceAll("[.,;:!?]", "").toLowerCase(Locale.ROOT);
            default -> null;
        };
        long t0 = System.nanoTime();
        PreparedUpload prepared = new UploadPreprocessor(PreprocessSettings.defaults(), labels).prepare(audio, mode.equals("slice") ? null : given);
        double wall = (System.nanoTime() - t0) / 1e9;
        System.out.printf(Locale.ROOT, "RESULT mode=%s audio=%.1fs speech=%.1fs clips=%d accepted=%d wall=%.1fs%n", mode,
                audio.durationSeconds(), upload.speechSeconds(), prepared.clips().size(), prepared.acceptedCount(), wall);
        if (mode.equals("slice")) return;
        LongUpload.Score withText = upload.score(prepared.clips(), false);
        LongUpload.Score trainable = upload.score(prepared.clips(), true);
        System.out.printf(Locale.ROOT, "RESULT %s clips with text: speech covered %.1f %%, WER %.2f %% over %d words (%d groups)%n",
                mode, 100 * withText.textCoverage(), 100 * withText.wer(), withText.refWords(), withText.groups());
        System.out.printf(Locale.ROOT, "RESULT %s clips training uses (default thresholds): speech covered %.1f %% (%.1f s of clips),"
                        + " WER %.2f %% over %d words%n", mode, 100 * trainable.textCoverage(), trainable.textSeconds(),
                100 * trainable.wer(), trainable.refWords());
        if (prepared.labelNote() != null) System.out.println("RESULT note: " + prepared.labelNote());
        for (PreparedClip c : prepared.clips()) {
            if (c.label().note() != null && c.transcript() != null && mode.equals("align")) {
                System.out.printf(Locale.ROOT, "held back: clip %d (%.1f s): %s | %s%n", c.index(), c.seconds(), c.transcript(), c.label().note());
            }
        }
        if (mode.equals("asr")) {
            // what other thresholds would accept: the same recognition, re-thresholded
            for (double th : new double[] {0.6, 0.7, 0.75, 0.8, 0.85, 0.9}) {
                List<PreparedClip> rethresholded = new ArrayList<>();
                for (PreparedClip c : prepared.clips()) {
                    boolean keep = c.label().confidence() != null && c.label().confidence() >= th;
                    rethresholded.add(c.labelled(new dev.voxpipe.feature.label.ClipLabel(c.transcript(), c.label().source(),
                            c.label().confidence(), null, keep)));
                }
                LongUpload.Score s = upload.score(rethresholded, true);
                System.out.printf(Locale.ROOT, "RESULT asr threshold %.2f: %.1f s of clips accepted, WER %.1f %% over %d words%n",
                        th, s.textSeconds(), 100 * s.wer(), s.refWords());
            }
        }
    }
}
