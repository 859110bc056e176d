package dev.voxpipe.text.bench;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;

import dev.voxpipe.text.EnglishG2P;
import dev.voxpipe.text.TextChunk;
import dev.voxpipe.text.TextFrontend;

/**
 * Text frontend throughput (run with bench/text/run.sh). Every figure is printed with a reference measured in the
 * same run on the same text: a plain split + lower-case + HashMap lookup pass (the cost of merely touching each
 * word), so the ratios survive a busy machine. Also prints the 4x-input time ratio (linear: about 4).
 */
public final class TextFrontendBench {
    public static void main(String[] args) {
        int chars = args.length > 0 ? Integer.parseInt(args[0]) : 1 << 20;
        String text = book(chars, 42);
        String[] words = text.split("\\s+");
        TextFrontend fe = TextFrontend.english();
        EnglishG2P g2p = new EnglishG2P();
        System.out.printf(Locale.ROOT, "text: %,d chars, %,d words%n", text.length(), words.length);

        for (int k = 0; k < 2; k++) { // warm-up
            reference(words);
            fe.chunks(text.substring(0, chars / 8), 250);
        }
        double ref = medianSeconds(() -> reference(words));
        System.out.printf(Locale.ROOT, "reference (split+lowercase+map lookup): %,.0f words/s%n", words.length / ref);

        double chunk = medianSeconds(() -> fe.chunks(text, 250));
        System.out.printf(Locale.ROOT, "sentences+normalise+chunks: %,.0f chars/s = %,.0f words/s (%.1fx slower than reference)%n",
                text.length() / chunk, words.length / chunk, chunk / ref);

        List<TextChunk> chunks = fe.chunks(text, 250);
        double phon = medianSeconds(() -> {
            long n = 0;
            for (TextChunk c : chunks) n += fe.phonemize(c.text()).length();
            return n;
        });
        long spoken = 0;
        for (TextChunk c : chunks) spoken += c.text().split(" ").length;
        System.out.printf(Locale.ROOT, "phonemize (normalise+G2P) of the chunks: %,.0f spoken words/s (%.1fx slower per word than reference)%n",
                spoken / phon, (phon / spoken) / (ref / words.length));

        String[] lexiconWords = {"the", "quick", "brown", "fox", "jumps", "over", "lazy", "dog", "synthesis", "pipeline",
                "measure", "treasure", "village", "orchestra", "thunderstorm", "carefully"};
        int lexN = 400_000;
        double lex = medianSeconds(() -> {
            long n = 0;
            for (int i = 0; i < lexN; i++) n += g2p.pronounce(lexiconWords[i % lexiconWords.length]).phonemes().size();
            return n;
        });
        System.out.printf(Locale.ROOT, "G2P lexicon hits, cached (repeated words): %,.0f words/s%n", lexN / lex);
        int lexU = 100_000;
        double lexUncached = medianSeconds(() -> {
            long n = 0;
            for (int i = 0; i < lexU; i++) n += g2p.pronounceUncached(lexiconWords[i % lexiconWords.length]).phonemes().size();
            return n;
        });
        System.out.printf(Locale.ROOT, "G2P lexicon lookups, uncached (FST + SAMPA->ARPAbet): %,.0f words/s%n", lexU / lexUncached);
        String[] unknown = new String[2000]; // all distinct, so the cache never helps
        Random r = new Random(1);
        for (int i = 0; i < unknown.length; i++) unknown[i] = pseudoWord(r);
        double lts = medianSeconds(() -> {
            long n = 0;
            for (String w : unknown) n += g2p.pronounceUncached(w).phonemes().size();
            return n;
        });
        System.out.printf(Locale.ROOT, "G2P letter-to-sound (unknown words, uncached): %,.0f words/s%n", unknown.length / lts);

        String quarter = text.substring(0, text.length() / 4);
        double small = medianSeconds(() -> fe.chunks(quarter, 250));
        System.out.printf(Locale.ROOT, "linearity: chunks(4N) / chunks(N) time = %.2f (linear 4, quadratic 16)%n", chunk / small);
    }

    interface Work {
        Object run();
    }

    static final com.sun.management.OperatingSystemMXBean OS =
            (com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory.getOperatingSystemMXBean();
    /** Every figure gathers at least this much CPU time over its runs, so a 10 ms CPU-clock tick weighs under 0.5 %. */
    static final double MIN_TOTAL_CPU_S = 2.0;
    /** Each run repeats the work until it has taken at least this much CPU time. */
    static final double MIN_RUN_CPU_S = 0.2;
    static volatile Object sink;

    /**
     * Wall-clock seconds of one pass of the work, the median run's: each run repeats the work until it
     * took {@link #MIN_RUN_CPU_S} of CPU, and runs go on until they took {@link #MIN_TOTAL_CPU_S} in all
     * (at least 5 runs). The caller warms up first.
     * Prints the min and median run, by wall clock and CPU time, under the figure's line.
     */
    static double medianSeconds(Work w) {
        List<Double> wall = new ArrayList<>(), cpu = new ArrayList<>();
        double total = 0;
        int passes = 0;
        while (total < MIN_TOTAL_CPU_S || cpu.size() < 5) {
            long t0 = System.nanoTime();
            long runCpu0 = OS.getProcessCpuTime();
            int k = 0;
            long runCpu;
            do { // one run: as many passes as take MIN_RUN_CPU_S of CPU
                sink = w.run();
                k++;
                runCpu = OS.getProcessCpuTime() - runCpu0;
            } while (runCpu < MIN_RUN_CPU_S * 1e9);
            wall.add((System.nanoTime() - t0) / 1e9 / k);
            cpu.add(runCpu / 1e9 / k);
            total += runCpu / 1e9;
            passes += k;
        }
        java.util.Collections.sort(wall);
        java.util.Collections.sort(cpu);
        double median = wall.get(wall.size() / 2);
        System.out.printf(Locale.ROOT, "  one pass: wall min %.3f ms, median %.3f ms; CPU min %.3f ms, median %.3f ms (%d passes in %d runs, %.2f s CPU)%n",
                wall.get(0) * 1000, median * 1000, cpu.get(0) * 1000, cpu.get(cpu.size() / 2) * 1000, passes, cpu.size(), total);
        return median;
    }

    static Object reference(String[] words) {
        Map<String, Integer> m = new HashMap<>();
        for (String w : words) m.merge(w.toLowerCase(Locale.ROOT), 1, Integer::sum);
        return m;
    }

    static String pseudoWord(Random r) {
        String[] syl = {"ka", "lo", "mer", "tin", "vos", "pra", "zel", "dun", "shi", "quor", "bly", "stre"};
        StringBuilder sb = new StringBuilder();
        int n = 2 + r.nextInt(3);
        for (int i = 0; i < n; i++) sb.append(syl[r.nextInt(syl.length)]);
        return sb.toString();
    }

    /** Book-like text: chapters, paragraphs, numbers, abbreviations, dialogue. */
    static String book(int chars, long seed) {
        Random r = new Random(seed);
        String[] sentences = {"Dr. Smith arrived at 10:30 am with $1,250.75 in his pocket.",
                "It was the 3rd of March, 1984, and the rain had not stopped for 72 hours.",
                "\"Is anyone there?\" she asked, quietly.", "About 45% of the village had already left.",
                "The old bridge, built in 1889, creaked under the weight of the cart.",
                "Mr. and Mrs. Jones lived at 221 Baker St. for 12 years.",
                "He wrote to info@example.com and waited; nobody answered.",
                "They walked slowly along the river until the lights of the town appeared."};
        StringBuilder sb = new StringBuilder(chars + 256);
        int chapter = 1;
        List<String> para = new ArrayList<>();
        while (sb.length() < chars) {
            if (r.nextInt(40) == 0) sb.append("\n\nChapter ").append(chapter++).append("\n\n");
            para.clear();
            int n = 2 + r.nextInt(5);
            for (int i = 0; i < n; i++) para.add(sentences[r.nextInt(sentences.length)]);
            sb.append(String.join(" ", para)).append("\n\n");
        }
        sb.setLength(chars);
        return sb.toString();
    }

}
