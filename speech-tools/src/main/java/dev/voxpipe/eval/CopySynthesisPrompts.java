package dev.voxpipe.eval;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

import dev.voxpipe.corpus.Args;
import dev.voxpipe.corpus.RealSpeakerLoader;
import dev.voxpipe.corpus.RealSpeakerLoader.RealUtterance;

/**
 * More of the shared speaker's prompts for judging copy synthesis (her log-mel and F0 through the vocoder), which
 * involves no acoustic model: any recording of hers that the vocoder's trained part (the aperiodicity model,
 * {@code train_aperiodicity.sh}: the first {@code --trained} clips of her pretraining folder, in metadata order) never
 * saw is as held out for the vocoder as her test prompts. From her pretraining pool it takes the protocol's prompts
 * ({@link EvaluationProtocol#isPrompt}: complete sentences of at least 3 words and 1.5 s of the trimmed recording) up to
 * {@value #MAX_SECONDS} s rather than 8 (that cap is for what the acoustic model is asked to say; her longer prompts
 * carry most of the words), each sentence once and none that is a validation or test sentence, and writes them as
 * sets {@code CloneEvaluation} reads:
 * <ul>
 *   <li>{@code OUT/unseen}: after the aperiodicity model's training clips (never seen by any trained part);</li>
 *   <li>{@code OUT/seen}: among them (to show whether having seen a clip matters).</li>
 * </ul>
 * <pre>speech-tools/bin/speech-tools copy-synthesis-prompts [--speaker data/real-speaker] [--out SPEAKER/extra] [--trained 250]</pre>
 * The speaker folder is {@code speech-tools real-speaker}'s; her transcripts come from the installed sounds.
 */
public final class CopySynthesisPrompts {
    /** The longest recording taken: copy synthesis has no length limit. */
    static final double MAX_SECONDS = 20.0;
    /** {@code train_aperiodicity.sh}'s {@code --limit}. */
    static final int APERIODICITY_TRAINING_CLIPS = 250;

    private CopySynthesisPrompts() {
    }

    /** One pretraining-pool recording: its metadata row and its trimmed length (splits.tsv). */
    record PoolClip(String id, String text, double seconds) {
    }

    /**
     * The seen and unseen prompts among {@code pool} (in metadata order), by each clip's utterance (for its fragment
     * flag and spoken text) and the sentences already in the validation and test splits.
     */
    static Map<String, List<PoolClip>> select(List<PoolClip> pool, Map<String, RealUtterance> utterances,
                                              Set<String> evaluationSentences, int trainedClips) {
        Map<String, List<PoolClip>> sets = new LinkedHashMap<>();
        sets.put("seen", new ArrayList<>());
        sets.put("unseen", new ArrayList<>());
        Set<String> chosen = new HashSet<>(evaluationSentences);
        for (int index = 0; index < pool.size(); index++) {
            PoolClip clip = pool.get(index);
            RealUtterance u = utterances.get(clip.id());
            if (u == null || !EvaluationProtocol.isPrompt(u, clip.seconds(), MAX_SECONDS)) continue;
            if (!chosen.add(EvaluationProtocol.sentence(clip.text()))) continue;
            sets.get(index < trainedClips ? "seen" : "unseen").add(clip);
        }
        return sets;
    }

    public static void main(String[] args) throws IOException {
        Map<String, String> a = Args.parse(args);
        Path speaker = Path.of(a.getOrDefault("speaker", "data/real-speaker"));
        Path out = Path.of(a.getOrDefault("out", speaker.resolve("extra").toString()));
        int trained = Integer.parseInt(a.getOrDefault("trained", "" + APERIODICITY_TRAINING_CLIPS));
        Map<String, RealUtterance> utterances = new HashMap<>();
        for (RealUtterance u : RealSpeakerLoader.defaults().utterances()) utterances.put(u.name().replace('/', '_'), u);
        Map<String, Double> seconds = new HashMap<>();
        Set<String> evaluation = new HashSet<>();
        for (String line : Files.readAllLines(speaker.resolve("splits.tsv"), StandardCharsets.UTF_8)) {
            String[] f = line.split("\t");
            seconds.put(f[0].replace('/', '_'), Double.parseDouble(f[2]));
            if (f[1].equals("validation") || f[1].equals("test")) evaluation.add(EvaluationProtocol.sentence(f[3]));
        }
        Path pretrain = speaker.resolve("pretrain");
        List<PoolClip> pool = new ArrayList<>();
        for (String line : Files.readAllLines(pretrain.resolve("metadata.tsv"), StandardCharsets.UTF_8)) {
            if (line.isBlank()) continue;
            String[] f = line.split("\t");
            pool.add(new PoolClip(f[0], f[1], seconds.getOrDefault(f[0], 0.0)));
        }
        for (var set : select(pool, utterances, evaluation, trained).entrySet()) {
            Path dir = out.resolve(set.getKey());
            Files.createDirectories(dir);
            List<String> meta = new ArrayList<>();
            double total = 0;
            for (PoolClip clip : set.getValue()) {
                Path wav = dir.resolve(clip.id() + ".wav");
                if (!Files.exists(wav)) Files.createLink(wav, pretrain.resolve(clip.id() + ".wav"));
                meta.add(clip.id() + "\t" + clip.text());
                total += clip.seconds();
            }
            Files.write(dir.resolve("metadata.tsv"), meta, StandardCharsets.UTF_8);
            System.out.printf(Locale.ROOT, "%s: %d prompts, %.1f s -> %s%n", set.getKey(), meta.size(), total, dir);
        }
    }
}
