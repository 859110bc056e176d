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
        double ref = best(() -> reference(words));
        System.out.printf(Locale.ROOT, "reference (split+lowercase+map lookup): %,.0f words/s%n", words.length / ref);

        double chunk = best(() -> fe.chunks(text, 250));
        System.out.printf(Locale.ROOT, "sentences+normalise+chunks: %,.0f chars/s = %,.0f words/s (%.1fx slower than reference)%n",
                text.length() / chunk, words.length / chunk, chunk / ref);

        List<TextChunk> chunks = fe.chunks(text, 250);
        double phon = best(() -> {
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
        double lex = best(() -> {
            long n = 0;
            for (int i = 0; i < lexN; i++) n += g2p.pronounce(lexiconWords[i % lexiconWords.length]).phonemes().size();
            return n;
        });
        System.out.printf(Locale.ROOT, "G2P lexicon hits, cached (repeated words): %,.0f words/s%n", lexN / lex);
        int lexU = 100_000;
        double lexUncached = best(() -> {
            long n = 0;
            for (int i = 0; i < lexU; i++) n += g2p.pronounceUncached(lexiconWords[i % lexiconWords.length]).phonemes().size();
            return n;
        });
        System.out.printf(Locale.ROOT, "G2P lexicon lookups, uncached (FST + SAMPA->ARPAbet): %,.0f words/s%n", lexU / lexUncached);
        String[] unknown = new String[2000]; // all distinct, so the cache never helps
        Random r = new Random(1);
        for (int i = 0; i < unknown.length; i++) unknown[i] = pseudoWord(r);
        double lts = best(() -> {
            long n = 0;
            for (String w : unknown) n += g2p.pronounceUncached(w).phonemes().size();
            return n;
        });
        System.out.printf(Locale.ROOT, "G2P letter-to-sound (unknown words, uncached): %,.0f words/s%n", unknown.length / lts);

        String quarter = text.substring(0, text.length() / 4);
        double small = best(() -> fe.chunks(quarter, 250));
        System.out.printf(Locale.ROOT, "linearity: chunks(4N) / chunks(N) time = %.2f (linear 4, quadratic 16)%n", chunk / small);
    }

    interface Work {
        Object run();
    }

    /** Best of 3 wall-clock seconds. */
    static double best(Work w) {
        double best = Double.MAX_VALUE;
        for (int k = 0; k < 3; k++) {
            long t0 = System.nanoTime();
            Object sink = w.run();
            best = Math.min(best, (System.nanoTime() - t0) / 1e9);
            if (sink == null) System.out.print("");
        }
        return best;
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
