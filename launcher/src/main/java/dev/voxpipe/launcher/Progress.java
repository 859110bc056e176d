package dev.voxpipe.launcher;

import java.io.PrintStream;
import java.time.Duration;

/** Live lines in the terminal: what the job is doing and how long each step took. */
final class Progress {

    private final PrintStream out;
    private final long started = System.nanoTime();
    private long stepStarted = started;
    private int step;
    private final int steps;

    Progress(PrintStream out, int steps) {
        this.out = out;
        this.steps = steps;
    }

    void step(String what) {
        stepStarted = System.nanoTime();
        out.printf("[%d/%d] %s ...%n", ++step, steps, what);
        out.flush();
    }

    void done(String detail) {
        out.printf("      done in %.1f s%s%n", seconds(stepStarted), detail.isEmpty() ? "" : ": " + detail);
        out.flush();
    }

    void info(String line) {
        out.println("      " + line);
        out.flush();
    }

    /** A bar redrawn in place, e.g. "features  [#######.....]  7/12". */
    void bar(String label, long done, long total, String suffix) {
        int width = 30;
        int filled = total <= 0 ? 0 : (int) Math.min(width, done * width / total);
        out.printf("\r      %-10s [%s%s] %d/%d %s", label, "#".repeat(filled), ".".repeat(width - filled), done, total,
                suffix);
        out.flush();
    }

    void endBar() {
        out.println();
    }

    Duration elapsed() {
        return Duration.ofNanos(System.nanoTime() - started);
    }

    private static double seconds(long since) {
        return (System.nanoTime() - since) / 1e9;
    }
}
