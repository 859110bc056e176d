package dev.voxpipe.feature.label;

import dev.voxpipe.dsp.PcmAudio;
import dev.voxpipe.feature.dsp.PreparedClip;
import dev.voxpipe.feature.dsp.PreparedUpload;
import dev.voxpipe.feature.dsp.PreprocessSettings;
import dev.voxpipe.feature.dsp.UploadPreprocessor;

/** Scratch runner: java ... AlignmentProbe SECONDS [skip]. */
public final class AlignmentProbe {
    public static void main(String[] args) throws Exception {
        double seconds = Double.parseDouble(args[0]);
        LongUpload u = LongUpload.build(seconds, 20L);
        System.out.printf("upload %.1f s, speech %.1f s, %d prompts, %d words%n", u.audio().durationSeconds(), u.speechSeconds(),
                u.prompts().size(), u.transcript().split(" ").length);
        UploadPreprocessor p = new UploadPreprocessor(PreprocessSettings.defaults(), LabelSettings.defaults());
        String transcript = u.transcript().replaceAll("[.,;:!?]", "").toLowerCase();
        long t0 = System.nanoTime();
        PreparedUpload prepared = p.prepare(u.audio(), args.length > 1 ? null : transcript);
        double wall = (System.nanoTime() - t0) / 1e9;
        for (PreparedClip c : prepared.clips()) {
            System.out.printf("%3d %6.2f-%6.2f acc=%s %s %s | %s | %s%n", c.index(), c.start() / 32000.0, c.end() / 32000.0, c.accepted(),
                    c.label().source(), c.label().confidence(), c.transcript(), c.label().note());
        }
        System.out.println("note: " + prepared.labelNote());
        System.out.printf("wall %.1f s = %.1fx real time%n", wall, u.audio().durationSeconds() / wall);
        System.out.println("score (with text): " + u.score(prepared.clips(), false));
        System.out.println("score (trainable): " + u.score(prepared.clips(), true));
    }
}
