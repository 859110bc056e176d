package dev.voxpipe.synth.audiobook;

import dev.voxpipe.core.worker.StreamsWorker;
import dev.voxpipe.core.worker.WorkerContext;
import dev.voxpipe.core.worker.WorkerMain;
import org.apache.kafka.streams.StreamsBuilder;

/**
 * The audiobook flow: {@link AudiobookConfig} + {@link AudiobookTopology} (split, assemble) with its
 * stages {@link RequestSplitter} and {@link BookWriter}, on the worker skeleton.
 */
public final class AudiobookApp {

    public static final String SERVICE = "audiobook";
    public static final int DEFAULT_METRICS_PORT = 9104;

    private AudiobookApp() {}

    public static void main(String[] args) {
        WorkerMain.run(SERVICE, DEFAULT_METRICS_PORT, AudiobookApp::start);
    }

    public static StreamsWorker start(WorkerContext context) {
        AudiobookConfig config = AudiobookConfig.from(context.config());
        StreamsBuilder builder = new StreamsBuilder();
        AudiobookTopology.build(builder, context.registry(),
                new RequestSplitter(context.blobs(), config.maxChunkChars()),
                new BookWriter(context.blobs(), config.ffmpeg()),
                new dev.voxpipe.core.fault.Retry(SERVICE, dev.voxpipe.core.fault.Retry.Policy.from(context.config()), context.metrics()),
                config.watchdog());
        return StreamsWorker.start(context, builder.build(), config.streamsProperties());
    }
}
