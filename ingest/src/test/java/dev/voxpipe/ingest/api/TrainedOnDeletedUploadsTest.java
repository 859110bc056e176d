package dev.voxpipe.ingest.api;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.Set;
import org.junit.jupiter.api.Test;

class TrainedOnDeletedUploadsTest {
    @Test
    void aModelNamesTheDeletedUploadsItWasMadeFromInItsOwnOrder() {
        JsonObject model = new JsonObject().put("version", 2).put("uploadIds", new JsonArray().add("u1").add("u2").add("u3"));
        assertEquals(new JsonArray().add("u1").add("u3"), VoiceApi.trainedOnDeletedUploads(model, Set.of("u3", "u1", "u9")));
        assertEquals(new JsonArray(), VoiceApi.trainedOnDeletedUploads(model, Set.of("u9")));
    }

    @Test
    void aModelMadeBeforeModelsRecordedTheirUploadsNamesNone() {
        assertEquals(new JsonArray(), VoiceApi.trainedOnDeletedUploads(new JsonObject().put("version", 1), Set.of("u1")));
    }
}
