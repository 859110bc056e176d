package dev.voxpipe.corpus;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/** A voice built into Debian's flite binary ({@code flite -lv}). */
public record FliteVoice(String voice, String human, String gender) implements TtsVoice {
    @Override
    public String id() {
        return "flite_" + voice;
    }

    @Override
    public String engine() {
        return "flite";
    }

    @Override
    public List<String> aptPackages() {
        return List.of("flite");
    }

    @Override
    public void synthesize(List<String> texts, List<Path> wavs, Path workDir) throws IOException, InterruptedException {
        TtsVoice.synthesizeEach(id(), texts, wavs, workDir, (text, wav) ->
                List.of("flite", "-voice", voice, "-f", text.toString(), "-o", wav.toString()));
    }
}
