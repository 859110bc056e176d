package dev.voxpipe.feature.label;

import dev.voxpipe.corpus.RealSpeakerLoader;
import dev.voxpipe.dsp.PcmAudio;
import dev.voxpipe.feature.dsp.PreparedClip;
import dev.voxpipe.feature.dsp.PreparedUpload;
import dev.voxpipe.feature.dsp.PreprocessSettings;
import dev.voxpipe.feature.dsp.UploadPreprocessor;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.parallel.Execution;
import org.junit.jupiter.api.parallel.ExecutionMode;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * A one-minute long upload of the real speaker's held-out prompts with one transcript (punctuation removed, so the
 * punctuation split cannot place it and forced alignment must), the same recording without a transcript, and bad
 * transcripts. Needs Debian's Asterisk sounds (asterisk-core-sounds-en-g722), ffmpeg and pocketsphinx: without
 * them it is reported as skipped. The 8-minute measurement is bench/label. Its tests run two at a time (they share
 * only the upload, read-only; each recogniser and aligner run works in a temporary directory of its own): the class
 * was a quarter of the fast suite's time, and runs under failsafe since: it drives pocketsphinx on a minute of audio.
 */
@Execution(ExecutionMode.CONCURRENT)
class LongUploadLabellingIT {
    private static LongUpload upload;
    private static String plainTranscript;
    private static final UploadPreprocessor PREPROCESSOR = new UploadPreprocessor(PreprocessSettings.defaults(), LabelSettings.defaults());

    @BeforeAll
    static void build() throws Exception {
        assumeTrue(RealSpeakerLoader.soundsInstalled(), "the real speaker's sounds are not installed: apt-get install asterisk-core-sounds-en-g722");
        assumeTrue(LabelSettings.defaults().recogniser().unavailableReason() == null,
                "pocketsphinx is not installed: apt-get install pocketsphinx pocketsphinx-en-us");
        upload = LongUpload.build(60, 20L);
        // as many people type it: no punctuation, so only alignment can place it
        plainTranscript = upload.transcript().replaceAll("[.,;:!?]", "").toLowerCase(Locale.ROOT);
    }

    @Test
    void aLongUploadsTranscriptIsAlignedToItsClipsWordForWord() {
        PreparedUpload prepared = PREPROCESSOR.prepare(upload.audio(), plainTranscript);
        LongUpload.Score score = upload.score(prepared.clips(), true);
        System.out.println("one-minute alignment: " + score);
        assertTrue(score.textCoverage() >= 0.9, "speech in clips with text: " + score);
        assertTrue(score.wer() <= 0.05, "word error of clip texts: " + score);
        assertTrue(score.refWords() >= 80, score.toString());
        // words the writer followed by punctuation (the typed transcript lost it): where a reader pauses
        java.util.Set<String> punctuated = new java.util.HashSet<>();
        for (String token : upload.transcript().split("\\s+")) {
            if (token.matches(".*[.,;:!?]$")) punctuated.add(token.replaceAll("[.,;:!?]", "").toLowerCase(Locale.ROOT));
        }
        int marks = 0;
        for (PreparedClip c : prepared.clips()) {
            if (c.transcript() == null) continue;
            assertEquals(LabelSource.ALIGNED, c.label().source());
            assertTrue(c.seconds() <= 15.0 + 1e-9);
            // the transcript's own words, and a comma where the speaker paused (pauseMarkSeconds)
            assertTrue(plainTranscript.contains(c.transcript().replace(",", "")),
                    "each clip's text is a span of the transcript: " + c.transcript());
            String[] parts = c.transcript().split(",");
            for (int k = 0; k + 1 < parts.length; k++) {
                String[] before = parts[k].strip().split(" ");
                assertTrue(punctuated.contains(before[before.length - 1]),
                        "a pause mark where the written text had punctuation: " + c.transcript());
                marks++;
            }
            assertFalse(c.needsAlignment());
        }
        System.out.println("pause marks added: " + marks);
        assertTrue(marks >= 2, "the pauses between prompts inside a clip are marked: " + marks);
        assertNull(prepared.labelNote());
    }

    @Test
    void anUntranscribedUploadGetsProvisionalEnglishTextWithConfidence() {
        // the first 25 s are enough to show it (recognition runs about 3x faster than real time on one core)
        float[] x = upload.audio().samples();
        PcmAudio head = new PcmAudio(Arrays.copyOf(x, 25 * LongUpload.RATE), LongUpload.RATE);
        PreparedUpload prepared = PREPROCESSOR.prepare(head, null);
        List<PreparedClip> accepted = prepared.clips().stream().filter(PreparedClip::accepted).toList();
        assertFalse(accepted.isEmpty());
        for (PreparedClip c : accepted) {
            assertEquals(LabelSource.RECOGNISED, c.label().source(), String.valueOf(c.label()));
            assertNotNull(c.transcript());
            double confidence = c.label().confidence();
            assertTrue(confidence > 0 && confidence <= 1, "confidence " + confidence);
            assertEquals(confidence >= LabelSettings.defaults().recognitionThreshold(), c.label().trainable());
            if (!c.label().trainable()) assertTrue(c.label().note().contains("confirms or fixes"), c.label().note());
        }
    }

    @Test
    void aTranscriptOfAnotherRecordingIsRefusedWithTheReason() throws Exception {
        String other = LongUpload.build(60, 20L, 40).transcript();
        PreparedUpload prepared = PREPROCESSOR.prepare(upload.audio(), other.replaceAll("[.,;:!?]", ""));
        System.out.println("another recording's transcript: " + prepared.labelNote());
        assertTrue(prepared.clips().stream().allMatch(c -> c.transcript() == null), "no clip keeps text");
        assertNotNull(prepared.labelNote());
        assertTrue(prepared.labelNote().startsWith("the transcript does not match the audio"), prepared.labelNote());
        assertTrue(prepared.clips().stream().allMatch(c -> c.needsAlignment() && c.label().note() != null));
        assertTrue(prepared.acceptedCount() > 0, "the audio itself is still usable (speaker embedding)");
    }

    @Test
    void aTranscriptInAnotherLanguageIsRefusedWithTheReason() {
        String french = "Bonjour et bienvenue. Veuillez entrer votre numéro de conférence, suivi de la touche dièse."
                + " Vous êtes maintenant le seul participant. Merci de patienter pendant que nous essayons ce poste."
                + " Appuyez sur étoile pour revenir au menu principal.";
        PreparedUpload prepared = PREPROCESSOR.prepare(upload.audio(), french);
        assertTrue(prepared.labelNote().startsWith("the transcript does not look like English"), prepared.labelNote());
        assertTrue(prepared.clips().stream().allMatch(c -> c.transcript() == null));
    }

    @Test
    void anEnglishTranscriptOfTheSameSpeakerReadingSpanishIsRefusedWithTheReason() throws Exception {
        // Allison recorded the same prompts in Spanish (asterisk-core-sounds-es-g722): the English text is a translation
        Path spanish = Path.of("/usr/share/asterisk/sounds/es_MX_f_Allison");
        assumeTrue(java.nio.file.Files.isDirectory(spanish), "the Spanish prompts are not installed: apt-get install asterisk-core-sounds-es-g722");
        java.util.List<float[]> parts = new java.util.ArrayList<>();
        StringBuilder english = new StringBuilder();
        for (LongUpload.Prompt p : upload.prompts()) {
            Path file = spanish.resolve(p.name() + ".g722");
            if (!java.nio.file.Files.isRegularFile(file)) continue;
            parts.add(g722(file));
            parts.add(new float[LongUpload.RATE * 6 / 10]);
            english.append(p.text()).append(' ');
        }
        assumeTrue(parts.size() >= 10, "too few of the prompts were recorded in Spanish");
        float[] joined = new float[parts.stream().mapToInt(a -> a.length).sum()];
        int at = 0;
        for (float[] a : parts) {
            System.arraycopy(a, 0, joined, at, a.length);
            at += a.length;
        }
        PreparedUpload prepared = PREPROCESSOR.prepare(new PcmAudio(joined, LongUpload.RATE), english.toString().replaceAll("[.,;:!?]", ""));
        System.out.println("English transcript of Spanish speech: " + prepared.labelNote());
        assertNotNull(prepared.labelNote());
        assertTrue(prepared.labelNote().startsWith("the transcript does not match the audio")
                && prepared.labelNote().contains("not English"), prepared.labelNote());
        assertTrue(prepared.clips().stream().allMatch(c -> c.transcript() == null));
    }

    private static float[] g722(Path file) throws Exception {
        Process p = new ProcessBuilder("ffmpeg", "-nostdin", "-loglevel", "error", "-f", "g722", "-i", file.toString(),
                "-ar", "16000", "-ac", "1", "-f", "wav", "-").redirectError(ProcessBuilder.Redirect.DISCARD).start();
        byte[] wav;
        try (var in = p.getInputStream()) {
            wav = in.readAllBytes();
        }
        assertEquals(0, p.waitFor());
        return dev.voxpipe.dsp.WavIo.read(wav).resampled(LongUpload.RATE).samples();
    }

    @Test
    void textBeyondTheEndOfTheRecordingIsNamedAndTheRestStillAligned() throws Exception {
        String extra = LongUpload.build(20, 20L, 40).transcript().replaceAll("[.,;:!?]", "").toLowerCase(Locale.ROOT);
        PreparedUpload prepared = PREPROCESSOR.prepare(upload.audio(), plainTranscript + " " + extra);
        System.out.println("text beyond the recording: " + prepared.labelNote());
        assertNotNull(prepared.labelNote());
        assertTrue(prepared.labelNote().contains("at the end of the transcript were not heard"), prepared.labelNote());
        LongUpload.Score score = upload.score(prepared.clips(), true);
        assertTrue(score.textCoverage() >= 0.8 && score.wer() <= 0.1, "the recorded part is still aligned: " + score);
    }

    @Test
    void aTranscriptFarLongerThanTheAudioIsRefusedWithTheReason() {
        String longer = String.join(" ", java.util.Collections.nCopies(5, plainTranscript));
        PreparedUpload prepared = PREPROCESSOR.prepare(upload.audio(), longer);
        assertTrue(prepared.labelNote().startsWith("the transcript is far longer than the audio"), prepared.labelNote());
        assertTrue(prepared.clips().stream().allMatch(c -> c.transcript() == null));
    }

    @Test
    void withoutTheRecogniserTheUploadIsProcessedAndSaysWhyItHasNoText() {
        LabelSettings missing = new LabelSettings(true, true, "/nonexistent/pocketsphinx_batch", Path.of("/nonexistent"), 0.7, 0.4, 6, 0.6, 0.85, 0.3);
        PreparedUpload prepared = new UploadPreprocessor(PreprocessSettings.defaults(), missing).prepare(upload.audio(), plainTranscript);
        assertTrue(prepared.acceptedCount() > 0);
        assertTrue(prepared.labelNote().contains("not installed"), prepared.labelNote());
        assertTrue(prepared.clips().stream().allMatch(c -> c.transcript() == null && c.needsAlignment()));
    }
}
