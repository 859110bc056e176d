package dev.voxpipe.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.voxpipe.corpus.RealSpeakerLoader;
import dev.voxpipe.dsp.PcmAudio;
import dev.voxpipe.dsp.WavIo;
import dev.voxpipe.eval.EvaluationHarness;
import dev.voxpipe.eval.EvaluationProtocol;
import dev.voxpipe.eval.EvaluationReport;
import dev.voxpipe.eval.Pocketsphinx;
import dev.voxpipe.localstack.LocalStack;
import dev.voxpipe.localstack.LocalStackExtension;
import dev.voxpipe.model.VoiceModelRuntime;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The whole mission on the real broker, registry and workers: the real speaker's minute of
 * speech goes in through the HTTP API, becomes features, a few-shot model, and speech; the
 * evaluation harness then judges held-out sentences against the speaker's own recordings and
 * against the base model's mean voice, with the voice-model issue's bars.
 */
@ExtendWith(LocalStackExtension.class)
class EndToEndIT {

    /**
     * Regression bars on the evaluation protocol's test prompts, which share no 4-word sequence with the few-shot
     * clips. With the v2 base (phonemes, prosody predictor) this test measured few-shot 2.92 dB against the mean
     * voice's 3.60 (-19 %; v1: 3.06 against 3.72), so the bars guard that level with room for run-to-run noise
     * (training through the workers is not bit-reproducible).
     */
    static final double MAX_MCD_DB = 3.5;
    static final double MIN_MCD_GAIN_OVER_BASELINE = 0.12;
    /** The clone has her share of voiced frames: 1.03x with v2 (v1 with the harmonic vocoder 0.91x, Griffin-Lim 0.54x). */
    static final double MIN_VOICED_SHARE_OF_REFERENCE = 0.85;
    static final double MAX_F0_MEAN_ERROR = 0.10;
    /**
     * Open-vocabulary WER over her recordings' own on the same prompts (the headline intelligibility figure): 1.78x with
     * v2 on these 8 prompts (v1: 2.33x-2.78x from run to run; 3.00x with the duration predictor frozen, which also
     * slowed her down to a rate of 0.84). Eight prompts are about 50 words, so one word is 0.1x.
     */
    static final double MAX_OPEN_WER_RATIO = 2.75;
    static final int HELD_OUT_SENTENCES = 8;
    /** The acoustic model v2 issue's Mandarin sentence: through the API it gives 3-8 s with at least 40 % voiced frames. */
    static final String MANDARIN = "你好，世界。今天是2026年11月28日，价格是100元。";
    static final double MIN_MANDARIN_VOICED = 0.40;

    /** Share of frames the feature stage's pitch tracker finds voiced, over the whole clip. */
    static double voicedShare(PcmAudio audio) {
        float[] f0 = dev.voxpipe.dsp.PitchTracker.defaults().f0(audio.samples(), audio.sampleRate(), audio.sampleRate() / 100);
        int voiced = 0;
        for (float f : f0) {
            if (f > 0) voiced++;
        }
        return f0.length == 0 ? 0 : voiced / (double) f0.length;
    }

    @TempDir Path dir;

    @Test
    void uploadFeaturesTrainingAndSynthesisThroughTheApiMeetTheQualityBars(LocalStack stack) throws Exception {
        VoiceModelRuntime runtime = VoiceModelRuntime.loadBase();
        try (LocalPipeline pipeline = LocalPipeline.start(stack, dir, runtime, Map.of(
                "voxpipe.ingest.application-id", "e2e-ingest",
                "voxpipe.feature.application-id", "e2e-feature",
                "voxpipe.audiobook.application-id", "e2e-audiobook",
                "voxpipe.trainer.group-id", "e2e-trainer",
                "voxpipe.synth.group-id", "e2e-synth"))) {
            VoxPipeClient client = new VoxPipeClient(pipeline.baseUrl(), pipeline.apiKey());
            DemoJob.Result demo = new DemoJob(client, new Progress(System.out, 7))
                    .run(VoiceSample.bundled(), LocalMain.TEXT, "wav");

            // What the fine-tune trained on, so that a run whose voice differs can be told apart (clip labels, job)
            System.out.println("training job: " + demo.job());
            System.out.println("voice: " + demo.voice());
            for (JsonNode clip : client.clips(demo.voiceId(), 100).path("items")) {
                System.out.println("clip: " + clip);
            }
            JsonNode dataset = demo.voice().get("dataset");
            assertTrue(dataset.get("clipsAccepted").asInt() >= 10, "the minute of speech gives at least 10 clips: " + dataset);
            assertEquals("SUCCEEDED", demo.job().get("state").asText());
            assertEquals(1, demo.voice().path("model").path("latestVersion").asInt(), demo.voice().toString());
            PcmAudio book = WavIo.read(demo.audio());
            assertEquals(demo.durationSeconds(), book.durationSeconds(), 0.01, "the file holds what the result says");
            assertTrue(book.durationSeconds() > 10, "three paragraphs take more than 10 s: " + book.durationSeconds());

            // Test-split sentences of the real speaker (no text shared with her few-shot clips), each synthesised
            // through the API.
            RealSpeakerLoader loader = RealSpeakerLoader.defaults();
            List<RealSpeakerLoader.RealUtterance> heldOut = EvaluationProtocol.split(loader.utterances(), 60,
                            EvaluationProtocol.DEFAULT_PROMPTS).test().stream()
                    .filter(u -> u.estimatedSeconds() <= 6).limit(HELD_OUT_SENTENCES).toList();
            assertEquals(HELD_OUT_SENTENCES, heldOut.size());
            List<String> requestIds = new ArrayList<>();
            for (RealSpeakerLoader.RealUtterance u : heldOut) {
                requestIds.add(client.synthesize(VoxPipeClient.object().put("voiceId", demo.voiceId())
                        .put("text", u.text()).put("format", "wav")).get("requestId").asText());
            }
            List<EvaluationHarness.Item> fewShot = new ArrayList<>();
            List<EvaluationHarness.Item> baseline = new ArrayList<>();
            List<String> texts = heldOut.stream().map(RealSpeakerLoader.RealUtterance::text).toList();
            List<float[]> meanVoice = runtime.synthesize(runtime.meanVoice(), texts, 1.0).audio();
            for (int i = 0; i < heldOut.size(); i++) {
                RealSpeakerLoader.RealUtterance u = heldOut.get(i);
                CrashRecoveryIT.awaitSynthesis(client, requestIds.get(i), s -> s.path("state").asText().equals("SUCCEEDED")
                        || s.path("state").asText().equals("FAILED"), Duration.ofMinutes(3));
                PcmAudio reference = loader.audio(u, 16_000);
                fewShot.add(new EvaluationHarness.Item(u.name(), WavIo.read(client.audio(requestIds.get(i))), reference, u.text()));
                baseline.add(new EvaluationHarness.Item(u.name(), new PcmAudio(meanVoice.get(i), runtime.sampleRate()), reference, u.text()));
            }
            EvaluationHarness harness = EvaluationHarness.defaults();
            boolean withWer = Pocketsphinx.available();
            EvaluationReport cloned = harness.evaluate("few-shot (end to end)", fewShot, withWer);
            EvaluationReport base = harness.quick("baseline: base model, mean voice", baseline);
            var werInterval = dev.voxpipe.eval.WerRatioInterval.of(cloned.items());
            String table = EvaluationReport.markdownHeader() + "\n" + base.markdownRow() + "\n" + cloned.markdownRow()
                    + (werInterval == null ? "" : "\n\nopen-WER ratio with its 95 % interval over these prompts: " + werInterval.format());
            System.out.println(table);
            Files.writeString(dir.resolve("e2e-report.md"), table);

            double mcd = cloned.summary().mcdDb();
            double baseMcd = base.summary().mcdDb();
            assertEquals(0, cloned.summary().failed(), "every sentence was measured");
            assertTrue(mcd <= MAX_MCD_DB, "few-shot MCD " + mcd + " dB above " + MAX_MCD_DB + "\n" + table);
            assertTrue(mcd <= (1 - MIN_MCD_GAIN_OVER_BASELINE) * baseMcd, "few-shot MCD " + mcd + " dB is not "
                    + Math.round(100 * MIN_MCD_GAIN_OVER_BASELINE) + " % below the baseline's " + baseMcd + "\n" + table);
            assertTrue(cloned.summary().voicedShareRatio() >= MIN_VOICED_SHARE_OF_REFERENCE,
                    "voiced frames " + cloned.summary().voicedShare() + " against her " + cloned.summary().referenceVoicedShare() + "\n" + table);
            double f0Error = Math.abs(cloned.summary().synthF0MeanHz() / cloned.summary().referenceF0MeanHz() - 1);
            assertTrue(f0Error <= MAX_F0_MEAN_ERROR, "mean F0 off by " + f0Error + "\n" + table);
            // Mandarin through the same API and the same cloned voice: spoken (3-8 s), not one pause, and voiced.
            String zhRequest = client.synthesize(VoxPipeClient.object().put("voiceId", demo.voiceId())
                    .put("text", MANDARIN).put("language", "zh").put("format", "wav")).get("requestId").asText();
            JsonNode zhStatus = CrashRecoveryIT.awaitSynthesis(client, zhRequest, s -> s.path("state").asText().equals("SUCCEEDED")
                    || s.path("state").asText().equals("FAILED"), Duration.ofMinutes(3));
            assertEquals("SUCCEEDED", zhStatus.path("state").asText(), zhStatus.toString());
            PcmAudio zh = WavIo.read(client.audio(zhRequest));
            double zhVoiced = voicedShare(zh);
            System.out.printf(java.util.Locale.ROOT, "Mandarin through the API: %.2f s, %.0f %% voiced frames%n",
                    zh.durationSeconds(), 100 * zhVoiced);
            assertTrue(zh.durationSeconds() >= 3 && zh.durationSeconds() <= 8, "Mandarin lasts " + zh.durationSeconds() + " s");
            assertTrue(zhVoiced >= MIN_MANDARIN_VOICED, "Mandarin voiced share " + zhVoiced);
            // Last, so that every other bar has been checked: without pocketsphinx the WER bar is a
            // reported skip (scripts/ensure-test-packages.sh installs it), never a silent pass.
            assumeTrue(withWer, "pocketsphinx is not installed: the WER bar was not checked (MCD, voicing and F0 bars passed)");
            Double ratio = cloned.summary().werRatio();
            assertTrue(ratio != null, "her recordings' open WER was not measured\n" + table);
            assertTrue(ratio <= MAX_OPEN_WER_RATIO, "open WER " + cloned.summary().wer() + " is " + ratio
                    + " x her own " + cloned.summary().referenceWer() + ", above " + MAX_OPEN_WER_RATIO + "\n" + table);
        }
    }
}
