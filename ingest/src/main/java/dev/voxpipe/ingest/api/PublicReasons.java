package dev.voxpipe.ingest.api;

import io.vertx.core.json.JsonObject;
import java.util.Locale;

/**
 * What a status document says about a failure: a stable code and a fixed message per code. The
 * workers' own words (which may carry exception text, host names or paths) stay in the topics and
 * the workers' logs; responses never show them.
 */
final class PublicReasons {

    private PublicReasons() {}

    static JsonObject training(String workerMessage) {
        String m = workerMessage == null ? "" : workerMessage.toLowerCase(Locale.ROOT);
        if (m.contains("watchdog")) {
            return reason("stalled", "no training worker finished the job in time; request training again");
        }
        if (m.contains("cannot be read")) return reason("job_unreadable", "the training job could not be read; request training again");
        if (m.contains("consent")) return reason("consent_revoked", "the voice's consent was revoked; it cannot be trained");
        if (m.contains("deleted")) return reason("voice_deleted", "the voice was deleted");
        if (m.contains("usable features") || m.contains("usable audio")) {
            return reason("insufficient_audio", "the voice has too little usable audio for training; upload more samples");
        }
        if (m.contains("usable speech")) {
            return reason("insufficient_text", "the voice has too little speech with text to fine-tune; upload more samples"
                    + " with their transcript, or confirm the recognised text of its clips (GET /v1/voices/{voiceId}/clips)");
        }
        if (m.contains("transcript")) {
            return reason("no_transcripts", "none of the voice's samples has a transcript training can use (speech recognition"
                    + " suggests text for English voices only); upload samples with their transcript to fine-tune, or train"
                    + " zero-shot (mode ZERO_SHOT needs no text)");
        }
        if (m.contains("lease")) return reason("worker_unavailable", "no training worker could take the job; request training again");
        return reason("training_failed", "training failed; request it again, or contact support if it keeps failing");
    }

    /**
     * What a finished job should tell its owner besides its model, or null: a voice fine-tuned on text no one has
     * confirmed (recognised, or aligned with low confidence) can be made clearer by confirming it.
     */
    static JsonObject trainingNotice(String workerMessage) {
        String m = workerMessage == null ? "" : workerMessage.toLowerCase(Locale.ROOT);
        if (m.contains("no one has confirmed")) {
            return reason("provisional_text", "the voice was fine-tuned on recognised text no one has confirmed; confirm or"
                    + " fix it (GET /v1/voices/{voiceId}/clips, PATCH a clip) and train again for a clearer voice");
        }
        return null;
    }

    static JsonObject synthesis(String workerError) {
        String m = workerError == null ? "" : workerError.toLowerCase(Locale.ROOT);
        if (m.contains("voice_needs_retraining")) {
            return reason("voice_needs_retraining", "the voice's model cannot be served (trained for another base model,"
                    + " or its training diverged); train the voice again: POST /v1/voices/{voiceId}/train");
        }
        if (m.contains("watchdog")) return reason("stalled", "the synthesis made no progress in time; request it again");
        if (m.contains("consent")) return reason("consent_revoked", "the voice's consent was revoked; it cannot be synthesised");
        if (m.contains("deleted")) return reason("voice_deleted", "the voice was deleted");
        if (m.contains("no trained model")) return reason("voice_not_ready", "the voice has no trained model");
        if (m.contains("language")) return reason("unsupported_language", "the text's language is not supported");
        if (m.contains("text")) return reason("invalid_text", "the text could not be read");
        return reason("synthesis_failed", "synthesis failed; request it again, or contact support if it keeps failing");
    }

    private static JsonObject reason(String code, String message) {
        return new JsonObject().put("code", code).put("message", message);
    }
}
