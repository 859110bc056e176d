package dev.voxpipe.trainer.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.voxpipe.model.TrainingUtterance;
import dev.voxpipe.schemas.MelFeatures;
import dev.voxpipe.schemas.TensorEncoding;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class TrainingTextsTest {

    /** A clip of {@code seconds} at 100 frames a second with confirmed text, provisional text, or neither. */
    private static MelFeatures clip(String id, double seconds, String confirmed, String provisional) {
        return MelFeatures.newBuilder().setClipId(id).setTenantId("t1").setVoiceId("v1").setUploadId("u1")
                .setSampleRate(32000).setFrameRate(100).setMelBins(2).setFrameCount((int) Math.round(seconds * 100))
                .setEncoding(TensorEncoding.FLOAT32_LE).setTranscript(confirmed).setProvisionalTranscript(provisional)
                .setEventTime(Instant.EPOCH).build();
    }

    private static TrainingTexts choose(List<MelFeatures> clips, boolean allowProvisional) {
        List<float[][]> mels = new ArrayList<>();
        for (MelFeatures c : clips) mels.add(new float[c.getFrameCount()][2]);
        return TrainingTexts.choose(clips, mels, c -> null, allowProvisional ? 10.0 : 0);
    }

    private static List<String> texts(TrainingTexts chosen) {
        return chosen.utterances().stream().map(TrainingUtterance::transcript).toList();
    }

    @Test
    void enoughConfirmedTextLeavesTheProvisionalTextOut() {
        TrainingTexts chosen = choose(List.of(clip("a", 6, "given one", null), clip("b", 6, "given two", null),
                clip("c", 8, null, "heard but unsure"), clip("d", 3, null, null)), true);
        assertEquals(List.of("given one", "given two"), texts(chosen));
        assertFalse(chosen.usesProvisional());
        assertEquals(12.0, chosen.confirmedSeconds(), 1e-9);
        assertEquals(0.0, chosen.provisionalSeconds(), 1e-9);
    }

    @Test
    void tooLittleConfirmedTextBringsInTheProvisionalText() {
        TrainingTexts chosen = choose(List.of(clip("a", 9.1, "the one sure clip", null), clip("b", 20, null, "heard but unsure"),
                clip("c", 30, null, "heard too"), clip("d", 3, null, " ")), true);
        assertEquals(List.of("the one sure clip", "heard but unsure", "heard too"), texts(chosen), "confirmed first, blank text never");
        assertTrue(chosen.usesProvisional());
        assertEquals(2, chosen.provisionalClips());
        assertEquals(9.1, chosen.confirmedSeconds(), 1e-9);
        assertEquals(50.0, chosen.provisionalSeconds(), 1e-9);
    }

    @Test
    void anUntranscribedUploadTrainsOnWhatWasRecognisedUnlessTurnedOff() {
        List<MelFeatures> clips = List.of(clip("a", 30, null, "heard"), clip("b", 30, null, "heard again"));
        assertEquals(2, choose(clips, true).utterances().size());
        TrainingTexts strict = choose(clips, false);
        assertTrue(strict.utterances().isEmpty(), "turned off: confirmed text only, here none");
        assertFalse(strict.usesProvisional());
    }

    @Test
    void onlyAnEnglishVoiceTrustsTheEnglishRecogniser() {
        assertTrue(TrainingTexts.recognisable(null), "a job from before the language travelled: voices default to en");
        assertTrue(TrainingTexts.recognisable("en"));
        assertTrue(TrainingTexts.recognisable("en-GB"));
        assertFalse(TrainingTexts.recognisable("zh"), "Mandarin heard as English words would teach the voice nonsense");
        assertFalse(TrainingTexts.recognisable("es"));
    }

    @Test
    void clipsAndMelsMustPair() {
        assertThrows(IllegalArgumentException.class, () -> TrainingTexts.choose(List.of(clip("a", 1, "x", null)), List.of(),
                c -> null, 10));
    }

    @Test
    void theInputDigestChangesWithAnyTextMelOrPitchAndOnlyThen() {
        float[][] mel = {{1f, 2f}, {3f, 4f}};
        List<TrainingUtterance> a = List.of(new TrainingUtterance(mel, "hello", new float[]{100f, 0f}));
        String digest = TrainingTexts.digest(a);
        assertEquals(12, digest.length());
        assertEquals(digest, TrainingTexts.digest(List.of(new TrainingUtterance(new float[][]{{1f, 2f}, {3f, 4f}}, "hello",
                new float[]{100f, 0f}))), "the same inputs");
        assertFalse(digest.equals(TrainingTexts.digest(List.of(new TrainingUtterance(new float[][]{{1f, 2f}, {3f, 4.0001f}},
                "hello", new float[]{100f, 0f})))), "one mel value");
        assertFalse(digest.equals(TrainingTexts.digest(List.of(new TrainingUtterance(mel, "hello", null)))), "no F0 track");
        assertFalse(digest.equals(TrainingTexts.digest(List.of(new TrainingUtterance(mel, "hallo", new float[]{100f, 0f})))), "text");
    }
}
