package dev.voxpipe.corpus;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

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
}
