package dev.voxpipe.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.voxpipe.core.config.VoxConfig;
import dev.voxpipe.core.messaging.KafkaSettings;
import dev.voxpipe.core.serde.HttpSchemaRegistryClient;
import dev.voxpipe.core.serde.SchemaRegistryConfig;
import dev.voxpipe.localstack.LocalStack;
import dev.voxpipe.localstack.LocalStackExtension;
import dev.voxpipe.schemas.MelFeatures;
import dev.voxpipe.trainer.data.VoiceFeatureIndex;
import java.nio.file.Path;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 20's editing promise on the real stack: a PATCH of a clip's text changes what the next training reads. The
 * training input is the trainer's own {@link VoiceFeatureIndex} (the features of each clip, latest record first,
 * whose transcript becomes the training utterance's text); ingest and the feature worker run as in
 * {@code ./voxpipe serve}.
 */
@ExtendWith(LocalStackExtension.class)
class ClipEditTrainingIT {

    @TempDir Path dir;

    @Test
    void aPatchedTextIsWhatTheNextTrainingReads(LocalStack stack) throws Exception {
        Map<String, String> extra = Map.of("voxpipe.ingest.application-id", "clip-edit-ingest",
                "voxpipe.feature.application-id", "clip-edit-feature");
        try (LocalPipeline pipeline = LocalPipeline.start(stack, dir, null, extra, EnumSet.of(LocalPipeline.Worker.FEATURE));
             VoiceFeatureIndex training = new VoiceFeatureIndex(
                     KafkaSettings.common(VoxConfig.of(Map.of("voxpipe.kafka.bootstrap", stack.bootstrapServers()))),
                     new HttpSchemaRegistryClient(SchemaRegistryConfig.of(stack.registryUrl()))).start()) {
            VoxPipeClient client = new VoxPipeClient(pipeline.baseUrl(), pipeline.apiKey());
            String voiceId = client.createVoice("edit test", "en", "Test", "I am the speaker and I agree.").get("voiceId").asText();
            VoiceSample.Prompt prompt = VoiceSample.bundled().get(0);
            client.uploadSample(voiceId, prompt.wav(), "audio/wav", prompt.transcript());

            JsonNode clip = await("the upload's clip is listed", () -> {
                JsonNode items = client.clips(voiceId, 10).get("items");
                return items.size() > 0 && items.get(0).path("accepted").asBoolean() ? Optional.of(items.get(0)) : Optional.empty();
            });
            String clipId = clip.get("clipId").asText();
            assertTrue(List.of("given", "aligned").contains(clip.get("source").asText()), clip.toString());
            String tenant = "local";
            MelFeatures before = await("the clip's features", () -> feature(training, tenant, voiceId, clipId));
            assertEquals(clip.get("text").asText(), before.getTranscript(), "training reads the clip's text");

            String fixed = "A text a person corrected, for the next training.";
            assertNotEquals(fixed, before.getTranscript());
            JsonNode edited = client.editClip(voiceId, clipId, fixed);
            assertEquals("edited", edited.get("source").asText());

            MelFeatures after = await("the edited clip's features", () -> feature(training, tenant, voiceId, clipId)
                    .filter(f -> fixed.equals(f.getTranscript())));
            assertEquals("edited", after.getLabelSource());
            assertEquals(before.getFrameCount(), after.getFrameCount(), "the same audio");
            List<MelFeatures> full = training.full(training.clips(tenant, voiceId));
            assertEquals(1, full.stream().filter(f -> f.getClipId().equals(clipId)).count(), "one record per clip: the edit replaced the original");
            assertTrue(full.stream().anyMatch(f -> f.getClipId().equals(clipId) && fixed.equals(f.getTranscript())),
                    "the trainer reads the corrected text with the clip's full features");
            assertEquals(fixed, client.clips(voiceId, 10).get("items").get(0).get("text").asText());
        }
    }

    private static Optional<MelFeatures> feature(VoiceFeatureIndex index, String tenant, String voiceId, String clipId) {
        return index.clips(tenant, voiceId).stream().filter(f -> f.getClipId().equals(clipId)).findFirst();
    }

    private interface Probe<T> {
        Optional<T> get() throws Exception;
    }

    private static <T> T await(String what, Probe<T> probe) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
        while (System.nanoTime() < deadline) {
            Optional<T> value = probe.get();
            if (value.isPresent()) return value.get();
            Thread.sleep(200);
        }
        throw new AssertionError("timed out waiting for " + what);
    }
}
