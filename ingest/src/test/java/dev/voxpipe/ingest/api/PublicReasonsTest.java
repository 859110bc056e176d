package dev.voxpipe.ingest.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

class PublicReasonsTest {

    @Test
    void tooLittleSpeechWithTextSaysWhatToDoInsteadOfAskingToRetry() {
        // the fine-tune's own words when even the provisional text is short of its minimum
        JsonObject r = PublicReasons.training("too little usable speech to fine-tune: 9.1 s in 1 utterances, at least 10 s needed");
        assertEquals("insufficient_text", r.getString("code"));
        assertFalse(r.getString("message").contains("9.1"), "a response never repeats the worker's own words");
        assertFalse(r.getString("message").contains("request it again"));
    }

    @Test
    void aVoiceTrainedOnUnconfirmedTextSaysHowToMakeItClearer() {
        JsonObject n = PublicReasons.trainingNotice("model version 1 ready; trained on 61.7 s of text no one has confirmed"
                + " (15 clips, recognised or aligned with low confidence) besides 0.0 s of confirmed text; ...");
        assertEquals("provisional_text", n.getString("code"));
        assertFalse(n.getString("message").contains("61.7"));
        assertEquals(null, PublicReasons.trainingNotice("model version 1 ready"));
        assertEquals(null, PublicReasons.trainingNotice(null));
    }

    @Test
    void theOtherReasonsKeepTheirCodes() {
        assertEquals("insufficient_audio", PublicReasons.training("voice v has 3.0 s of usable features; training needs at least 10.0 s").getString("code"));
        assertEquals("no_transcripts", PublicReasons.training("none of the voice's 4 clips has a transcript; upload ...").getString("code"));
        assertEquals("training_failed", PublicReasons.training("java.lang.IllegalStateException: boom at /opt/x").getString("code"));
        assertEquals("training_failed", PublicReasons.training(null).getString("code"));
    }

    @Test
    void aVoiceTheWorkerCannotServeIsToldToTrainAgainNotToRetry() {
        for (String worker : new String[]{
                "voice_needs_retraining: voice v was trained on base model an-older-base and this worker runs voxpipe-base-v2;"
                        + " train the voice again",
                "java.lang.IllegalArgumentException: voice_needs_retraining: the voice's weights hold non-finite values"
                        + " (dec.out.w; its training diverged); train the voice again"}) {
            JsonObject r = PublicReasons.synthesis(worker);
            assertEquals("voice_needs_retraining", r.getString("code"), worker);
            assertTrue(r.getString("message").contains("/train"), r.getString("message"));
            assertFalse(r.getString("message").contains("an-older-base"), "a response never repeats the worker's own words");
        }
        assertEquals("synthesis_failed", PublicReasons.synthesis("java.lang.IllegalStateException: boom").getString("code"));
    }
}
