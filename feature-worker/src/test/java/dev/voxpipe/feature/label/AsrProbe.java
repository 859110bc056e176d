package dev.voxpipe.feature.label;

import dev.voxpipe.feature.dsp.PreparedClip;
import dev.voxpipe.feature.dsp.PreparedUpload;
import dev.voxpipe.feature.dsp.PreprocessSettings;
import dev.voxpipe.feature.dsp.UploadPreprocessor;

import java.util.List;

/** Scratch: per-word posteriors of open-vocabulary recognition on the long upload's clips. */
public final class AsrProbe {
    public static void main(String[] args) throws Exception {
        LongUpload u = LongUpload.build(Double.parseDouble(args[0]), 20L);
        PreparedUpload prepared = new UploadPreprocessor(PreprocessSettings.defaults()).prepare(u.audio(), null);
        List<PreparedClip> acc = prepared.clips().stream().filter(PreparedClip::accepted).toList();
        Pocketsphinx ps = LabelSettings.defaults().recogniser();
        var heard = ps.recognize(acc.stream().map(PreparedClip::normalized).toList(), 32000, ps.generalLanguageModel(), ps.dictionary());
        for (int i = 0; i < acc.size(); i++) {
            StringBuilder sb = new StringBuilder();
            for (RecognizedWord w : heard.get(i)) sb.append(String.format("%s/%.2f ", w.word(), w.confidence()));
            PreparedClip c = acc.get(i);
            double cs = c.start() / 32000.0, ce = c.end() / 32000.0;
            StringBuilder ref = new StringBuilder();
            boolean clean = true;
            for (LongUpload.Prompt p : u.prompts()) {
                double mid = (p.start() + p.end()) / 2;
                boolean overlaps = p.end() > cs && p.start() < ce;
                boolean inside = p.start() >= cs - 0.05 && p.end() <= ce + 0.05;
                if (overlaps && !inside) clean = false;
                if (mid >= cs && mid < ce) ref.append(' ').append(p.text());
            }
            var ws = heard.get(i);
            double mean = ws.stream().mapToDouble(RecognizedWord::confidence).average().orElse(0);
            double min = ws.stream().mapToDouble(RecognizedWord::confidence).min().orElse(0);
            double frac = ws.stream().filter(w -> w.confidence() >= 0.5).count() / (double) Math.max(1, ws.size());
            String hyp = String.join(" ", ws.stream().map(RecognizedWord::word).toList());
            var counts = dev.voxpipe.eval.WordErrorRate.compute(ref.toString(), hyp);
            System.out.printf("CLIP\t%d\t%.2f\t%s\t%.3f\t%.3f\t%.3f\t%d\t%d%n", i, ce - cs, clean, mean, min, frac, counts.errors(), counts.referenceWords());
        }
    }
}
