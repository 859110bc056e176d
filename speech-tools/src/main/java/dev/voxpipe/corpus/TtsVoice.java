package dev.voxpipe.corpus;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.function.BiFunction;

/** One synthetic speaker of the training corpus. */
public interface TtsVoice {
    /** Directory name and speaker id, e.g. {@code flite_slt}. */
    String id();

    /** The recorded human behind the voice (e.g. {@code slt}), so the same person in two engines can be grouped. */
    String human();

    /** "female" or "male". */
    String gender();

    String engine();

    /** Debian packages the voice needs. */
    List<String> aptPackages();

    /** Synthesises each text into the wav at the same index (any rate, mono or stereo). */
    void synthesize(List<String> texts, List<Path> wavs, Path workDir) throws IOException, InterruptedException;

    /**
     * For engines with a command-line per sentence: each text goes through a file (no shell
     * quoting), and {@code command} gives the command line from that file and the wav to write.
     */
    static void synthesizeEach(String id, List<String> texts, List<Path> wavs, Path workDir,
                               BiFunction<Path, Path, List<String>> command) throws IOException, InterruptedException {
        Path text = workDir.resolve(id + ".txt");
        for (int k = 0; k < texts.size(); k++) {
            Files.writeString(text, texts.get(k), StandardCharsets.UTF_8);
            Processes.run(command.apply(text, wavs.get(k)), workDir, 120);
        }
    }
}
