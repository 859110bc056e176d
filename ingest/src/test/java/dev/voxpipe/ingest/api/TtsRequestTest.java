package dev.voxpipe.ingest.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.MultiMap;
import io.vertx.core.json.JsonObject;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/**
 * GPT-SoVITS api_v2's documented /tts request shapes (the GET example and the POST body of its
 * api_v2.py docstring), replayed against VoxPipe's parsing, and its check_params refusals in their
 * order and wording.
 */
class TtsRequestTest {

    static final String VOICE = "voice_01m8jm9w591yx18896k9sj1cn7";

    /** Their GET example, with ref_audio_path naming a VoxPipe voice (their server file path is refused below). */
    static final String DOCUMENTED_GET = "text=先帝创业未半而中道崩殂，今天下三分，益州疲弊，此诚危急存亡之秋也。&text_lang=zh"
            + "&ref_audio_path=" + VOICE + ".wav&prompt_lang=zh&prompt_text=我是「罗浮」云骑将军景元。不必拘谨，「将军」只是一时的身份，你称呼我景元便可"
            + "&text_split_method=cut5&batch_size=1&media_type=wav&streaming_mode=true";

    /** Their POST body with every documented field at its documented default. */
    static JsonObject documentedPost() {
        return new JsonObject().put("text", "Hello there. How are you today?").put("text_lang", "en")
                .put("ref_audio_path", VOICE).put("aux_ref_audio_paths", new io.vertx.core.json.JsonArray())
                .put("prompt_text", "").put("prompt_lang", "en").put("top_k", 15).put("top_p", 1).put("temperature", 1)
                .put("text_split_method", "cut5").put("batch_size", 1).put("batch_threshold", 0.75).put("split_bucket", true)
                .put("speed_factor", 1.0).put("fragment_interval", 0.3).put("seed", -1).put("parallel_infer", true)
                .put("repetition_penalty", 1.35).put("sample_steps", 32).put("super_sampling", false)
                .put("streaming_mode", false).put("overlap_length", 2).put("min_chunk_length", 16).put("media_type", "wav");
    }

    static MultiMap query(String q) {
        MultiMap m = MultiMap.caseInsensitiveMultiMap();
        for (String pair : q.split("&")) {
            int eq = pair.indexOf('=');
            m.add(URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8), URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
        }
        return m;
    }

    @Test
    void theDocumentedGetMapsOntoASynthesis() {
        TtsRequest r = TtsRequest.fromQuery(query(DOCUMENTED_GET));
        assertEquals(VOICE, r.referenceId(), "a voice id, even written as a .wav path");
        assertTrue(r.isVoice());
        assertTrue(r.streaming());
        JsonObject body = r.synthesisBody(VOICE);
        assertEquals("zh", body.getString("language"));
        assertEquals("wav", body.getString("format"));
        assertEquals(300, body.getInteger("sentencePauseMs"), "fragment_interval's default 0.3 s");
        assertEquals(1.0, body.getDouble("speed"));
        assertTrue(body.getString("text").startsWith("先帝创业"));
    }

    @Test
    void theDocumentedPostBodyIsAcceptedWithItsSamplingParametersIgnored() {
        TtsRequest r = TtsRequest.fromJson(documentedPost());
        assertFalse(r.streaming());
        assertEquals("en", r.language());
        assertEquals("wav", r.mediaType());
        assertEquals(15.0, r.ignored().get("top_k"));
        assertEquals(1.35, r.ignored().get("repetition_penalty"));
        assertEquals(true, r.ignored().get("split_bucket"));
        JsonObject body = r.synthesisBody(VOICE);
        assertEquals(VOICE, body.getString("voiceId"));
        assertEquals(300, body.getInteger("paragraphPauseMs"));
    }

    @Test
    void mappingOfSpeedIntervalMediaTypeAndStreamingModes() {
        JsonObject b = documentedPost().put("speed_factor", 1.25).put("fragment_interval", 0.5).put("media_type", "ogg");
        JsonObject body = TtsRequest.fromJson(b).synthesisBody(VOICE);
        assertEquals(1.25, body.getDouble("speed"));
        assertEquals(500, body.getInteger("sentencePauseMs"));
        assertEquals("ogg_vorbis", body.getString("format"));
        assertEquals("wav", TtsRequest.fromJson(documentedPost().put("media_type", "raw")).synthesisBody(VOICE).getString("format"));
        for (Object on : new Object[] {true, 1, 2, 3, "true", "1", "2", "3"}) {
            assertTrue(TtsRequest.fromJson(documentedPost().put("streaming_mode", on)).streaming(), String.valueOf(on));
        }
        for (Object off : new Object[] {false, 0, "false", "0"}) {
            assertFalse(TtsRequest.fromJson(documentedPost().put("streaming_mode", off)).streaming(), String.valueOf(off));
        }
        assertEquals("auto", TtsRequest.fromJson(documentedPost().put("text_lang", "auto")).language());
        assertEquals("zh", TtsRequest.fromJson(documentedPost().put("text_lang", "all_zh")).language());
        TtsRequest clip = TtsRequest.fromJson(documentedPost().put("ref_audio_path", "refs/upl_01m8jm9w591yx18896k9sj1cn7.wav")
                .put("prompt_text", "What the clip says."));
        assertEquals("upl_01m8jm9w591yx18896k9sj1cn7", clip.referenceId());
        assertFalse(clip.isVoice());
        JsonObject zeroShot = clip.synthesisBody(VOICE);
        assertEquals(new JsonObject().put("uploadId", "upl_01m8jm9w591yx18896k9sj1cn7").put("transcript", "What the clip says."),
                zeroShot.getJsonObject("reference"), "an uploaded clip means zero-shot, prompt_text its transcript");
        assertEquals(null, body.getValue("reference"), "a voice id means its trained model");
    }

    @Test
    void refusalsComeInGptSovitsOrderAndWords() {
        assertEquals("ref_audio_path is required", refused(documentedPost().put("ref_audio_path", "").put("text", "")));
        assertEquals("text is required", refused(documentedPost().put("text", "").put("text_lang", "")));
        assertEquals("text is required", refused(documentedPost().putNull("text")));
        JsonObject noLanguage = documentedPost();
        noLanguage.remove("text_lang");
        assertEquals("text_lang is required", refused(noLanguage));
        assertTrue(refused(documentedPost().put("text_lang", "ja")).startsWith("text_lang: ja is not supported"));
        assertTrue(refused(documentedPost().put("prompt_lang", "xx")).startsWith("prompt_lang: xx is not supported"));
        assertEquals("media_type: mp4 is not supported", refused(documentedPost().put("media_type", "mp4")));
        assertTrue(refused(documentedPost().put("media_type", "aac")).startsWith("media_type: aac is not supported"));
        assertEquals("text_split_method:cut9 is not supported", refused(documentedPost().put("text_split_method", "cut9")));
        assertEquals("the value of streaming_mode must be 0, 1, 2, 3(int) or true/false(bool)",
                refused(documentedPost().put("streaming_mode", 7)));
        assertTrue(refused(documentedPost().put("speed_factor", 3.0)).startsWith("speed_factor must be from 0.5 to 2.0"));
        assertTrue(refused(documentedPost().put("top_k", "many")).startsWith("top_k must be a number"));
        assertTrue(refused(documentedPost().put("streaming_mode", true).put("media_type", "ogg")).contains("streaming_mode"));
        // their documented server file path: VoxPipe reads none, and says so
        TtsRequest fileRef = TtsRequest.fromQuery(query(DOCUMENTED_GET.replace(VOICE + ".wav", "archive_jingyuan_1.wav")));
        TtsRequest.Refused e = assertThrows(TtsRequest.Refused.class, fileRef::referenceId);
        assertTrue(e.getMessage().contains("neither a voice id"), e.getMessage());
    }

    private static String refused(JsonObject body) {
        return assertThrows(TtsRequest.Refused.class, () -> TtsRequest.fromJson(body).referenceId()).getMessage();
    }
}
