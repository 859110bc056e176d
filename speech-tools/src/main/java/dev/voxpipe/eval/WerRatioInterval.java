package dev.voxpipe.eval;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;

import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * How far an open-WER ratio (rendering over recordings, the headline intelligibility figure) could move with other
 * prompts: a paired percentile bootstrap over the prompts. Each resample draws as many prompts as there are, with
 * replacement, and takes the ratio of the two summed error counts on the same draw (the reference words cancel). On
 * 32-40 prompts of a few words each, one word is a large share of a prompt, so a ratio such as 1.27x is compatible
 * with anything from about 1 to 1.6; a bar is met or missed only outside that.
 *
 * <pre>
 * speech-tools/bin/speech-tools wer-interval [--pooled] REPORT.json...   (the per-condition JSON a clone report writes)
 * </pre>
 * With {@code --pooled} it also prints one interval over the prompts of all the reports together (several prompt sets
 * of one speaker and one condition, for a ratio that one split of 40 prompts cannot settle).
 */
public final class WerRatioInterval {
    /** Resamples drawn; the percentiles settle to about ±0.01 at this count. */
    public static final int RESAMPLES = 4000;
    /** Fixed, so a report is reproducible. */
    public static final long SEED = 20261129L;

    /** A 95 % interval of the ratio, with the point estimate. */
    public record Interval(double ratio, double low, double high, int prompts) {
        public String format() {
            return String.format(Locale.ROOT, "%.2f× (%.2f–%.2f)", ratio, low, high);
        }
    }

    /** Per-prompt word errors of the rendering and of the recording. */
    record PromptErrors(int rendering, int recording) {
    }

    private WerRatioInterval() {
    }

    /** The interval for a report's items, or null when the report has no open-WER hypotheses or the recordings no errors. */
    public static Interval of(List<EvaluationReport.ItemResult> items) {
        List<PromptErrors> prompts = new ArrayList<>();
        for (EvaluationReport.ItemResult item : items) {
            if (item.hypothesis() == null || item.referenceHypothesis() == null || item.text() == null) continue;
            prompts.add(new PromptErrors(WordErrorRate.compute(item.text(), item.hypothesis()).errors(),
                    WordErrorRate.compute(item.text(), item.referenceHypothesis()).errors()));
        }
        return ofErrors(prompts, RESAMPLES, SEED);
    }

    static Interval ofErrors(List<PromptErrors> prompts, int resamples, long seed) {
        int n = prompts.size();
        long rendering = 0;
        long recording = 0;
        for (PromptErrors p : prompts) {
            rendering += p.rendering();
            recording += p.recording();
        }
        if (n == 0 || recording == 0) return null;
        SplittableRandom random = new SplittableRandom(seed);
        double[] ratios = new double[resamples];
        int kept = 0;
        for (int r = 0; r < resamples; r++) {
            long a = 0;
            long b = 0;
            for (int k = 0; k < n; k++) {
                PromptErrors p = prompts.get(random.nextInt(n));
                a += p.rendering();
                b += p.recording();
            }
            // a draw with no recording errors has no ratio; it is left out (rare once the recordings miss a few words)
            if (b > 0) ratios[kept++] = a / (double) b;
        }
        double[] sorted = Arrays.copyOf(ratios, kept);
        Arrays.sort(sorted);
        return new Interval(rendering / (double) recording, percentile(sorted, 0.025), percentile(sorted, 0.975), n);
    }

    private static double percentile(double[] sorted, double q) {
        double pos = q * (sorted.length - 1);
        int lo = (int) Math.floor(pos);
        int hi = Math.min(sorted.length - 1, lo + 1);
        return sorted[lo] + (pos - lo) * (sorted[hi] - sorted[lo]);
    }

    public static void main(String[] args) {
        boolean pooled = args.length > 0 && args[0].equals("--pooled");
        List<String> files = List.of(args).subList(pooled ? 1 : 0, args.length);
        if (files.isEmpty()) {
            System.err.println("usage: speech-tools wer-interval [--pooled] REPORT.json...");
            System.exit(2);
        }
        ObjectMapper json = new ObjectMapper().configure(
                com.fasterxml.jackson.databind.DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);
        int unreadable = 0;
        List<EvaluationReport.ItemResult> all = new ArrayList<>();
        for (String file : files) {
            EvaluationReport report;
            try {
                report = json.readValue(Path.of(file).toFile(), EvaluationReport.class);
            } catch (IOException e) {
                System.err.println(file + ": not a clone report's per-condition JSON (" + e.getMessage().lines().findFirst().orElse("") + ")");
                unreadable++;
                continue;
            }
            if (report.items() != null) all.addAll(report.items());
            Interval interval = report.items() == null ? null : of(report.items());
            System.out.println(file + ": " + describe(interval));
        }
        if (pooled) System.out.println("pooled, " + (files.size() - unreadable) + " reports: " + describe(of(all)));
        if (unreadable > 0) System.exit(1);
    }

    private static String describe(Interval interval) {
        return interval == null ? "no open-WER figures" : interval.format() + " over " + interval.prompts() + " prompts";
    }
}
