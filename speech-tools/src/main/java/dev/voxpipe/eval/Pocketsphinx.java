package dev.voxpipe.eval;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

import dev.voxpipe.corpus.Processes;
import dev.voxpipe.dsp.PcmAudio;
import dev.voxpipe.dsp.WavIo;
import dev.voxpipe.text.EnglishG2P;

/**
 * Intelligibility with Debian's pocketsphinx 5prealpha ({@code pocketsphinx_batch}, en-us model) in grammar mode:
 * a JSGF grammar whose alternatives are the candidate sentences, 16 kHz audio with 0.3 s of silence padding on
 * both sides, {@code -dither yes} with a fixed {@code -seed} (dither is random otherwise). Words missing from
 * the CMU dictionary get pronunciations from our G2P (stress removed). One process decodes the whole batch.
 */
public final class Pocketsphinx {
    public static final Path MODEL = Path.of("/usr/share/pocketsphinx/model/en-us");
    public static final double PADDING_SECONDS = 0.3;
    private final Path model;

    public Pocketsphinx(Path model) {
        this.model = model;
    }

    public static Pocketsphinx defaults() {
        return new Pocketsphinx(MODEL);
    }

    /** True when pocketsphinx_batch and the en-us model are installed. */
    public static boolean available() {
        return Processes.onPath("pocketsphinx_batch") && Files.isDirectory(MODEL.resolve("en-us"));
    }

    /** Grammar word sequence for a sentence: lower case words, digits spelled, punctuation dropped. */
    static List<String> grammarWords(String sentence) {
        return WordErrorRate.words(sentence);
    }

    /**
     * {@code OPEN_VOCABULARY}: no grammar, pocketsphinx's own en-us language model and CMU dictionary (the headline:
     * the recogniser cannot fall back on the expected sentence, so an unvoiced rendering scores near 100 %; the real
     * speaker's own recordings score about 31 %). {@code SENTENCES}: the grammar is the list of candidate sentences
     * (a pass/fail check: clean voices score 0-7 %, and so does noise). {@code WORD_LOOP}: any sequence of the
     * candidates' words (30-45 % for clean diphone and cluster voices, near 100 % for espeak).
     */
    public enum Grammar { OPEN_VOCABULARY, SENTENCES, WORD_LOOP }

    /** Recognises each audio with a grammar of the candidate sentences; one hypothesis per audio. */
    public List<String> recognize(List<PcmAudio> audios, List<String> candidates, Path workDir)
            throws IOException, InterruptedException {
        return recognize(audios, candidates, Grammar.SENTENCES, workDir);
    }

    /** Recognises each audio with the given grammar built from {@code candidates}; one hypothesis per audio. */
    public List<String> recognize(List<PcmAudio> audios, List<String> candidates, Grammar mode, Path workDir)
            throws IOException, InterruptedException {
        Files.createDirectories(workDir);
        List<String> ids = writeBatch(audios, workDir);
        List<String> languageArgs = mode == Grammar.OPEN_VOCABULARY
                ? List.of("-lm", model.resolve("en-us.lm.bin").toString(), "-dict", model.resolve("cmudict-en-us.dict").toString())
                : grammarArgs(candidates, mode, workDir);
        Path hyp = workDir.resolve("out.hyp");
        Files.deleteIfExists(hyp);
        List<String> command = new ArrayList<>(List.of("pocketsphinx_batch", "-hmm", model.resolve("en-us").toString()));
        command.addAll(languageArgs);
        command.addAll(List.of("-ctl", workDir.resolve("list.ctl").toString(), "-cepdir", workDir.toString(), "-cepext", ".wav",
                "-adcin", "yes", "-adchdr", "44", "-samprate", "16000", "-dither", "yes", "-seed", "1",
                "-hyp", hyp.toString(), "-logfn", workDir.resolve("pocketsphinx.log").toString()));
        Processes.run(command, workDir, 120L + 20L * audios.size());
        Map<String, String> byId = new HashMap<>();
        if (Files.isRegularFile(hyp)) {
            for (String line : Files.readAllLines(hyp, StandardCharsets.UTF_8)) {
                int open = line.lastIndexOf(" (");
                if (open < 0) continue;
                String text = line.substring(0, open).strip();
                String id = line.substring(open + 2).split(" ")[0];
                byId.put(id, text);
            }
        }
        List<String> out = new ArrayList<>();
        for (String id : ids) out.add(byId.getOrDefault(id, ""));
        return out;
    }

    /** Padded 16 kHz wavs and the control file listing them; returns their ids in order. */
    private static List<String> writeBatch(List<PcmAudio> audios, Path workDir) throws IOException {
        List<String> ids = new ArrayList<>();
        for (int k = 0; k < audios.size(); k++) {
            String id = String.format(Locale.ROOT, "u%05d", k);
            ids.add(id);
            WavIo.writeWav16(pad(audios.get(k).resampled(16_000)), workDir.resolve(id + ".wav"));
        }
        Files.write(workDir.resolve("list.ctl"), ids, StandardCharsets.UTF_8);
        return ids;
    }

    /** A JSGF grammar built from the candidates and a dictionary of their words. */
    private List<String> grammarArgs(List<String> candidates, Grammar mode, Path workDir) throws IOException {
        Set<String> alternatives = new LinkedHashSet<>();
        Set<String> vocabulary = new LinkedHashSet<>();
        for (String c : candidates) {
            List<String> words = grammarWords(c);
            if (words.isEmpty()) continue;
            alternatives.add(String.join(" ", words));
            vocabulary.addAll(words);
        }
        if (alternatives.isEmpty()) throw new IllegalArgumentException("no candidate sentence has words");
        Path dict = workDir.resolve("words.dict");
        writeDictionary(vocabulary, dict);
        Path grammar = workDir.resolve("candidates.gram");
        StringBuilder g = new StringBuilder("#JSGF V1.0;\ngrammar candidates;\n");
        if (mode == Grammar.SENTENCES) {
            g.append("public <sentence> = ");
            boolean first = true;
            for (String alt : alternatives) {
                if (!first) g.append("\n  | ");
                g.append("( ").append(alt).append(" )");
                first = false;
            }
        } else {
            g.append("public <sentence> = <word>+ ;\n<word> = ").append(String.join(" | ", vocabulary));
        }
        g.append(" ;\n");
        Files.writeString(grammar, g, StandardCharsets.UTF_8);
        return List.of("-dict", dict.toString(), "-jsgf", grammar.toString());
    }

    static PcmAudio pad(PcmAudio audio) {
        int pad = (int) Math.round(PADDING_SECONDS * audio.sampleRate());
        float[] x = new float[audio.length() + 2 * pad];
        System.arraycopy(audio.samples(), 0, x, pad, audio.length());
        return new PcmAudio(x, audio.sampleRate());
    }

    /** The grammar's words with CMU dictionary pronunciations, G2P for the rest. */
    private void writeDictionary(Set<String> vocabulary, Path dict) throws IOException {
        Map<String, String> cmu = new HashMap<>();
        Set<String> wanted = new java.util.HashSet<>(vocabulary);
        try (var lines = Files.lines(model.resolve("cmudict-en-us.dict"), StandardCharsets.UTF_8)) {
            lines.forEach(line -> {
                int space = line.indexOf(' ');
                if (space <= 0) return;
                String word = line.substring(0, space);
                String base = word.replaceAll("\\(\\d+\\)$", "");
                if (wanted.contains(base)) cmu.merge(base, line, (x, y) -> x + "\n" + y);
            });
        }
        EnglishG2P g2p = new EnglishG2P();
        List<String> out = new ArrayList<>();
        for (String w : vocabulary) {
            String entry = cmu.get(w);
            if (entry != null) {
                out.add(entry);
            } else {
                List<String> phones = g2p.pronounce(w).phonemes().stream().map(p -> p.replaceAll("\\d", "")).toList();
                if (!phones.isEmpty()) out.add(w + " " + String.join(" ", phones));
            }
        }
        Files.write(dict, out, StandardCharsets.UTF_8);
    }
}
