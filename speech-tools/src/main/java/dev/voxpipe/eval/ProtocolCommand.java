package dev.voxpipe.eval;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import dev.voxpipe.corpus.Args;
import dev.voxpipe.corpus.RealSpeakerLoader.RealUtterance;

/**
 * The evaluation protocol's splits for any corpus speaker directory ({@code <id>.wav} + {@code metadata.tsv} with
 * {@code id \t text [\t phonemes]}), as {@code real-speaker} makes them for the shared English speaker.
 *
 * <pre>
 * speech-tools/bin/speech-tools protocol --speaker DIR --out OUT [--seconds 60] [--prompts 40]
 * </pre>
 * Writes {@code OUT/fewshot}, {@code OUT/validation} and {@code OUT/test} (the wavs copied, with metadata.tsv) and
 * {@code OUT/refused.tsv}.
 */
public final class ProtocolCommand {
    private ProtocolCommand() {
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> a = Args.parse(args);
        Path speaker = Path.of(EvaluateCommand.require(a, "speaker"));
        Path out = Path.of(EvaluateCommand.require(a, "out"));
        double seconds = Double.parseDouble(a.getOrDefault("seconds", "60"));
        int prompts = Integer.parseInt(a.getOrDefault("prompts", "" + EvaluationProtocol.DEFAULT_PROMPTS));
        EvaluationProtocol.Splits splits = EvaluationProtocol.split(corpusSpeaker(speaker), seconds, prompts);
        for (String part : List.of("fewshot", "validation", "test")) {
            Path dir = out.resolve(part);
            Files.createDirectories(dir);
            List<String> meta = new ArrayList<>();
            for (RealUtterance u : splits.part(part)) {
                Files.copy(u.file(), dir.resolve(u.name() + ".wav"), StandardCopyOption.REPLACE_EXISTING);
                meta.add(u.name() + "\t" + u.text());
            }
            Files.write(dir.resolve("metadata.tsv"), meta, StandardCharsets.UTF_8);
            System.out.printf("%s: %d utterances%n", part, meta.size());
        }
        List<String> refused = new ArrayList<>();
        splits.refusedForOverlap().forEach((name, why) -> refused.add(name + "\t" + why));
        Files.write(out.resolve("refused.tsv"), refused, StandardCharsets.UTF_8);
    }

    /** A corpus speaker's utterances with their durations. */
    static List<RealUtterance> corpusSpeaker(Path dir) throws IOException {
        List<RealUtterance> out = new ArrayList<>();
        for (String line : Files.readAllLines(dir.resolve("metadata.tsv"), StandardCharsets.UTF_8)) {
            String[] f = line.split("\t");
            if (f.length < 2 || f[0].equals("id")) continue;
            Path wav = dir.resolve(f[0] + ".wav");
            if (!Files.isRegularFile(wav)) continue;
            out.add(new RealUtterance(f[0], f[1], f[1], false, wav, wavSeconds(wav)));
        }
        return out;
    }

    static double wavSeconds(Path wav) throws IOException {
        try {
            return dev.voxpipe.dsp.WavIo.read(wav).durationSeconds();
        } catch (dev.voxpipe.dsp.decode.AudioDecodeException e) {
            throw new IOException("cannot read " + wav, e);
        }
    }
}
