package dev.voxpipe.eval;

import java.util.List;
import java.util.Locale;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

/**
 * Result of an evaluation run: a summary over all items and one row per item. Numbers that could not be computed
 * are null (e.g. WER without pocketsphinx, F0 RMSE when no frame pair is voiced in both).
 */
public record EvaluationReport(String label, Summary summary, List<ItemResult> items) {

    /**
     * @param mcdDb               mean over items of the per-item MCD (c1-c13, DTW-aligned, dB)
     * @param f0RmseHz            RMSE of F0 over aligned frame pairs voiced in both (pooled over items)
     * @param f0RmseCents         the same in cents (speaker-range independent)
     * @param voicingError        fraction of aligned frame pairs whose voicing decisions differ
     * @param speakingRateRatio   reference speech seconds / synthesised speech seconds (above 1: synthesis faster)
     * @param wer                 open-vocabulary WER of the synthesised audio (pocketsphinx en-us language model)
     * @param referenceWer        open-vocabulary WER of the reference recordings of the same prompts
     * @param grammarWer          WER under a grammar of the batch's sentences (secondary: noise can score 0 %)
     * @param grammarReferenceWer the reference recordings' grammar-mode WER
     * @param voicedShare         share of the synthesised audio's frames that are voiced
     * @param referenceVoicedShare the same for the reference recordings
     * @param f0ContourCorrelation the F0 contours' correlation over the frame pairs voiced in both: each pair's log-F0
     *                            minus its item's mean over those pairs, pooled over items (1: the same intonation,
     *                            whatever its level and range)
     * @param f0ContourSpread     the synthesis's spread of log-F0 about its items' means over the recordings' (below 1:
     *                            flatter intonation)
     */
    public record Summary(int items, int failed, Double mcdDb, Double mcdStdDb, Double f0RmseHz, Double f0RmseCents,
                          Double voicingError, Double speakingRateRatio, Double synthF0MeanHz, Double referenceF0MeanHz,
                          Double wer, Double referenceWer, Double grammarWer, Double grammarReferenceWer,
                          Double voicedShare, Double referenceVoicedShare, double synthSeconds, double referenceSeconds,
                          Double f0ContourCorrelation, Double f0ContourSpread) {
        /** The headline intelligibility figure: open-vocabulary WER over the reference recordings' own. */
        public Double werRatio() {
            return wer == null || referenceWer == null || referenceWer == 0 ? null : wer / referenceWer;
        }

        /** Voiced-frame share of the synthesis over the reference's. */
        public Double voicedShareRatio() {
            return voicedShare == null || referenceVoicedShare == null || referenceVoicedShare == 0 ? null
                    : voicedShare / referenceVoicedShare;
        }
    }

    public record ItemResult(String id, String text, Double mcdDb, Double f0RmseHz, Double f0RmseCents,
                             Double voicingError, int voicedPairs, int alignedPairs, Double synthF0MeanHz,
                             Double referenceF0MeanHz, double synthSeconds, double referenceSeconds, String hypothesis,
                             Double wer, String referenceHypothesis, Double referenceWer, String error) {
    }

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    public String toJson() {
        try {
            return JSON.writeValueAsString(this);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    static String f(Double v, String format) {
        return v == null ? "-" : String.format(Locale.ROOT, format, v);
    }

    /** One Markdown table row of the summary (see {@link #markdownHeader()}). */
    public String markdownRow() {
        Summary s = summary;
        return String.format(Locale.ROOT, "| %s | %d | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s |", label,
                s.items() - s.failed(), f(s.mcdDb(), "%.2f"), f(s.f0RmseHz(), "%.1f"), f(s.f0RmseCents(), "%.0f"),
                f(s.voicingError() == null ? null : 100 * s.voicingError(), "%.1f%%"),
                f(s.voicedShare() == null ? null : 100 * s.voicedShare(), "%.1f%%"),
                f(s.referenceVoicedShare() == null ? null : 100 * s.referenceVoicedShare(), "%.1f%%"),
                f(s.speakingRateRatio(), "%.2f"),
                f(s.wer() == null ? null : 100 * s.wer(), "%.1f%%"),
                f(s.referenceWer() == null ? null : 100 * s.referenceWer(), "%.1f%%"), f(s.werRatio(), "%.2f×"),
                f(s.grammarWer() == null ? null : 100 * s.grammarWer(), "%.1f%%"));
    }

    public static String markdownHeader() {
        return "| comparison | items | MCD (dB) | F0 RMSE (Hz) | F0 RMSE (cents) | voicing error | voiced frames | voiced frames (ref) "
                + "| rate ratio (ref/synth) | open WER | open WER (ref) | open WER ratio | grammar WER |\n"
                + "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|";
    }

    public String toMarkdown() {
        StringBuilder sb = new StringBuilder("## ").append(label).append("\n\n").append(markdownHeader()).append('\n')
                .append(markdownRow()).append("\n\n");
        sb.append("| id | MCD (dB) | F0 RMSE (Hz) | voicing error | synth s | ref s | WER | hypothesis |\n");
        sb.append("|---|---:|---:|---:|---:|---:|---:|---|\n");
        for (ItemResult r : items) {
            sb.append(String.format(Locale.ROOT, "| %s | %s | %s | %s | %.2f | %.2f | %s | %s |%n", r.id(),
                    f(r.mcdDb(), "%.2f"), f(r.f0RmseHz(), "%.1f"),
                    f(r.voicingError() == null ? null : 100 * r.voicingError(), "%.1f%%"), r.synthSeconds(),
                    r.referenceSeconds(), f(r.wer() == null ? null : 100 * r.wer(), "%.0f%%"),
                    r.error() != null ? "error: " + r.error() : r.hypothesis() == null ? "" : r.hypothesis().replace("|", "/")));
        }
        return sb.toString();
    }
}
