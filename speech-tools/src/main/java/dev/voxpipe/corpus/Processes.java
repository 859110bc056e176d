package dev.voxpipe.corpus;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs an external program, failing with its output when it does not succeed. */
public final class Processes {
    private Processes() {
    }

    public static String run(List<String> command, Path workDir, long timeoutSeconds) throws IOException, InterruptedException {
        return run(command, workDir, timeoutSeconds, "");
    }

    /**
     * As {@link #run(List, Path, long)}, with {@code input} on the program's standard input (short texts only: it is
     * written before the output is read).
     */
    public static String run(List<String> command, Path workDir, long timeoutSeconds, String input)
            throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
        if (workDir != null) pb.directory(workDir.toFile());
        Process p = pb.start();
        try (var stdin = p.getOutputStream()) {
            stdin.write(input.getBytes(StandardCharsets.UTF_8));
        }
        byte[] out;
        try (var in = p.getInputStream()) {
            out = in.readAllBytes();
        }
        if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IOException("timed out after " + timeoutSeconds + " s: " + command);
        }
        String text = new String(out, StandardCharsets.UTF_8);
        if (p.exitValue() != 0) {
            throw new IOException("exit " + p.exitValue() + " from " + command + ": " + tail(text));
        }
        return text;
    }

    public static boolean onPath(String program) {
        String path = System.getenv().getOrDefault("PATH", "/usr/bin:/bin");
        for (String dir : path.split(":")) {
            if (java.nio.file.Files.isExecutable(Path.of(dir, program))) return true;
        }
        return false;
    }

    static String tail(String s) {
        return s.length() <= 2000 ? s : "..." + s.substring(s.length() - 2000);
    }
}
