package dev.voxpipe.launcher;

import com.fasterxml.jackson.databind.JsonNode;
import dev.voxpipe.localstack.LocalStack;
import dev.voxpipe.localstack.LocalStackConfig;
import dev.voxpipe.localstack.LocalStackMain;
import dev.voxpipe.model.VoiceModelRuntime;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Map;

/**
 * The main job on the embedded default ({@code ./voxpipe demo}): starts the local broker and
 * registry and every worker, creates a voice from the bundled 60-second real-speech sample,
 * waits for its features, fine-tunes it, synthesises a three-paragraph text in that voice and
 * writes the audio file, showing progress all the way.
 */
public final class LocalMain {

    static final String TEXT = """
            The harbour was quiet when the first boat came in, a little after six in the morning. \
            Its crew had been at sea for 3 days, and they were tired, cold, and very glad to be home.

            By nine o'clock the market was full. Fishermen sold their catch for $12.50 a crate, \
            and children ran between the stalls. Did anyone notice the storm clouds to the west?

            Nobody did, until the rain began. Within 20 minutes the square was empty again, \
            and only the gulls remained, calling over the grey water.""";

    private LocalMain() {}

    public static void main(String[] args) {
        int status = 0;
        try {
            run();
        } catch (Exception e) {
            System.err.println();
            System.err.println("voxpipe demo failed: " + e + " (details in "
                    + System.getenv().getOrDefault("VOXPIPE_LOG_FILE", "data/voxpipe.log") + ")");
            org.slf4j.LoggerFactory.getLogger(LocalMain.class).error("the main job failed", e);
            status = 1;
        }
        System.exit(status); // DJL's native threads are not daemons: the JVM would not end by itself
    }

    private static void run() throws Exception {
        Progress progress = new Progress(System.out, 7);
        LocalStackConfig stackConfig = LocalStackConfig.fromEnvironment();
        Path dataDir = stackConfig.dataDir().resolveSibling("pipeline");
        Path outDir = Path.of(System.getenv().getOrDefault("VOXPIPE_OUT_DIR", "out"));

        progress.step("starting the local stack (Kafka KRaft broker + Apicurio Registry) in " + stackConfig.dataDir());
        try (LocalStack stack = LocalStackMain.startOrExit(stackConfig)) {
            progress.done(String.format("kafka %s, registry %s, %d MiB resident",
                    stack.bootstrapServers(), stack.registryUrl(), stack.residentMemoryMib()));

            progress.step("loading the base voice model and starting ingest, feature, trainer, synth and audiobook workers");
            VoiceModelRuntime runtime = VoiceModelRuntime.loadBase();
            try (LocalPipeline pipeline = LocalPipeline.start(stack, dataDir, runtime, Map.of())) {
                progress.done("base model " + runtime.baseModelId() + ", API at " + pipeline.baseUrl());
                DemoJob job = new DemoJob(new VoxPipeClient(pipeline.baseUrl(), pipeline.apiKey()), progress);
                DemoJob.Result result = job.run(VoiceSample.bundled(), TEXT, "wav");

                progress.step("writing the audio file");
                Files.createDirectories(outDir);
                Path file = outDir.resolve("voxpipe-demo-"
                        + LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")) + ".wav");
                Files.write(file, result.audio());
                progress.done(file.toAbsolutePath().toString());
                progress.info(String.format("%.1f s of speech in the cloned voice, synthesis real-time factor %.3f",
                        result.durationSeconds(), result.realTimeFactor()));
                progress.info(String.format("total wall time %.1f s", progress.elapsed().toMillis() / 1000.0));
                System.out.println();
                System.out.println("Audio: " + file.toAbsolutePath());
            }
        }
    }

}
