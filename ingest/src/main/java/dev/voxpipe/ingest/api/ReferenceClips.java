package dev.voxpipe.ingest.api;

import dev.voxpipe.core.blob.BlobKeys;
import dev.voxpipe.dsp.PcmAudio;
import dev.voxpipe.dsp.WavIo;
import dev.voxpipe.dsp.decode.AudioDecodeException;
import dev.voxpipe.dsp.decode.AudioDecoder;
import dev.voxpipe.dsp.decode.DecodeLimits;
import dev.voxpipe.ingest.auth.Principal;
import dev.voxpipe.ingest.views.ViewStores;
import dev.voxpipe.schemas.common.BlobRef;
import dev.voxpipe.schemas.common.ReferenceClip;
import io.vertx.core.json.JsonObject;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Locale;
import java.util.concurrent.Callable;

/**
 * Per-request zero-shot: a synthesis's {@code reference} is a 3-10 s clip of the voice's speaker,
 * either one of the voice's uploaded samples ({@code {"uploadId": "upl_..."}}) or sent with the
 * request ({@code {"audio": "<base64 of a WAV, FLAC, MP3 or Ogg file>"}}), with an optional
 * {@code transcript}. The clip is decoded here, so a clip of the wrong length is refused with 422
 * {@code reference_length} before anything is queued; its decoded WAV is kept with the synthesis
 * ({@code synthesis/<id>/reference.wav}, deleted with it) and the synth worker voices it by the
 * speaker encoder alone.
 */
final class ReferenceClips {

    static final double MIN_SECONDS = 3.0;
    static final double MAX_SECONDS = 10.0;
    /** No 3-10 s clip in any accepted format is larger (10 s of 384 kHz 32-bit stereo is 31 MB). */
    static final long MAX_BYTES = 32L * 1024 * 1024;
    static final int MAX_TRANSCRIPT = 1000;

    private final Services services;

    ReferenceClips(Services services) {
        this.services = services;
    }

    static String blobKey(String requestId) {
        return "synthesis/" + requestId + "/reference.wav";
    }

    /**
     * Checks the reference's shape and ownership now (throws {@link ApiException}); the returned task
     * reads, decodes, measures and stores the clip and must run on a worker thread.
     */
    Callable<ReferenceClip> prepare(Principal principal, String voiceId, Object value, String requestId) {
        if (!(value instanceof JsonObject reference)) {
            throw ApiException.invalid("'reference' must be an object: {\"uploadId\": ...} or {\"audio\": \"<base64>\"}",
                    field("reference"));
        }
        Object transcriptValue = reference.getValue("transcript");
        if (transcriptValue != null && !(transcriptValue instanceof String)) throw ApiException.invalid("'reference.transcript' must be a string", field("reference.transcript"));
        String transcript = (String) transcriptValue;
        if (transcript != null && transcript.length() > MAX_TRANSCRIPT) {
            throw ApiException.invalid("'reference.transcript' is longer than " + MAX_TRANSCRIPT + " characters", field("reference.transcript"));
        }
        Object uploadValue = reference.getValue("uploadId");
        Object audioValue = reference.getValue("audio");
        if ((uploadValue == null) == (audioValue == null)) {
            throw ApiException.invalid("'reference' needs exactly one of 'uploadId' (a sample of the voice) and 'audio' (base64)",
                    field("reference"));
        }
        String clean = transcript == null || transcript.isBlank() ? null : transcript.strip();
        if (uploadValue != null) {
            if (!(uploadValue instanceof String uploadId) || !Ids.plausible(uploadId)) throw ApiException.notFound("upload", String.valueOf(uploadValue));
            JsonObject upload = services.views().get(ViewStores.UPLOADS, "u/" + uploadId).orElse(null);
            if (upload == null || !principal.tenantId().equals(upload.getString("tenantId"))) throw ApiException.notFound("upload", uploadId);
            if (!voiceId.equals(upload.getString("voiceId"))) {
                throw ApiException.invalid("the reference clip must be a sample of the voice " + voiceId + " (its consent covers it)",
                        field("reference.uploadId"));
            }
            long size = upload.getLong("sizeBytes", 0L);
            if (size > MAX_BYTES) throw tooLong(null, size);
            String key = BlobKeys.contentAddressed(HexFormat.of().parseHex(upload.getString("sha256")));
            return () -> {
                byte[] bytes;
                try (InputStream in = services.blobs().open(key)) {
                    bytes = in.readAllBytes();
                }
                return store(uploadId, bytes, clean, requestId);
            };
        }
        if (!(audioValue instanceof String base64)) throw ApiException.invalid("'reference.audio' must be a base64 string", field("reference.audio"));
        if (base64.length() > MAX_BYTES * 4 / 3 + 4) throw tooLong(null, base64.length() * 3L / 4);
        byte[] bytes;
        try {
            bytes = Base64.getMimeDecoder().decode(base64);
        } catch (IllegalArgumentException e) {
            throw ApiException.invalid("'reference.audio' is not valid base64", field("reference.audio"));
        }
        return () -> store("inline", bytes, clean, requestId);
    }

    private ReferenceClip store(String referenceId, byte[] bytes, String transcript, String requestId) throws Exception {
        PcmAudio audio;
        try {
            audio = AudioDecoder.decode(bytes, DecodeLimits.defaults().withMaxDurationSeconds(600));
        } catch (AudioDecodeException e) {
            throw new ApiException(422, "reference_undecodable", "the reference clip is not audio VoxPipe can decode"
                    + " (WAV, FLAC, MP3 or Ogg Vorbis)", field("reference"), null);
        }
        double seconds = audio.durationSeconds();
        if (seconds < MIN_SECONDS || seconds > MAX_SECONDS) throw tooLong(seconds, bytes.length);
        BlobRef blob = services.blobs().putAt(blobKey(requestId), new ByteArrayInputStream(WavIo.toWav16(audio)), "audio/wav");
        return ReferenceClip.newBuilder().setReferenceId(referenceId).setAudio(blob).setSeconds(seconds)
                .setTranscript(transcript).build();
    }

    private static ApiException tooLong(Double seconds, long bytes) {
        String measured = seconds == null ? "it is " + bytes + " bytes, more than any such clip"
                : String.format(Locale.ROOT, "it is %.2f s long", seconds);
        JsonObject details = new JsonObject().put("field", "reference").put("minSeconds", MIN_SECONDS).put("maxSeconds", MAX_SECONDS);
        if (seconds != null) details.put("seconds", Math.round(seconds * 100) / 100.0);
        return new ApiException(422, "reference_length", String.format(Locale.ROOT,
                "a zero-shot reference clip must be %.0f to %.0f seconds of speech; %s", MIN_SECONDS, MAX_SECONDS, measured), details, null);
    }

    private static JsonObject field(String name) {
        return new JsonObject().put("field", name);
    }
}
