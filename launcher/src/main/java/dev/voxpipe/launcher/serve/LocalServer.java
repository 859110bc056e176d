package dev.voxpipe.launcher.serve;

import dev.voxpipe.launcher.LocalPipeline;
import dev.voxpipe.localstack.LocalStack;
import dev.voxpipe.model.VoiceModelRuntime;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code ./voxpipe serve} as an object: the local stack on the home's data, then every worker and
 * ingest through {@link LocalPipeline} (the launcher's and the demo's code path: each worker's
 * {@code start(WorkerContext)}), with ingest reading its keys from the home's hashed key file.
 * Closing stops ingest first, then the workers, then the broker and registry.
 */
public final class LocalServer implements AutoCloseable {

    /** How the server is reached. */
    public record Options(String host, int port, Map<String, String> extra) {
        public static Options defaults() {
            return new Options("127.0.0.1", 8080, Map.of());
        }
    }

    private final ServeHome home;
    private final LocalStack stack;
    private final LocalPipeline pipeline;
    private final String url;
    private final Duration startup;

    private LocalServer(ServeHome home, LocalStack stack, LocalPipeline pipeline, String url, Duration startup) {
        this.home = home;
        this.stack = stack;
        this.pipeline = pipeline;
        this.url = url;
        this.startup = startup;
    }

    public static LocalServer start(ServeHome home, Options options) throws Exception {
        long started = System.nanoTime();
        if (options.port() != 0) {
            dev.voxpipe.localstack.Ports.requireFree(options.port(), "the HTTP API and console", "--port or VOXPIPE_SERVE_PORT");
        }
        LocalStack stack = LocalStack.start(home.stackConfig());
        try {
            VoiceModelRuntime runtime = VoiceModelRuntime.loadBase();
            LocalPipeline pipeline = LocalPipeline.start(stack, home.pipelineDir(), runtime, settings(home, options));
            List<String> waiting = pipeline.awaitWorkersReady(Duration.ofMinutes(2));
            if (!waiting.isEmpty()) {
                org.slf4j.LoggerFactory.getLogger(LocalServer.class).warn("workers not ready after 2 minutes: {}", waiting);
            }
            String host = options.host().equals("0.0.0.0") ? "127.0.0.1" : options.host();
            String url = "http://" + host + ":" + pipeline.port();
            return new LocalServer(home, stack, pipeline, url, Duration.ofNanos(System.nanoTime() - started));
        } catch (Exception e) {
            stack.close();
            throw e;
        }
    }

    static Map<String, String> settings(ServeHome home, Options options) {
        Map<String, String> values = new HashMap<>();
        values.put("voxpipe.ingest.host", options.host());
        values.put("voxpipe.ingest.port", Integer.toString(options.port()));
        // Only the home's key file: the pipeline's own throw-away key is not accepted here.
        values.put("voxpipe.ingest.api-keys", "");
        values.put("voxpipe.ingest.api-keys-file", home.keyFile().toString());
        values.put("voxpipe.ingest.api-keys-reload-interval", "2s");
        values.put("voxpipe.ingest.management-port", "-1");
        // One box, streamed answers: a split request's chunks reach the synth worker at the splitter's next
        // exactly-once commit; 25 ms instead of 200 takes about 190 ms off the first audio (bench/streaming).
        values.put("voxpipe.audiobook.commit-interval-ms", "25");
        values.putAll(options.extra());
        return values;
    }

    /** The base URL, e.g. {@code http://127.0.0.1:8080}. */
    public String url() {
        return url;
    }

    public ServeHome home() {
        return home;
    }

    public LocalStack stack() {
        return stack;
    }

    public Duration startupTime() {
        return startup;
    }

    @Override
    public void close() {
        try {
            pipeline.close();
        } finally {
            stack.close();
        }
    }
}
