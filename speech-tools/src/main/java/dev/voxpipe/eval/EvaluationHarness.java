package dev.voxpipe.eval;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;

import dev.voxpipe.corpus.AudioPrep;
import dev.voxpipe.dsp.PcmAudio;
import dev.voxpipe.dsp.PitchTracker;

/**
 * Compares synthesised audio with ground truth of the same sentences by the target speaker.
 *
 * <pre>{@code
 * EvaluationHarness h = EvaluationHarness.defaults();
 * EvaluationReport quick = h.quick("voice-42", items);          // MCD, F0, voicing, rate: pure Java, no tools
 * EvaluationReport full = h.evaluate("voice-42", items, true);   // + WER with pocketsphinx when installed
 * }</pre>
 *
 * Per item both signals are resampled to 16 kHz, edge silence is trimmed, mel-cepstra (c1-c13, analysed only up to
 * the common band {@link #commonBandHz}) are DTW-aligned, and MCD, F0 and voicing are read along
 * the path. Thread-safe; items are processed in parallel on the common pool.
 */
public final class EvaluationHarness {
    /** One sentence: synthesised audio, the target speaker's recording and the text both say. */
    public record Item(String id, PcmAudio synthesized, PcmAudio reference, String text) {
    }

    private final PitchTracker pitch;
    /** Reference recordings are scored once per batch and mode: reports compare many renderings with one set. */
    private final java.util.Map<String, List<String>> referenceHypotheses = new java.util.concurrent.ConcurrentHashMap<>();

    public EvaluationHarness(PitchTracker pitch) {
        this.pitch = pitch;
    }

    public static EvaluationHarness defaults() {
        return new EvaluationHarness(PitchTracker.defaults().withRange(50, 500));
    }

    /**
     * Which word error rates to measure. {@code OPEN}: open-vocabulary WER (the headline, with its ratio to the
     * reference recordings' own) plus grammar-mode WER as a secondary figure; {@code GRAMMAR}: grammar mode only;
     * {@code NONE}: no recogniser.
     */
    public enum WerMode {
        NONE, GRAMMAR, OPEN;

        public static WerMode parse(String s) {
            try {
                return valueOf(s.strip().toUpperCase(java.util.Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("WER mode must be open, grammar or none, not " + s, e);
            }
        }
    }

    /** MCD, F0 and rate only. */
    public EvaluationReport quick(String label, List<Item> items) {
        return evaluate(label, items, WerMode.NONE);
    }

    /** Full evaluation with both WER modes when {@code withWer} and pocketsphinx is installed. */
    public EvaluationReport evaluate(String label, List<Item> items, boolean withWer) {
        return evaluate(label, items, withWer ? WerMode.OPEN : WerMode.NONE);
    }

    /** Full evaluation; WER fields are null where the mode leaves them out or pocketsphinx is not installed. */
    public EvaluationReport evaluate(String label, List<Item> items, WerMode werMode) {
        List<Acoustic> acoustic = IntStream.range(0, items.size()).parallel().mapToObj(k -> acoustic(items.get(k))).toList();
        List<String> hyps = null;
        List<String> refHyps = null;
        List<String> grammarHyps = null;
        List<String> grammarRefHyps = null;
        if (werMode != WerMode.NONE && Pocketsphinx.available() && !items.isEmpty()) {
            List<String> candidates = items.stream().map(Item::text).toList();
            List<PcmAudio> synthesized = items.stream().map(Item::synthesized).toList();
            List<PcmAudio> references = items.stream().map(Item::reference).toList();
            Path work = null;
            try {
                work = Files.createTempDirectory("voxpipe-wer");
                Pocketsphinx ps = Pocketsphinx.defaults();
                Path dir = work;
                // two decoders at a time: one per core of the machines this runs on
                var open = werMode == WerMode.OPEN
                        ? java.util.concurrent.CompletableFuture.supplyAsync(() -> recognize(ps, synthesized, candidates,
                                Pocketsphinx.Grammar.OPEN_VOCABULARY, dir.resolve("synth")))
                        : java.util.concurrent.CompletableFuture.<List<String>>completedFuture(null);
                grammarHyps = recognize(ps, synthesized, candidates, Pocketsphinx.Grammar.SENTENCES, work.resolve("synth-g"));
                if (werMode == WerMode.OPEN) {
                    refHyps = referenceHypotheses(ps, references, candidates, Pocketsphinx.Grammar.OPEN_VOCABULARY, work.resolve("ref"));
                }
                grammarRefHyps = referenceHypotheses(ps, references, candidates, Pocketsphinx.Grammar.SENTENCES, work.resolve("ref-g"));
                hyps = open.join();
            } catch (IOException | java.io.UncheckedIOException | java.util.concurrent.CompletionException e) {
                throw new IllegalStateException("pocketsphinx failed: " + e.getMessage(), e);
            } finally {
                if (work != null) deleteQuietly(work);
            }
        }
        List<EvaluationReport.ItemResult> results = new ArrayList<>();
        WordErrorRate.Counts werTotal = WordErrorRate.Counts.ZERO;
        WordErrorRate.Counts refWerTotal = WordErrorRate.Counts.ZERO;
        WordErrorRate.Counts grammarWerTotal = WordErrorRate.Counts.ZERO;
        WordErrorRate.Counts grammarRefWerTotal = WordErrorRate.Counts.ZERO;
        long synthFrames = 0;
        long refFrames = 0;
        double mcdSum = 0;
        double mcdSq = 0;
        int mcdN = 0;
        double f0SqHz = 0;
        double f0SqCents = 0;
        long voicedPairs = 0;
        long voicingErrors = 0;
        long pairs = 0;
        double synthSeconds = 0;
        double refSeconds = 0;
        double synthF0 = 0;
        long synthF0N = 0;
        double refF0 = 0;
        long refF0N = 0;
        double contourCross = 0;
        double contourSynthSq = 0;
        double contourRefSq = 0;
        int failed = 0;
        for (int k = 0; k < items.size(); k++) {
            Acoustic a = acoustic.get(k);
            Item item = items.get(k);
            String hyp = hyps == null ? null : hyps.get(k);
            String refHyp = refHyps == null ? null : refHyps.get(k);
            Double wer = null;
            Double refWer = null;
            if (hyp != null) {
                WordErrorRate.Counts c = WordErrorRate.compute(item.text(), hyp);
                werTotal = werTotal.plus(c);
                wer = c.wer();
                WordErrorRate.Counts rc = WordErrorRate.compute(item.text(), refHyp);
                refWerTotal = refWerTotal.plus(rc);
                refWer = rc.wer();
            }
            if (grammarHyps != null) {
                grammarWerTotal = grammarWerTotal.plus(WordErrorRate.compute(item.text(), grammarHyps.get(k)));
                grammarRefWerTotal = grammarRefWerTotal.plus(WordErrorRate.compute(item.text(), grammarRefHyps.get(k)));
            }
            if (a.error != null) {
                failed++;
                results.add(new EvaluationReport.ItemResult(item.id(), item.text(), null, null, null, null, 0, 0, null,
                        null, a.synthSeconds, a.refSeconds, hyp, wer, refHyp, refWer, a.error));
                continue;
            }
            mcdSum += a.mcd;
            mcdSq += a.mcd * a.mcd;
            mcdN++;
            f0SqHz += a.f0SqHz;
            f0SqCents += a.f0SqCents;
            voicedPairs += a.voicedPairs;
            voicingErrors += a.voicingErrors;
            pairs += a.pairs;
            synthSeconds += a.synthSeconds;
            refSeconds += a.refSeconds;
            synthF0 += a.synthF0Sum;
            synthF0N += a.synthF0N;
            refF0 += a.refF0Sum;
            refF0N += a.refF0N;
            synthFrames += a.synthFrames;
            refFrames += a.refFrames;
            contourCross += a.contourCross;
            contourSynthSq += a.contourSynthSq;
            contourRefSq += a.contourRefSq;
            results.add(new EvaluationReport.ItemResult(item.id(), item.text(), a.mcd,
                    a.voicedPairs == 0 ? null : Math.sqrt(a.f0SqHz / a.voicedPairs),
                    a.voicedPairs == 0 ? null : Math.sqrt(a.f0SqCents / a.voicedPairs),
                    a.pairs == 0 ? null : (double) a.voicingErrors / a.pairs, a.voicedPairs, a.pairs,
                    a.synthF0N == 0 ? null : a.synthF0Sum / a.synthF0N, a.refF0N == 0 ? null : a.refF0Sum / a.refF0N,
                    a.synthSeconds, a.refSeconds, hyp, wer, refHyp, refWer, null));
        }
        Double mcdMean = mcdN == 0 ? null : mcdSum / mcdN;
        Double mcdStd = mcdN == 0 ? null : Math.sqrt(Math.max(0, mcdSq / mcdN - (mcdSum / mcdN) * (mcdSum / mcdN)));
        EvaluationReport.Summary summary = new EvaluationReport.Summary(items.size(), failed, mcdMean, mcdStd,
                voicedPairs == 0 ? null : Math.sqrt(f0SqHz / voicedPairs),
                voicedPairs == 0 ? null : Math.sqrt(f0SqCents / voicedPairs),
                pairs == 0 ? null : (double) voicingErrors / pairs,
                synthSeconds == 0 ? null : refSeconds / synthSeconds,
                synthF0N == 0 ? null : synthF0 / synthF0N, refF0N == 0 ? null : refF0 / refF0N,
                hyps == null ? null : werTotal.wer(), refHyps == null ? null : refWerTotal.wer(),
                grammarHyps == null ? null : grammarWerTotal.wer(), grammarRefHyps == null ? null : grammarRefWerTotal.wer(),
                synthFrames == 0 ? null : (double) synthF0N / synthFrames, refFrames == 0 ? null : (double) refF0N / refFrames,
                synthSeconds, refSeconds,
                contourSynthSq == 0 || contourRefSq == 0 ? null : contourCross / Math.sqrt(contourSynthSq * contourRefSq),
                contourRefSq == 0 ? null : Math.sqrt(contourSynthSq / contourRefSq));
        return new EvaluationReport(label, summary, List.copyOf(results));
    }

    private static List<String> recognize(Pocketsphinx ps, List<PcmAudio> audio, List<String> candidates,
                                          Pocketsphinx.Grammar mode, Path dir) {
        try {
            return ps.recognize(audio, candidates, mode, dir);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    private List<String> referenceHypotheses(Pocketsphinx ps, List<PcmAudio> references, List<String> candidates,
                                             Pocketsphinx.Grammar mode, Path dir) {
        int audioHash = 1;
        for (PcmAudio r : references) audioHash = 31 * audioHash + java.util.Arrays.hashCode(r.samples()) + r.sampleRate();
        String key = mode + "/" + audioHash + "/" + candidates.hashCode() + "/" + references.size();
        return referenceHypotheses.computeIfAbsent(key, k -> recognize(ps, references, candidates, mode, dir));
    }

    /** Acoustic comparison of one pair (everything but WER). */
    static final class Acoustic {
        double mcd;
        double f0SqHz;
        double f0SqCents;
        int voicedPairs;
        int voicingErrors;
        int pairs;
        double synthSeconds;
        double refSeconds;
        double synthF0Sum;
        long synthF0N;
        double refF0Sum;
        long refF0N;
        int synthFrames;
        int refFrames;
        /** Sums over the pairs voiced in both of the log-F0 deviations from this item's means over those pairs. */
        double contourCross;
        double contourSynthSq;
        double contourRefSq;
        String error;
    }

    private Acoustic acoustic(Item item) {
        Acoustic a = new Acoustic();
        try {
            double band = commonBandHz(item.synthesized().sampleRate(), item.reference().sampleRate());
            float[] s = speech(item.synthesized());
            float[] r = speech(item.reference());
            a.synthSeconds = s.length / (double) MelCepstrum.RATE;
            a.refSeconds = r.length / (double) MelCepstrum.RATE;
            if (s.length < 3 * MelCepstrum.HOP || r.length < 3 * MelCepstrum.HOP) {
                a.error = "audio too short";
                return a;
            }
            double[][] cs = MelCepstrum.compute(s, band);
            double[][] cr = MelCepstrum.compute(r, band);
            Dtw.Path path = Dtw.align(cs.length, cr.length, (i, j) -> MelCepstrum.frameMcd(cs[i], cr[j]));
            a.mcd = path.meanCost();
            float[] fs = pitch.f0(s, MelCepstrum.RATE, MelCepstrum.HOP);
            float[] fr = pitch.f0(r, MelCepstrum.RATE, MelCepstrum.HOP);
            a.synthFrames = fs.length;
            a.refFrames = fr.length;
            for (float v : fs) if (v > 0) {
                a.synthF0Sum += v;
                a.synthF0N++;
            }
            for (float v : fr) if (v > 0) {
                a.refF0Sum += v;
                a.refF0N++;
            }
            double[] logSynth = new double[path.length()];
            double[] logRef = new double[path.length()];
            for (int k = 0; k < path.length(); k++) {
                int i = Math.min(path.a()[k], fs.length - 1);
                int j = Math.min(path.b()[k], fr.length - 1);
                boolean vs = fs[i] > 0;
                boolean vr = fr[j] > 0;
                a.pairs++;
                if (vs != vr) a.voicingErrors++;
                if (vs && vr) {
                    double d = fs[i] - fr[j];
                    double cents = 1200 * Math.log(fs[i] / fr[j]) / Math.log(2);
                    a.f0SqHz += d * d;
                    a.f0SqCents += cents * cents;
                    logSynth[a.voicedPairs] = Math.log(fs[i]);
                    logRef[a.voicedPairs] = Math.log(fr[j]);
                    a.voicedPairs++;
                }
            }
            contour(a, logSynth, logRef, a.voicedPairs);
        } catch (RuntimeException e) {
            a.error = e.getClass().getSimpleName() + ": " + e.getMessage();
        }
        return a;
    }

    static void deleteQuietly(Path dir) {
        try (var walk = Files.walk(dir)) {
            walk.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException ignored) {
            // temporary files only
        }
    }

    /**
     * Upper edge of the analysed band: 85 % of the lower Nyquist frequency (original rates and the 16 kHz analysis
     * rate), where resamplers and codecs such as G.722 (7 kHz) are still flat. 6.8 kHz for 16 kHz and up.
     */
    public static double commonBandHz(int rateA, int rateB) {
        return 0.85 * Math.min(Math.min(rateA, rateB), MelCepstrum.RATE) / 2.0;
    }

    /** 16 kHz samples with edge silence trimmed (20 ms kept). */
    /** The contour sums of one item: each side's log-F0 about its own mean over the item's n voiced pairs. */
    static void contour(Acoustic a, double[] logSynth, double[] logRef, int n) {
        if (n < 2) return;
        double ms = 0, mr = 0;
        for (int k = 0; k < n; k++) {
            ms += logSynth[k];
            mr += logRef[k];
        }
        ms /= n;
        mr /= n;
        for (int k = 0; k < n; k++) {
            double ds = logSynth[k] - ms;
            double dr = logRef[k] - mr;
            a.contourCross += ds * dr;
            a.contourSynthSq += ds * ds;
            a.contourRefSq += dr * dr;
        }
    }

    static float[] speech(PcmAudio audio) {
        PcmAudio at16 = audio.resampled(MelCepstrum.RATE);
        return AudioPrep.trim(at16, 0.02).samples();
    }
}
