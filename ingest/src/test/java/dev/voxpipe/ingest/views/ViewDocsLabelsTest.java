package dev.voxpipe.ingest.views;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Instant;
import java.util.Map;

import org.junit.jupiter.api.Test;

import dev.voxpipe.schemas.VoiceDatasetSummary;
import io.vertx.core.json.JsonObject;

class ViewDocsLabelsTest {

    private static VoiceDatasetSummary summary(Map<String, Double> bySource, double textSeconds) {
        return VoiceDatasetSummary.newBuilder().setTenantId("t").setVoiceId("v").setUsableSeconds(60).setClipsAccepted(12)
                .setClipsRejected(0).setUpdatedAt(Instant.EPOCH).setSecondsByLabelSource(bySource).setTextSeconds(textSeconds)
                .build();
    }

    @Test
    void textThatTrainingDoesNotUseOutrightIsCountedAsProvisional() {
        // 40 s recognised, of which 12 s confident; 15 s given; 5 s with no text at all
        JsonObject labels = ViewDocs.labels(summary(Map.of("recognised", 40.0, "given", 15.0, "none", 5.0), 27.0));
        assertEquals(27.0, labels.getDouble("textSeconds"));
        assertEquals(28.0, labels.getDouble("provisionalTextSeconds"), labels.encode());
    }

    @Test
    void aVoiceWhoseTextIsAllConfirmedHasNoProvisionalText() {
        assertEquals(0.0, ViewDocs.labels(summary(Map.of("given", 61.5), 61.5)).getDouble("provisionalTextSeconds"));
        assertEquals(0.0, ViewDocs.labels(summary(Map.of("none", 30.0), 0.0)).getDouble("provisionalTextSeconds"));
    }
}
