package dev.voxpipe.feature.label;

import dev.voxpipe.corpus.RealSpeakerLoader;
import dev.voxpipe.corpus.RealSpeakerLoader.RealUtterance;
import dev.voxpipe.dsp.PcmAudio;
import dev.voxpipe.feature.dsp.PreparedClip;
import dev.voxpipe.eval.WordErrorRate;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Random;

/**
 * A long upload as people make them: many of the real speaker's held-out prompts (never in the few-shot set)
 * read one after another with natural pauses (0.4-1.2 s, seeded), and the one transcript of all of them. The
 * true text of every prompt and where it lies are known, so clip texts can be scored.
 */
public record LongUpload(PcmAudio audio, String transcript, List<Prompt> prompts) {
    public static final int RATE = 16_000;

    /** @param name the prompt's name in the Asterisk sets (the same name in every language) */
    public record Prompt(double start, double end, String text, String name) {
    }

    /** Held-out prompts in a fixed order until the recording is at least {@code seconds} long. */
    public static LongUpload build(double seconds, long seed) throws Exception {
        return build(seconds, seed, 0);
    }

    /** @param skip prompts to pass over first (a different recording for the same length) */
    public static LongUpload build(double seconds, long seed, int skip) throws Exception {
        RealSpeakerLoader loader = RealSpeakerLoader.defaults();
        List<RealUtterance> pool = new ArrayList<>(RealSpeakerLoader.split(loader.utterances(), 60).heldOut().stream()
                .filter(u -> !u.fragment() && u.text().split(" ").length >= 3 && u.estimatedSeconds() >= 1.0 && u.estimatedSeconds() <= 10)
                .toList());
        pool.sort(Comparator.comparing(u -> RealSpeakerLoader.sha256(u.name())));
        Random random = new Random(seed);
        List<float[]> parts = new ArrayList<>();
        List<Prompt> prompts = new ArrayList<>();
        StringBuilder transcript = new StringBuilder();
        java.util.Set<String> seen = new java.util.HashSet<>();
        double t = 0.5;
        parts.add(new float[(int) (0.5 * RATE)]);
        int skipped = 0;
        for (RealUtterance u : pool) {
            if (t >= seconds) break;
            if (!seen.add(u.text())) continue; // the same sentence twice would make the truth ambiguous
            if (skipped++ < skip) continue;
            float[] x = loader.audio(u, RATE).samples();
            prompts.add(new Prompt(t, t + x.length / (double) RATE, u.text(), u.name()));
            parts.add(x);
            t += x.length / (double) RATE;
            double pause = 0.4 + 0.8 * random.nextDouble();
            parts.add(new float[(int) (pause * RATE)]);
            t += pause;
            if (!transcript.isEmpty()) transcript.append(' ');
            transcript.append(sentence(u.text()));
        }
        int n = parts.stream().mapToInt(p -> p.length).sum();
        float[] all = new float[n];
        int at = 0;
        for (float[] p : parts) {
            System.arraycopy(p, 0, all, at, p.length);
            at += p.length;
        }
        return new LongUpload(new PcmAudio(all, RATE), transcript.toString(), prompts);
    }

    /** As a person types it: first letter upper case, a full stop at the end. */
    private static String sentence(String text) {
        String s = Character.toUpperCase(text.charAt(0)) + text.substring(1);
        return s.matches(".*[.!?]$") ? s : s + ".";
    }

    public double speechSeconds() {
        return prompts.stream().mapToDouble(p -> p.end() - p.start()).sum();
    }

    /**
     * How the clips' texts score against the truth.
     *
     * @param textCoverage share of the speech (prompt seconds) inside clips whose text training uses
     * @param wer          word error of those clips' texts: clips are grouped until a cut falls between two
     *                     prompts, and each group's texts, joined, are compared with its prompts' text
     * @param refWords     reference words scored
     */
    public record Score(double textCoverage, double wer, int refWords, int groups, double textSeconds) {
    }

    public Score score(List<PreparedClip> clips, boolean trainableOnly) {
        double covered = 0;
        for (Prompt p : prompts) {
            for (PreparedClip c : clips) {
                if (!carries(c, trainableOnly)) continue;
                double s = c.start() / (double) c.sampleRate();
                double e = c.end() / (double) c.sampleRate();
                covered += Math.max(0, Math.min(e, p.end()) - Math.max(s, p.start()));
            }
        }
        // groups of consecutive clips whose outer cuts fall outside every prompt
        WordErrorRate.Counts total = WordErrorRate.Counts.ZERO;
        int groups = 0;
        double textSeconds = 0;
        int i = 0;
        while (i < clips.size()) {
            int j = i;
            while (j + 1 < clips.size() && insidePrompt(clips.get(j).end() / (double) clips.get(j).sampleRate())) j++;
            double gs = clips.get(i).start() / (double) clips.get(i).sampleRate();
            double ge = clips.get(j).end() / (double) clips.get(j).sampleRate();
            boolean allText = true;
            StringBuilder hyp = new StringBuilder();
            for (int k = i; k <= j; k++) {
                PreparedClip c = clips.get(k);
                if (carries(c, trainableOnly)) hyp.append(' ').append(c.transcript());
                else allText = false;
            }
            if (allText) {
                StringBuilder ref = new StringBuilder();
                for (Prompt p : prompts) {
                    double mid = (p.start() + p.end()) / 2;
                    if (mid >= gs && mid < ge) ref.append(' ').append(p.text());
                }
                total = total.plus(WordErrorRate.compute(ref.toString(), hyp.toString()));
                groups++;
                for (int k = i; k <= j; k++) textSeconds += clips.get(k).seconds();
            }
            i = j + 1;
        }
        return new Score(covered / speechSeconds(), total.referenceWords() == 0 ? 0 : total.wer(), total.referenceWords(), groups, textSeconds);
    }

    private static boolean carries(PreparedClip c, boolean trainableOnly) {
        return c.transcript() != null && !c.transcript().isBlank() && (!trainableOnly || c.label().trainable());
    }

    private boolean insidePrompt(double t) {
        for (Prompt p : prompts) if (t > p.start() + 0.05 && t < p.end() - 0.05) return true;
        return false;
    }
}
