package dev.voxpipe.core.messaging;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.voxpipe.core.serde.InMemorySchemaRegistry;
import dev.voxpipe.schemas.VoiceModelReady;
import dev.voxpipe.schemas.common.BlobRef;
import java.time.Instant;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;

/** Issue 17: the catalog's memory follows the voices, not the traffic; versions stay unique and jobs stay known. */
class VoiceModelCatalogTest {

    private static VoiceModelCatalog catalog(int kept) {
        Properties kafka = new Properties();
        kafka.put("bootstrap.servers", "127.0.0.1:1"); // never started
        return new VoiceModelCatalog(kafka, new InMemorySchemaRegistry(), kept);
    }

    private static VoiceModelReady model(String voice, int version) {
        return VoiceModelReady.newBuilder().setTenantId("t1").setVoiceId(voice).setJobId("job-" + voice + "-" + version)
                .setVersion(version).setBaseModel("base").setCheckpoint(BlobRef.newBuilder().setKey("models/" + voice + "/" + version)
                        .setSha256("00").setSizeBytes(1).setContentType("x").build())
                .setMetrics(Map.of("finalLoss", 0.1)).setEventTime(Instant.EPOCH).build();
    }

    @Test
    void onlyTheLatestVersionsAreHeldButEveryJobStaysKnownAndVersionsKeepRising() {
        try (VoiceModelCatalog models = catalog(3)) {
            for (int v = 1; v <= 50; v++) models.remember(model("voice-a", v));
            assertEquals(3, models.modelsHeld(), "50 versions, 3 held");
            assertEquals(50, models.find("voice-a", null).orElseThrow().getVersion());
            assertTrue(models.find("voice-a", 48).isPresent());
            assertTrue(models.find("voice-a", 10).isEmpty(), "an old version is no longer held");
            assertEquals(51, models.nextVersion("voice-a"), "versions stay unique after old ones are dropped");
            VoiceModelReady old = models.producedBy("voice-a", "job-voice-a-10").orElseThrow();
            assertEquals(10, old.getVersion(), "an old job is still known as done");
            assertEquals("models/voice-a/10", old.getCheckpoint().getKey());
            assertTrue(models.producedBy("voice-a", "job-never").isEmpty());
        }
    }

    @Test
    void aDeletedVoiceIsForgotten() {
        try (VoiceModelCatalog models = catalog(3)) {
            models.remember(model("voice-b", 1));
            models.forget("voice-b");
            assertEquals(0, models.modelsHeld());
            assertTrue(models.producedBy("voice-b", "job-voice-b-1").isEmpty());
            assertEquals(1, models.nextVersion("voice-b"));
        }
    }
}
