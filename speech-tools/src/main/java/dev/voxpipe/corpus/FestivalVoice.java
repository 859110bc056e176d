package dev.voxpipe.corpus;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** A festival voice; one festival process synthesises a whole batch (start-up costs about a second). */
public record FestivalVoice(String voice, String human, String gender, String aptPackage) implements TtsVoice {
    @Override
    public String id() {
        return "festival_" + voice.replace("cmu_us_", "").replace("_arctic", "");
    }

    @Override
    public String engine() {
        return "festival";
    }

    @Override
    public List<String> aptPackages() {
        return List.of("festival", aptPackage);
    }

    @Override
    public void synthesize(List<String> texts, List<Path> wavs, Path workDir) throws IOException, InterruptedException {
        StringBuilder script = new StringBuilder("(voice_" + voice + ")\n");
        for (int k = 0; k < texts.size(); k++) {
            script.append("(utt.save.wave (utt.synth (Utterance Text \"").append(escape(texts.get(k)))
                    .append("\")) \"").append(escape(wavs.get(k).toString())).append("\" 'riff)\n");
        }
        Path file = workDir.resolve(id() + ".scm");
        Files.writeString(file, script, StandardCharsets.UTF_8);
        Processes.run(List.of("festival", "--batch", file.toString()), workDir, 60L + 30L * texts.size());
        for (Path wav : wavs) {
            if (!Files.isRegularFile(wav)) throw new IOException("festival wrote no " + wav);
        }
    }

    static String escape(String s) {
        return s.replace("\\", "\\\\").replace("\"", "\\\"");
    }
}
