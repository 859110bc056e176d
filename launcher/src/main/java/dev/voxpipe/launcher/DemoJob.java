package dev.voxpipe.launcher;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.List;

/**
 * The user's side of the main job, through the HTTP API only: create a voice, upload samples,
 * wait for features, train, synthesise, download. Shared by the main job and the end-to-end test.
 */
public final class DemoJob {
    /** Bounds the wait for training and for synthesis, so a stuck worker ends the job with a message. */
    private static final Duration JOB_WAIT = Duration.ofMinutes(20);

    private final VoxPipeClient client;
    private final Progress progress;

    public DemoJob(VoxPipeClient client, Progress progress) {
        this.client = client;
        this.progress = progress;
    }

    public record Result(String voiceId, String jobId, String requestId, JsonNode voice, JsonNode job,
                         JsonNode synthesis, byte[] audio, double durationSeconds, double realTimeFactor) {}

    public Result run(List<VoiceSample.Prompt> samples, String text, String format) throws Exception {
        progress.step("creating a voice and uploading " + samples.size() + " samples (60 s of real speech)");
        String voiceId = client.createVoice("Allison (Asterisk prompts)", "en", "Demo operator",
                "The speaker's recordings are licensed CC-BY-SA-3.0 for this use.").get("voiceId").asText();
        double seconds = 0;
        for (VoiceSample.Prompt prompt : samples) {
            client.uploadSample(voiceId, prompt.wav(), "audio/wav", prompt.transcript());
            seconds += prompt.seconds();
        }
        progress.done(String.format("voice %s, %.1f s uploaded", voiceId, seconds));

        progress.step("waiting for the feature worker: decode, resample, loudness, slicing, log-mel, F0");
        JsonNode voice = awaitFeatures(voiceId, samples.size());
        JsonNode dataset = voice.get("dataset");
        progress.done(String.format("%.1f s usable, %d clips accepted, %d rejected",
                dataset.get("usableSeconds").asDouble(), dataset.get("clipsAccepted").asInt(),
                dataset.get("clipsRejected").asInt()));

        progress.step("fine-tuning the voice (few-shot)");
        String jobId = client.train(voiceId, VoxPipeClient.object()).get("jobId").asText();
        JsonNode job = awaitJob(jobId);
        if (!"SUCCEEDED".equals(job.get("state").asText())) {
            throw new IllegalStateException("training failed: " + job);
        }
        JsonNode trained = job.path("progress");
        progress.done(String.format("%d steps, final loss %.4f, %.1f CPU-s, %.3f Wh", trained.path("step").asInt(),
                trained.path("loss").asDouble(), trained.path("cpuSeconds").asDouble(), trained.path("energyWh").asDouble()));

        progress.step("synthesising a three-paragraph text in the cloned voice");
        String requestId = client.synthesize(VoxPipeClient.object().put("voiceId", voiceId).put("text", text)
                .put("format", format).put("speed", 1.0)).get("requestId").asText();
        JsonNode synthesis = awaitSynthesis(requestId);
        if (!"SUCCEEDED".equals(synthesis.get("state").asText())) {
            throw new IllegalStateException("synthesis failed: " + synthesis);
        }
        JsonNode result = synthesis.get("result");
        progress.done(String.format("%d chunks, %.1f s of audio", result.get("chunkCount").asInt(),
                result.get("durationSeconds").asDouble()));
        byte[] audio = client.audio(requestId);
        return new Result(voiceId, jobId, requestId, client.voice(voiceId), job, synthesis, audio,
                result.get("durationSeconds").asDouble(), result.path("realTimeFactor").asDouble(Double.NaN));
    }

    /** Every upload has given clips (or a rejection) and the usable seconds stopped moving. */
    JsonNode awaitFeatures(String voiceId, int uploads) throws Exception {
        long deadline = System.nanoTime() + 300L * 1_000_000_000L;
        double lastUsable = -1;
        long stableSince = System.nanoTime();
        while (true) {
            JsonNode voice = client.voice(voiceId);
            JsonNode dataset = voice.get("dataset");
            int clips = dataset.get("clipsAccepted").asInt() + dataset.get("clipsRejected").asInt()
                    + dataset.path("uploadsRejected").size();
            double usable = dataset.get("usableSeconds").asDouble();
            progress.bar("features", Math.min(clips, uploads), uploads, String.format("clips, %.1f s usable", usable));
            if (usable != lastUsable) {
                lastUsable = usable;
                stableSince = System.nanoTime();
            }
            boolean settled = System.nanoTime() - stableSince > 4_000_000_000L;
            if (clips >= uploads && settled) {
                progress.endBar();
                return voice;
            }
            if (System.nanoTime() > deadline) {
                progress.endBar();
                throw new IllegalStateException("features did not arrive within 5 minutes: " + dataset);
            }
            Thread.sleep(500);
        }
    }

    JsonNode awaitJob(String jobId) throws Exception {
        long deadline = System.nanoTime() + JOB_WAIT.toNanos();
        while (true) {
            JsonNode job = client.job(jobId);
            String state = job.get("state").asText();
            JsonNode p = job.path("progress");
            int total = p.path("totalSteps").asInt(0);
            progress.bar("training", p.path("step").asInt(0), Math.max(total, 1), String.format("steps  loss %.4f  ETA %s  ",
                    p.path("loss").asDouble(Double.NaN),
                    p.path("etaSeconds").isNumber() ? String.format("%.0f s", p.get("etaSeconds").asDouble()) : "-"));
            if (state.equals("SUCCEEDED") || state.equals("FAILED")) {
                progress.endBar();
                return job;
            }
            if (System.nanoTime() > deadline) {
                progress.endBar();
                throw new IllegalStateException("training did not end within " + JOB_WAIT.toMinutes() + " minutes: " + job);
            }
            Thread.sleep(1000);
        }
    }

    JsonNode awaitSynthesis(String requestId) throws Exception {
        long deadline = System.nanoTime() + JOB_WAIT.toNanos();
        while (true) {
            JsonNode status = client.synthesis(requestId);
            String state = status.get("state").asText();
            JsonNode p = status.get("progress");
            progress.bar("synthesis", p.path("chunksSynthesized").asInt(p.path("chunksDone").asInt(0)), Math.max(1, p.path("chunksTotal").asInt(0)), "chunks  ");
            if (state.equals("SUCCEEDED") || state.equals("FAILED")) {
                progress.endBar();
                return status;
            }
            if (System.nanoTime() > deadline) {
                progress.endBar();
                throw new IllegalStateException("synthesis did not end within " + JOB_WAIT.toMinutes() + " minutes: " + status);
            }
            Thread.sleep(500);
        }
    }
}
