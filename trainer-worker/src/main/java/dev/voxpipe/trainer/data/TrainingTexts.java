package dev.voxpipe.trainer.data;

import dev.voxpipe.model.TrainingUtterance;
import dev.voxpipe.schemas.MelFeatures;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * Which clips a fine-tune reads, and with which text. Confirmed text (given, aligned, edited, or recognised with
 * confidence) always; provisional text (recognised below the confidence threshold, aligned with too few words heard)
 * only when the confirmed text is short (the trainer's {@code provisional-text-below-seconds}). An untranscribed
 * upload then still becomes a fine-tuned voice: through the API, a minute of speech fine-tuned on its recognised text
 * (about 30 % of the real speaker's words wrong) came within 0.03-0.08 dB MCD of the same minute with its transcripts,
 * where her training failed before (voice-model/models/voxpipe-base-v2/API-TESTS.md).
 *
 * @param utterances         what the fine-tune reads
 * @param confirmedSeconds   speech with confirmed text, of the voice's clips
 * @param provisionalSeconds speech with provisional text that the fine-tune reads (0 when the confirmed text sufficed)
 * @param provisionalClips   how many such clips
 */
public record TrainingTexts(List<TrainingUtterance> utterances, double confirmedSeconds, double provisionalSeconds,
                            int provisionalClips) {

    public TrainingTexts {
        utterances = List.copyOf(utterances);
    }

    /**
     * @param clips            the voice's clips, in order
     * @param mels             each clip's [frames][bins] log-mel, in the same order
     * @param f0               a clip's F0 track (null: none)
     * @param provisionalBelowSeconds the provisional text joins when the confirmed text is shorter than this (0: never)
     */
    public static TrainingTexts choose(List<MelFeatures> clips, List<float[][]> mels, Function<MelFeatures, float[]> f0,
                                       double provisionalBelowSeconds) {
        if (clips.size() != mels.size()) throw new IllegalArgumentException(clips.size() + " clips but " + mels.size() + " mels");
        List<TrainingUtterance> confirmed = new ArrayList<>();
        List<TrainingUtterance> provisional = new ArrayList<>();
        double confirmedSeconds = 0;
        double provisionalSeconds = 0;
        for (int i = 0; i < clips.size(); i++) {
            MelFeatures clip = clips.get(i);
            double seconds = clip.getFrameCount() / clip.getFrameRate();
            if (hasText(clip.getTranscript())) {
                confirmed.add(new TrainingUtterance(mels.get(i), clip.getTranscript(), f0.apply(clip)));
                confirmedSeconds += seconds;
            } else if (hasText(clip.getProvisionalTranscript())) {
                provisional.add(new TrainingUtterance(mels.get(i), clip.getProvisionalTranscript(), f0.apply(clip)));
                provisionalSeconds += seconds;
            }
        }
        if (provisional.isEmpty() || confirmedSeconds >= provisionalBelowSeconds) {
            return new TrainingTexts(confirmed, confirmedSeconds, 0, 0);
        }
        List<TrainingUtterance> all = new ArrayList<>(confirmed);
        all.addAll(provisional);
        return new TrainingTexts(all, confirmedSeconds, provisionalSeconds, provisional.size());
    }

    /**
     * Whether provisional text can be trusted at all for a voice in this language (null: en): the recogniser is
     * English only, and speech in another language comes out as English words.
     */
    public static boolean recognisable(String language) {
        if (language == null) return true;
        String l = language.toLowerCase(java.util.Locale.ROOT);
        return l.equals("en") || l.startsWith("en-") || l.startsWith("en_");
    }

    public boolean usesProvisional() {
        return provisionalClips > 0;
    }

    private static boolean hasText(String text) {
        return text != null && !text.isBlank();
    }

    /**
     * A short fingerprint of what a fine-tune reads (each utterance's text, log-mel and F0 track, in order): two jobs
     * with the same fingerprint trained on the same inputs, so a difference in their result lies in the training.
     */
    public static String digest(List<TrainingUtterance> utterances) {
        java.security.MessageDigest sha;
        try {
            sha = java.security.MessageDigest.getInstance("SHA-256");
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        java.nio.ByteBuffer four = java.nio.ByteBuffer.allocate(4);
        for (TrainingUtterance u : utterances) {
            sha.update(u.transcript().getBytes(java.nio.charset.StandardCharsets.UTF_8));
            for (float[] frame : u.logMel()) {
                for (float v : frame) sha.update(four.clear().putFloat(v).array());
            }
            if (u.f0Hz() != null) {
                sha.update((byte) 1);
                for (float v : u.f0Hz()) sha.update(four.clear().putFloat(v).array());
            } else {
                sha.update((byte) 0);
            }
        }
        return java.util.HexFormat.of().formatHex(sha.digest(), 0, 6);
    }
}
