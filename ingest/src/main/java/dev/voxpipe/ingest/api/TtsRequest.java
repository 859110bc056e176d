package dev.voxpipe.ingest.api;

import io.vertx.core.MultiMap;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * A GPT-SoVITS {@code api_v2} {@code /tts} request (query of a GET, JSON body of a POST), checked
 * as GPT-SoVITS checks it and mapped onto a VoxPipe synthesis. Every parameter of theirs is
 * accepted; those VoxPipe has no use for are type-checked and ignored (the README's table says which).
 * A refused request is a {@link Refused}: HTTP 400 with {@code {"message": ...}}, as they answer.
 */
public record TtsRequest(String text, String language, String refAudioPath, String promptText, String promptLang,
                         String textSplitMethod, int batchSize, double speed, double fragmentIntervalSeconds,
                         String mediaType, boolean streaming, Map<String, Object> ignored) {

    /** GPT-SoVITS's text languages, and what VoxPipe makes of them (null: not spoken by VoxPipe). */
    private static final Map<String, String> LANGUAGES = languages();
    private static final Set<String> SPLIT_METHODS = Set.of("cut0", "cut1", "cut2", "cut3", "cut4", "cut5");
    private static final Set<String> MEDIA_TYPES = Set.of("wav", "raw", "ogg", "aac");
    /** Accepted for compatibility, never used: VoxPipe's acoustic model has no token sampler. */
    static final Set<String> NUMBERS_IGNORED = Set.of("top_k", "top_p", "temperature", "repetition_penalty", "seed",
            "batch_threshold", "sample_steps", "overlap_length", "min_chunk_length");
    static final Set<String> FLAGS_IGNORED = Set.of("split_bucket", "parallel_infer", "super_sampling", "return_fragment");
    private static final Pattern VOICE_OR_REFERENCE = Pattern.compile("(voice|upl)_[0-9a-z]{26}");

    /** A request /tts refuses: 400 and GPT-SoVITS's {@code {"message": ...}}. */
    public static final class Refused extends RuntimeException {
        public Refused(String message) {
            super(message, null, false, false);
        }
    }

    private static Map<String, String> languages() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("en", "en");
        m.put("all_en", "en");
        m.put("zh", "zh");
        m.put("all_zh", "zh");
        m.put("auto", "auto");
        for (String other : new String[] {"ja", "all_ja", "ko", "all_ko", "yue", "all_yue", "auto_yue"}) m.put(other, null);
        return m;
    }

    /** From a GET's query string. */
    public static TtsRequest fromQuery(MultiMap query) {
        Map<String, Object> values = new LinkedHashMap<>();
        for (String name : query.names()) {
            values.put(name, name.equals("aux_ref_audio_paths") ? new JsonArray(query.getAll(name).stream().map(Object.class::cast).toList())
                    : query.get(name));
        }
        return from(values);
    }

    /** From a POST's JSON body. */
    public static TtsRequest fromJson(JsonObject body) {
        return from(body.getMap());
    }

    static TtsRequest from(Map<String, Object> v) {
        String refAudioPath = string(v, "ref_audio_path");
        String text = string(v, "text");
        String textLang = string(v, "text_lang");
        if (refAudioPath == null || refAudioPath.isEmpty()) throw new Refused("ref_audio_path is required");
        if (text == null || text.isEmpty()) throw new Refused("text is required");
        if (textLang == null || textLang.isEmpty()) throw new Refused("text_lang is required");
        String language = LANGUAGES.get(textLang.toLowerCase(Locale.ROOT));
        if (language == null) {
            throw new Refused("text_lang: " + textLang + " is not supported in version voxpipe (en, all_en, zh, all_zh, auto)");
        }
        String promptLang = string(v, "prompt_lang");
        if (promptLang != null && !promptLang.isEmpty() && !LANGUAGES.containsKey(promptLang.toLowerCase(Locale.ROOT))) {
            throw new Refused("prompt_lang: " + promptLang + " is not supported in version voxpipe");
        }
        String mediaType = orDefault(string(v, "media_type"), "wav");
        if (!MEDIA_TYPES.contains(mediaType)) throw new Refused("media_type: " + mediaType + " is not supported");
        if (mediaType.equals("aac")) {
            throw new Refused("media_type: aac is not supported by VoxPipe (wav, raw or ogg; ./voxpipe say and /v1 also give flac, mp3 and opus)");
        }
        String split = orDefault(string(v, "text_split_method"), "cut5");
        if (!SPLIT_METHODS.contains(split)) throw new Refused("text_split_method:" + split + " is not supported");
        boolean streaming = streamingMode(v.get("streaming_mode"));
        if (streaming && mediaType.equals("ogg")) {
            throw new Refused("media_type: ogg is not supported with streaming_mode in VoxPipe (use wav or raw)");
        }
        double batch = number(v, "batch_size", 1);
        if (batch < 1 || batch != Math.floor(batch)) throw new Refused("batch_size must be a whole number from 1");
        double speed = number(v, "speed_factor", 1.0);
        if (!(speed >= 0.5 && speed <= 2.0)) throw new Refused("speed_factor must be from 0.5 to 2.0 in VoxPipe, not " + speed);
        double interval = number(v, "fragment_interval", 0.3);
        if (!(interval >= 0 && interval <= 5)) throw new Refused("fragment_interval must be from 0 to 5 seconds, not " + interval);
        Map<String, Object> ignored = new LinkedHashMap<>();
        for (String name : NUMBERS_IGNORED) {
            if (v.get(name) != null) ignored.put(name, number(v, name, 0));
        }
        for (String name : FLAGS_IGNORED) {
            if (v.get(name) != null) ignored.put(name, flag(v.get(name), name));
        }
        Object aux = v.get("aux_ref_audio_paths");
        if (aux != null && !(aux instanceof JsonArray) && !(aux instanceof java.util.List<?>)) {
            throw new Refused("aux_ref_audio_paths must be a list");
        }
        return new TtsRequest(text, language, refAudioPath.strip(), string(v, "prompt_text"), promptLang, split, (int) batch,
                speed, interval, mediaType, streaming, ignored);
    }

    /**
     * What {@code ref_audio_path} names: a voice id ({@code voice_...}: its trained model), an uploaded
     * sample's id ({@code upl_...}: zero-shot from that 3-10 s clip), or either as the last segment of a
     * path with an extension ({@code refs/voice_01abc.wav}). VoxPipe reads no server file paths.
     */
    public String referenceId() {
        String name = refAudioPath.replace('\\', '/');
        name = name.substring(name.lastIndexOf('/') + 1);
        int dot = name.indexOf('.');
        if (dot > 0) name = name.substring(0, dot);
        if (!VOICE_OR_REFERENCE.matcher(name).matches()) {
            throw new Refused("ref_audio_path: " + Errors.printable(refAudioPath) + " names neither a voice id (voice_...) nor an"
                    + " uploaded clip's id (upl_...) of this API key; VoxPipe reads no server file paths");
        }
        return name;
    }

    public boolean isVoice() {
        return referenceId().startsWith("voice_");
    }

    /**
     * The body of the equivalent {@code POST /v1/synthesis}: for an uploaded clip, a zero-shot
     * synthesis in the voice the clip was uploaded to, with {@code prompt_text} as its transcript.
     */
    public JsonObject synthesisBody(String voiceId) {
        int pauseMs = (int) Math.round(fragmentIntervalSeconds * 1000);
        JsonObject body = new JsonObject().put("voiceId", voiceId).put("text", text).put("language", language)
                .put("format", mediaType.equals("ogg") ? "ogg_vorbis" : "wav").put("speed", speed)
                .put("sentencePauseMs", pauseMs).put("paragraphPauseMs", pauseMs).put("streaming", streaming);
        if (!isVoice()) {
            JsonObject reference = new JsonObject().put("uploadId", referenceId());
            if (promptText != null && !promptText.isBlank()) reference.put("transcript", promptText);
            body.put("reference", reference);
        }
        return body;
    }

    /** GPT-SoVITS: 0/false off; 1/true, 2 and 3 are its streaming qualities (VoxPipe streams the same way for each). */
    static boolean streamingMode(Object value) {
        if (value == null) return false;
        if (value instanceof Boolean b) return b;
        String s = value.toString().strip().toLowerCase(Locale.ROOT);
        return switch (s) {
            case "false", "0", "" -> false;
            case "true", "1", "2", "3" -> true;
            default -> throw new Refused("the value of streaming_mode must be 0, 1, 2, 3(int) or true/false(bool)");
        };
    }

    private static boolean flag(Object value, String name) {
        if (value instanceof Boolean b) return b;
        String s = value.toString().strip().toLowerCase(Locale.ROOT);
        if (s.equals("true") || s.equals("1")) return true;
        if (s.equals("false") || s.equals("0")) return false;
        throw new Refused(name + " must be true or false");
    }

    private static String string(Map<String, Object> v, String name) {
        Object value = v.get(name);
        if (value == null) return null;
        if (value instanceof String s) return s;
        if (value instanceof Number || value instanceof Boolean) return value.toString();
        throw new Refused(name + " must be a string");
    }

    private static double number(Map<String, Object> v, String name, double defaultValue) {
        Object value = v.get(name);
        if (value == null) return defaultValue;
        if (value instanceof Number n) return n.doubleValue();
        if (value instanceof String s) {
            try {
                return Double.parseDouble(s.strip());
            } catch (NumberFormatException e) {
                throw new Refused(name + " must be a number, not '" + Errors.printable(s) + "'");
            }
        }
        throw new Refused(name + " must be a number");
    }

    private static String orDefault(String value, String defaultValue) {
        return value == null || value.isEmpty() ? defaultValue : value;
    }
}
