package dev.voxpipe.trainer.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.voxpipe.schemas.VoiceModelReady;
import dev.voxpipe.schemas.common.BlobRef;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ReadyMessageTest {

    private static VoiceModelReady model(Map<String, Double> metrics) {
        return VoiceModelReady.newBuilder().setTenantId("t").setVoiceId("voice_1").setJobId("job_1").setVersion(2)
                .setBaseModel("voxpipe-base-v2").setCheckpoint(BlobRef.newBuilder().setKey("k").setSha256("00").setSizeBytes(1).build())
                .setMetrics(metrics).setEventTime(Instant.EPOCH).build();
    }

    @Test
    void aModelTrainedOnConfirmedTextIsJustReady() {
        assertEquals("model version 2 ready", TrainingJobRunner.readyMessage(model(Map.of("provisionalTextSeconds", 0.0))));
        assertEquals("model version 2 ready", TrainingJobRunner.readyMessage(model(Map.of())));
    }

    @Test
    void aModelTrainedOnProvisionalTextSaysSoEvenWhenItsJobIsPublishedAgain() {
        String m = TrainingJobRunner.readyMessage(model(Map.of("provisionalTextSeconds", 52.6, "confirmedTextSeconds", 8.9)));
        assertTrue(m.startsWith("model version 2 ready; trained on 52.6 s of text no one has confirmed"), m);
        assertTrue(m.contains("besides 8.9 s of confirmed text") && m.contains("/v1/voices/voice_1/clips"), m);
    }
}
