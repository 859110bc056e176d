package dev.voxpipe.corpus;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Widens the speaker space of a built corpus with sox: pitch shifts that keep tempo and formants ({@code pitch}),
 * and speed changes that move pitch and formants together, as a shorter or longer vocal tract would ({@code speed}).
 * Each variant becomes a speaker directory of its own ({@code <speaker>_pitch+300}, {@code <speaker>_speed1.08}),
 * with the source's metadata and a {@code speaker.json} naming its source and effect, so pretraining can list or
 * leave out each one. Deterministic (sox without dither) and resumable (a variant with its {@code speaker.json} is
 * kept).
 *
 * <pre>
 * speech-tools/bin/speech-tools augment --corpus data/real-corpus --speakers asterisk_fr_ca,asterisk_ru_ru
 *                                       [--pitch -300,300] [--speed 0.92,1.08] [--out data/real-corpus]
 * </pre>
 * Not in any shipped recipe yet: the rule is to keep a variant only where the validation split shows that it
 * helps, which needs a pretraining run with and without it.
 */
public final class Augmenter {
    private static final Logger LOG = LoggerFactory.getLogger(Augmenter.class);

    /** One sox effect with its argument; {@link #suffix()} names the variant. */
    public record Variant(String effect, String argument) {
        public Variant {
            if (!effect.equals("pitch") && !effect.equals("speed")) throw new IllegalArgumentException("effect must be pitch or speed: " + effect);
            double v = Double.parseDouble(argument);
            if (effect.equals("pitch") && (v == 0 || Math.abs(v) > 1200)) throw new IllegalArgumentException("pitch shift in cents, 0 < |x| <= 1200: " + argument);
            if (effect.equals("speed") && (v <= 0.5 || v >= 2 || v == 1)) throw new IllegalArgumentException("speed factor in (0.5, 2), not 1: " + argument);
        }

        public String suffix() {
            double v = Double.parseDouble(argument);
            return effect.equals("pitch") ? String.format(Locale.ROOT, "pitch%+d", Math.round(v))
                    : String.format(Locale.ROOT, "speed%.2f", v);
        }

        List<String> soxEffect() {
            // speed resamples back to the input rate ("rate" follows), so the file format stays the corpus's
            return effect.equals("pitch") ? List.of("pitch", argument) : List.of("speed", argument, "rate", "-h", "" + AudioPrep.CORPUS_RATE);
        }
    }

    private Augmenter() {
    }

    /** Variants from {@code --pitch} and {@code --speed} lists. */
    public static List<Variant> variants(String pitches, String speeds) {
        List<Variant> out = new ArrayList<>();
        for (String p : pitches == null || pitches.isBlank() ? new String[0] : pitches.split(",")) out.add(new Variant("pitch", p.strip()));
        for (String s : speeds == null || speeds.isBlank() ? new String[0] : speeds.split(",")) out.add(new Variant("speed", s.strip()));
        return out;
    }

    /** Writes {@code out/<speaker>_<variant>} for one source speaker directory; returns the variant directory. */
    public static Path augment(Path speakerDir, Variant variant, Path out) throws IOException, InterruptedException {
        // sox runs inside the variant's directory: relative paths would resolve there
        speakerDir = speakerDir.toAbsolutePath();
        out = out.toAbsolutePath();
        String id = speakerDir.getFileName() + "_" + variant.suffix();
        Path dir = out.resolve(id);
        Path json = dir.resolve("speaker.json");
        if (Files.isRegularFile(json)) return dir; // built before
        Path tmp = out.resolve(id + ".partial");
        Files.createDirectories(tmp);
        List<String> metadata = Files.readAllLines(speakerDir.resolve("metadata.tsv"), StandardCharsets.UTF_8);
        int n = 0;
        for (String line : metadata) {
            String[] f = line.split("\t");
            if (f.length < 2) continue;
            List<String> cmd = new ArrayList<>(List.of("sox", "-D", "-q", speakerDir.resolve(f[0] + ".wav").toString(),
                    "-b", "16", tmp.resolve(f[0] + ".wav").toString()));
            cmd.addAll(variant.soxEffect());
            Processes.run(cmd, tmp, 120);
            n++;
        }
        Files.copy(speakerDir.resolve("metadata.tsv"), tmp.resolve("metadata.tsv"), StandardCopyOption.REPLACE_EXISTING);
        String source = speakerDir.getFileName().toString();
        Files.writeString(tmp.resolve("speaker.json"), String.format(Locale.ROOT,
                "{\n  \"speaker\": \"%s\",\n  \"derivedFrom\": \"%s\",\n  \"augmentation\": \"sox %s\",\n  \"utterances\": %d,\n"
                        + "  \"note\": \"same human as %s; not a new speaker for counting, only a wider speaker space\"\n}\n",
                id, source, String.join(" ", variant.soxEffect()), n, source), StandardCharsets.UTF_8);
        if (Files.exists(dir)) deleteTree(dir);
        Files.move(tmp, dir);
        LOG.info("{}: {} utterances ({})", id, n, String.join(" ", variant.soxEffect()));
        return dir;
    }

    static void deleteTree(Path dir) throws IOException {
        try (var walk = Files.walk(dir)) {
            for (Path p : walk.sorted(java.util.Comparator.reverseOrder()).toList()) Files.delete(p);
        }
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> a = Args.parse(args);
        Path corpus = Path.of(a.getOrDefault("corpus", "data/real-corpus"));
        Path out = Path.of(a.getOrDefault("out", corpus.toString()));
        if (!Processes.onPath("sox")) throw new IllegalStateException("sox is not installed (Debian package sox)");
        // the defaults are for a bare call; naming one effect asks for that effect only
        boolean bare = !a.containsKey("pitch") && !a.containsKey("speed");
        List<Variant> variants = variants(a.getOrDefault("pitch", bare ? "-300,300" : ""),
                a.getOrDefault("speed", bare ? "0.92,1.08" : ""));
        String speakers = a.get("speakers");
        if (speakers == null) throw new IllegalArgumentException("missing --speakers (corpus speaker directories to augment)");
        for (String speaker : speakers.split(",")) {
            for (Variant v : variants) augment(corpus.resolve(speaker.strip()), v, out);
        }
    }
}
