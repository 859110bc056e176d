package dev.voxpipe.ingest.api;

import dev.voxpipe.ingest.auth.AuthHandler;
import io.vertx.core.WorkerExecutor;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.handler.BodyHandler;

/**
 * The GPT-SoVITS {@code api_v2}-compatible routes ({@code /tts}), behind the same API keys, rate
 * limits and tenancy as {@code /v1}. Kept apart from {@link ApiRouter}'s {@code /v1} table.
 */
final class GptSovitsRoutes {

    private GptSovitsRoutes() {}

    static void mount(Router router, ApiDocs docs, Services services, WorkerExecutor workers, SynthesisApi synthesis) {
        TtsApi tts = new TtsApi(services, workers, synthesis);
        docs.op(HttpMethod.GET, "/v1/synthesis/:requestId/stream", "The audio as one chunked WAV that follows the synthesis while it runs"
                + " (first sentence early when submitted with streaming: true)").tag("synthesis")
                .responds(200, "audio/wav, chunked, data size left open").responds(404, "No such synthesis in this tenant")
                .responds(409, "The synthesis failed before any audio").handle(tts::streamV1);
        router.route("/tts").handler(new AuthHandler(services.apiKeys(), services.buckets(), services.metrics()));
        BodyHandler json = BodyHandler.create(false).setBodyLimit(services.settings().maxSynthesisBodyBytes());
        String summary = "GPT-SoVITS api_v2 /tts: text in a voice (ref_audio_path = voice id or reference clip id); audio, or 400 {message}";
        docs.op(HttpMethod.GET, "/tts", summary).tag("gpt-sovits")
                .query("text", "text to speak (required)").query("text_lang", "en, all_en, zh, all_zh or auto (required)")
                .query("ref_audio_path", "a voice id, or a reference clip id (ref_...) for zero-shot (required)")
                .query("prompt_text", "transcript of the reference clip").query("prompt_lang", "its language")
                .query("text_split_method", "cut0..cut5 (VoxPipe splits at sentences whatever the method)")
                .query("batch_size", "accepted, ignored").query("speed_factor", "0.5 to 2.0")
                .query("fragment_interval", "seconds of silence between sentences (0.3)")
                .query("media_type", "wav, raw or ogg").query("streaming_mode", "false/0, or true/1/2/3: chunked WAV or raw PCM")
                .responds(200, "Audio (audio/wav, audio/raw, audio/ogg)").responds(400, "{message}: refused, or tts failed")
                .responds(503, "Kafka unavailable; retry").handle(tts::handle);
        docs.op(HttpMethod.POST, "/tts", summary).tag("gpt-sovits")
                .body("application/json", ApiDocs.object(java.util.List.of("text", "text_lang", "ref_audio_path"), "text", "string",
                        "text_lang", "string", "ref_audio_path", "string", "prompt_text", "string", "prompt_lang", "string",
                        "text_split_method", "string", "batch_size", "integer", "speed_factor", "number",
                        "fragment_interval", "number", "media_type", "string", "streaming_mode", "{}", "top_k", "integer",
                        "top_p", "number", "temperature", "number", "repetition_penalty", "number", "seed", "integer"))
                .responds(200, "Audio (audio/wav, audio/raw, audio/ogg)").responds(400, "{message}: refused, or tts failed")
                .responds(503, "Kafka unavailable; retry").handle(json, tts::handle);
    }
}
