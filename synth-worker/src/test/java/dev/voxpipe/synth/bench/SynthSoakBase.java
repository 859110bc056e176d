package dev.voxpipe.synth.bench;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.voxpipe.core.worker.ResidentMemory;
import dev.voxpipe.model.VoiceModelRuntime;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;

/** What the synth soaks share: the shipped base, loaded once per class, where resident memory can be read. */
abstract class SynthSoakBase {

    static VoiceModelRuntime runtime;

    @TempDir
    Path dir;

    @BeforeAll
    static void loadBase() {
        assumeTrue(ResidentMemory.available(), "no /proc/self/status on this OS: resident memory cannot be measured, soak skipped");
        runtime = VoiceModelRuntime.loadBase();
    }

    @AfterAll
    static void close() {
        if (runtime != null) runtime.close();
    }
}
