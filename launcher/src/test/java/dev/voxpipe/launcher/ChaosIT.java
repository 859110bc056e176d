package dev.voxpipe.launcher;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.voxpipe.localstack.LocalStack;
import dev.voxpipe.localstack.LocalStackExtension;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The chaos suite's short profile in CI (issue 17): uploads, trainings and books while every kind of worker is killed
 * with SIGKILL and restarted, the broker and the registry are stopped for a while and the blob store is away; nothing
 * lost, duplicated or stuck.
 */
@ExtendWith(LocalStackExtension.class)
class ChaosIT {

    @TempDir
    Path dir;

    @Test
    void theShortChaosRunLosesDuplicatesAndStrandsNothing(LocalStack stack) throws Exception {
        // bench/chaos/run.sh full sets VOXPIPE_CHAOS_PROFILE=full; CI runs the short profile
        ChaosRun.Profile profile = "full".equals(System.getenv("VOXPIPE_CHAOS_PROFILE")) ? ChaosRun.Profile.full() : ChaosRun.Profile.shortRun();
        ChaosRun.Result result = new ChaosRun(stack, dir, profile).run();
        ByteArrayOutputStream table = new ByteArrayOutputStream();
        result.print(new PrintStream(table));
        System.out.println(table);
        java.nio.file.Files.writeString(Path.of("target", "chaos-" + profile.name() + ".txt"), table.toString());
        assertTrue(result.faults().stream().noneMatch(f -> f.startsWith("fault injection failed")), result.faults().toString());
        assertTrue(result.clean(), table.toString() + " (worker logs under " + dir.resolve("logs") + ")");
    }
}
