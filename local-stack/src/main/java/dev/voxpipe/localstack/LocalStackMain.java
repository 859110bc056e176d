package dev.voxpipe.localstack;

import java.util.concurrent.CountDownLatch;

/** {@code ./voxpipe stack}: runs the local stack in the foreground until Ctrl-C. */
public final class LocalStackMain {

    private LocalStackMain() {}

    /** Starts the stack; a taken port ends the program with the reason and exit code 2. */
    public static LocalStack startOrExit(LocalStackConfig config) throws Exception {
        try {
            return LocalStack.start(config);
        } catch (Ports.PortInUseException e) {
            System.err.println("voxpipe: " + e.getMessage());
            System.exit(2);
            throw e;
        }
    }

    public static void main(String[] args) throws Exception {
        LocalStack stack = startOrExit(LocalStackConfig.fromEnvironment());
        System.out.printf("local stack ready in %.1f s (resident memory %d MiB)%n",
                stack.startupTime().toMillis() / 1000.0, stack.residentMemoryMib());
        System.out.println("  VOXPIPE_KAFKA_BOOTSTRAP=" + stack.bootstrapServers());
        System.out.println("  VOXPIPE_REGISTRY_URL=" + stack.registryUrl());
        System.out.println("  data: " + stack.dataDir());
        System.out.println("Ctrl-C stops it.");
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            stack.close();
            stopped.countDown();
        }, "stop-local-stack"));
        stopped.await();
    }
}
