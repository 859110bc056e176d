package dev.voxpipe.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.voxpipe.core.topics.Topics;
import dev.voxpipe.localstack.LocalStack;
import dev.voxpipe.localstack.LocalStackExtension;
import dev.voxpipe.model.VoiceModelRuntime;
import dev.voxpipe.schemas.SynthesisChunkResult;
import dev.voxpipe.schemas.SynthesisCompleted;
import dev.voxpipe.schemas.TrainingProgress;
import dev.voxpipe.schemas.TrainingState;
import dev.voxpipe.schemas.VoiceModelReady;
import dev.voxpipe.synth.SynthWorkerApp;
import dev.voxpipe.trainer.TrainerWorkerApp;
import java.nio.file.Path;
import java.time.Duration;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Kills a trainer and a synth worker with SIGKILL in the middle of their work; their successors
 * finish it, and the model and the book each come out exactly once.
 */
@ExtendWith(LocalStackExtension.class)
class CrashRecoveryIT {

    @TempDir Path dir;

    @Test
    void aTrainerAndASynthWorkerKilledMidJobLoseAndRepeatNothing(LocalStack stack) throws Exception {
        VoiceModelRuntime runtime = VoiceModelRuntime.loadBase();
        Map<String, String> extra = Map.of(
                "voxpipe.ingest.min-training-seconds", "20",
                "voxpipe.audiobook.application-id", "crash-audiobook",
                "voxpipe.ingest.application-id", "crash-ingest",
                "voxpipe.feature.application-id", "crash-feature");
        try (LocalPipeline pipeline = LocalPipeline.start(stack, dir, runtime, extra,
                EnumSet.of(LocalPipeline.Worker.FEATURE, LocalPipeline.Worker.AUDIOBOOK))) {
            VoxPipeClient client = new VoxPipeClient(pipeline.baseUrl(), pipeline.apiKey());
            String voiceId = client.createVoice("crash test", "en", "Test", "consented").get("voiceId").asText();
            for (VoiceSample.Prompt prompt : VoiceSample.bundled()) {
                client.uploadSample(voiceId, prompt.wav(), "audio/wav", prompt.transcript());
            }
            awaitUsable(client, voiceId, 40);

            Map<String, String> trainer = new HashMap<>(pipeline.settings());
            trainer.putAll(Map.of("voxpipe.trainer.group-id", "crash-trainers",
                    "voxpipe.trainer.checkpoint-every-steps", "10",
                    "voxpipe.trainer.progress-interval", "500ms"));

            // --- training: kill the first trainer after its first checkpoint ---
            String jobId;
            try (WorkerProcess first = WorkerProcess.start(TrainerWorkerApp.class, with(trainer, "trainer-a"), dir.resolve("trainer-a.log"))) {
                jobId = client.train(voiceId, VoxPipeClient.object().put("maxSteps", 40)).get("jobId").asText();
                awaitJob(client, jobId, job -> job.path("progress").path("step").asInt() >= 15, Duration.ofMinutes(8));
                first.kill();
            }
            try (WorkerProcess second = WorkerProcess.start(TrainerWorkerApp.class, with(trainer, "trainer-b"), dir.resolve("trainer-b.log"))) {
                JsonNode done = awaitJob(client, jobId, job -> job.path("state").asText().equals("SUCCEEDED")
                        || job.path("state").asText().equals("FAILED"), Duration.ofMinutes(8));
                assertEquals("SUCCEEDED", done.path("state").asText(), done.toString());
                assertTrue(second.isAlive(), "the second trainer survived: see " + second.log());
            }
            List<VoiceModelReady> models = TopicReader.read(stack, Topics.MODELS_READY, VoiceModelReady.class,
                    seen -> seen.stream().anyMatch(m -> m.getJobId().equals(jobId)), Duration.ofSeconds(60));
            assertEquals(1, models.stream().filter(m -> m.getJobId().equals(jobId)).count(), "the model is published once");
            List<TrainingProgress> progress = TopicReader.read(stack, Topics.TRAINING_PROGRESS, TrainingProgress.class,
                    seen -> seen.stream().anyMatch(p -> p.getJobId().equals(jobId) && p.getState() == TrainingState.SUCCEEDED),
                    Duration.ofSeconds(60));
            List<TrainingProgress> fromB = progress.stream().filter(p -> p.getJobId().equals(jobId)
                    && "trainer-b".equals(p.getWorkerId()) && p.getState() == TrainingState.RUNNING && p.getStep() > 0).toList();
            assertTrue(!fromB.isEmpty(), "the second trainer ran the job");
            // A was killed past step 15, after its checkpoint at step 10 (or 20): B's first report is where it resumes
            int resumedAt = fromB.get(0).getStep();
            assertTrue(resumedAt >= 10 && resumedAt % 10 == 0, "the second trainer resumed from the checkpoint, not from 0: " + fromB.get(0));
            assertTrue(fromB.get(0).getMessage().contains("resuming from step " + resumedAt), fromB.get(0).getMessage());
            assertEquals(40, fromB.get(0).getTotalSteps(), "its real total from the first report");
            int epochA = progress.stream().filter(p -> "trainer-a".equals(p.getWorkerId())).mapToInt(TrainingProgress::getEpoch).max().orElse(-1);
            assertTrue(fromB.get(0).getEpoch() > epochA, "the job's epoch rose with the new holder");

            // --- synthesis: kill the first synth worker after its first results ---
            StringBuilder book = new StringBuilder();
            for (int p = 1; p <= 14; p++) {
                book.append("Paragraph ").append(p).append(". The tide came in slowly over the sand, and the boats lifted one by one.\n\n");
            }
            Map<String, String> synth = new HashMap<>(pipeline.settings());
            synth.put("voxpipe.synth.group-id", "crash-synths");
            synth.put("voxpipe.synth.max-batch-chunks", "2");
            String requestId;
            try (WorkerProcess first = WorkerProcess.start(SynthWorkerApp.class, withSynth(synth, "synth-a"), dir.resolve("synth-a.log"))) {
                requestId = client.synthesize(VoxPipeClient.object().put("voiceId", voiceId).put("text", book.toString())
                        .put("format", "wav")).get("requestId").asText();
                awaitSynthesis(client, requestId, s -> s.path("progress").path("chunksDone").asInt() >= 2, Duration.ofMinutes(5));
                first.kill();
            }
            JsonNode status;
            try (WorkerProcess second = WorkerProcess.start(SynthWorkerApp.class, withSynth(synth, "synth-b"), dir.resolve("synth-b.log"))) {
                status = awaitSynthesis(client, requestId, s -> s.path("state").asText().equals("SUCCEEDED")
                        || s.path("state").asText().equals("FAILED"), Duration.ofMinutes(5));
                assertTrue(second.isAlive(), "the second synth worker survived: see " + second.log());
            }
            assertEquals("SUCCEEDED", status.path("state").asText(), status.toString());
            List<SynthesisCompleted> completed = TopicReader.read(stack, Topics.SYNTHESIS_COMPLETED, SynthesisCompleted.class,
                    seen -> seen.stream().anyMatch(c -> c.getRequestId().equals(requestId)), Duration.ofSeconds(60));
            List<SynthesisCompleted> mine = completed.stream().filter(c -> c.getRequestId().equals(requestId)).toList();
            assertEquals(1, mine.size(), "completed once");
            List<SynthesisChunkResult> results = TopicReader.read(stack, Topics.SYNTHESIS_CHUNK_RESULTS, SynthesisChunkResult.class,
                    seen -> seen.stream().filter(r -> r.getRequestId().equals(requestId)).count() >= 14, Duration.ofSeconds(60))
                    .stream().filter(r -> r.getRequestId().equals(requestId)).toList();
            int chunkCount = results.get(0).getChunkCount();
            Map<Integer, Long> perIndex = results.stream().collect(Collectors.groupingBy(SynthesisChunkResult::getChunkIndex, Collectors.counting()));
            assertEquals(chunkCount, perIndex.size(), "every chunk has a committed result");
            assertTrue(perIndex.values().stream().allMatch(n -> n == 1), "no chunk result was committed twice: " + perIndex);
            Set<String> workers = results.stream().map(SynthesisChunkResult::getWorkerId).collect(Collectors.toSet());
            assertTrue(workers.contains("synth-a") && workers.contains("synth-b"), "both workers contributed: " + workers);

            long samples = 0;
            for (SynthesisChunkResult r : results) samples += r.getSampleCount() + (long) r.getPauseAfterMs() * r.getSampleRate() / 1000;
            double expected = samples / (double) results.get(0).getSampleRate();
            assertEquals(expected, mine.get(0).getDurationSeconds(), 1e-6, "the book holds each chunk exactly once");
            byte[] audio = client.audio(requestId);
            assertEquals(44 + 2 * samples, audio.length, "the WAV has exactly the chunks and pauses");
        }
    }

    private static Map<String, String> with(Map<String, String> base, String workerId) {
        Map<String, String> m = new HashMap<>(base);
        m.put("voxpipe.trainer.worker-id", workerId);
        return m;
    }

    private static Map<String, String> withSynth(Map<String, String> base, String workerId) {
        Map<String, String> m = new HashMap<>(base);
        m.put("voxpipe.synth.worker-id", workerId);
        return m;
    }

    static void awaitUsable(VoxPipeClient client, String voiceId, double seconds) throws Exception {
        await(() -> client.voice(voiceId), v -> v.path("dataset").path("usableSeconds").asDouble() >= seconds,
                Duration.ofMinutes(5), "features of " + voiceId);
    }

    static JsonNode awaitJob(VoxPipeClient client, String jobId, Predicate<JsonNode> done, Duration timeout)
            throws Exception {
        return await(() -> client.job(jobId), done, timeout, "job " + jobId);
    }

    static JsonNode awaitSynthesis(VoxPipeClient client, String requestId, Predicate<JsonNode> done, Duration timeout)
            throws Exception {
        return await(() -> client.synthesis(requestId), done, timeout, "synthesis " + requestId);
    }

    /** Polls a status until it satisfies {@code done}, or fails with the last status seen. */
    static JsonNode await(Callable<JsonNode> status, Predicate<JsonNode> done, Duration timeout, String what)
            throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            JsonNode now = status.call();
            if (done.test(now)) return now;
            if (System.nanoTime() > deadline) throw new AssertionError(what + " did not get there in time: " + now);
            Thread.sleep(150);
        }
    }
}
