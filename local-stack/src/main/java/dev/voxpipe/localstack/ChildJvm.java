package dev.voxpipe.localstack;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** A Java child process whose output goes to a log file, stopped with SIGTERM and then, if need be, SIGKILL. */
final class ChildJvm implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(ChildJvm.class);

    private final String name;
    private final Process process;
    private final Path logFile;
    private final Thread reaper;

    private ChildJvm(String name, Process process, Path logFile) {
        this.name = name;
        this.process = process;
        this.logFile = logFile;
        // If the parent JVM exits without closing us, do not leave a broker behind.
        this.reaper = new Thread(process::destroy, "stop-" + name);
        Runtime.getRuntime().addShutdownHook(reaper);
    }

    static ChildJvm start(String name, List<String> jvmArgs, List<String> programArgs, Path workDir, Path logFile)
            throws IOException {
        List<String> command = new ArrayList<>();
        command.add(javaExecutable());
        command.addAll(jvmArgs);
        command.addAll(programArgs);
        Files.createDirectories(logFile.getParent());
        ProcessBuilder builder = new ProcessBuilder(command)
                .directory(workDir.toFile())
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile()));
        builder.environment().remove("JAVA_TOOL_OPTIONS");
        log.debug("starting {}: {}", name, command);
        return new ChildJvm(name, builder.start(), logFile);
    }

    /** Runs a child JVM to completion (e.g. a format tool) and fails with its output if it fails. */
    static void runToCompletion(String name, List<String> jvmArgs, List<String> programArgs, Path workDir,
                                Path logFile, Duration timeout) throws IOException, InterruptedException {
        ChildJvm child = start(name, jvmArgs, programArgs, workDir, logFile);
        try {
            if (!child.process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                throw new IOException(name + " did not finish within " + timeout + "; log: " + logFile);
            }
            if (child.process.exitValue() != 0) {
                throw new IOException(name + " failed (exit " + child.process.exitValue() + "): " + child.tail(20));
            }
        } finally {
            child.close();
        }
    }

    /** The JVM running us: the stack needs Java 21+, and so do we. */
    static String javaExecutable() {
        return ProcessHandle.current().info().command()
                .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    }

    boolean isAlive() {
        return process.isAlive();
    }

    long pid() {
        return process.pid();
    }

    /** Resident memory in KiB from /proc, or -1 where there is no /proc. */
    long residentKib() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc", Long.toString(process.pid()), "status"))) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", ""));
                }
            }
        } catch (IOException | RuntimeException ignored) {
            // not Linux, or already gone
        }
        return -1;
    }

    String tail(int lines) {
        try {
            List<String> all = Files.readAllLines(logFile, StandardCharsets.UTF_8);
            return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
        } catch (IOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }

    Path logFile() {
        return logFile;
    }

    /** SIGKILL, as a crash: no shutdown hook, nothing flushed. Returns once the process is gone. */
    void kill() throws InterruptedException {
        process.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
        close();
    }

    @Override
    public void close() {
        if (process.isAlive()) {
            process.destroy();
            try {
                if (!process.waitFor(30, TimeUnit.SECONDS)) {
                    log.warn("{} did not stop within 30 s; killing it", name);
                    process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
                }
            } catch (InterruptedException e) {
                process.destroyForcibly();
                Thread.currentThread().interrupt();
            }
        }
        try {
            Runtime.getRuntime().removeShutdownHook(reaper);
        } catch (IllegalStateException ignored) {
            // already shutting down
        }
    }
}
