package dev.voxpipe.corpus;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/** An espeak-ng voice variant (formant synthesis: clearly synthetic, but an extra speaker). */
public record EspeakVoice(String variant, String name, String human, String gender) implements TtsVoice {
    @Override
    public String id() {
        return "espeak_" + name;
    }

    @Override
    public String engine() {
        return "espeak-ng";
    }

    @Override
    public List<String> aptPackages() {
        return List.of("espeak-ng");
    }

    @Override
    public void synthesize(List<String> texts, List<Path> wavs, Path workDir) throws IOException, InterruptedException {
        TtsVoice.synthesizeEach(id(), texts, wavs, workDir, (text, wav) ->
                List.of("espeak-ng", "-v", variant, "-f", text.toString(), "-w", wav.toString()));
    }
}
