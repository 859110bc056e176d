package dev.voxpipe.launcher;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintStream;

/**
 * What the command line ({@code dev.voxpipe.launcher.cli}) shares with the main job: the HTTP
 * client, the progress lines and bars, and the waits for features, training and synthesis
 * ({@link DemoJob}'s, so the CLI and the demo wait the same way).
 */
public final class CliSupport {

    private final VoxPipeClient client;
    private final PrintStream terminal;
    private Progress progress;
    private DemoJob job;

    public CliSupport(VoxPipeClient client, PrintStream terminal) {
        this.client = client;
        this.terminal = terminal;
        steps(1);
    }

    public VoxPipeClient client() {
        return client;
    }

    /** Starts counting {@code [i/steps]} afresh. */
    public void steps(int steps) {
        progress = new Progress(terminal, steps);
        job = new DemoJob(client, progress);
    }

    public void step(String what) {
        progress.step(what);
    }

    public void done(String detail) {
        progress.done(detail);
    }

    public void info(String line) {
        progress.info(line);
    }

    public void bar(String label, long done, long total, String suffix) {
        progress.bar(label, done, total, suffix);
    }

    public void endBar() {
        progress.endBar();
    }

    public double elapsedSeconds() {
        return progress.elapsed().toMillis() / 1000.0;
    }

    public JsonNode awaitFeatures(String voiceId, int uploads) throws Exception {
        return job.awaitFeatures(voiceId, uploads);
    }

    public JsonNode awaitJob(String jobId) throws Exception {
        return job.awaitJob(jobId);
    }

    public JsonNode awaitSynthesis(String requestId) throws Exception {
        return job.awaitSynthesis(requestId);
    }
}
