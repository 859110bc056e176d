package dev.voxpipe.feature.label;

import java.nio.file.Path;

/**
 * How uploads get text ({@code voxpipe.feature.label.*}).
 *
 * @param alignmentEnabled         align a long upload's transcript when the punctuation split cannot place it
 * @param recognitionEnabled       recognise untranscribed uploads (English only)
 * @param program                  pocketsphinx_batch (a name on PATH or a path)
 * @param modelDir                 pocketsphinx's en-us model directory
 * @param minClipAlignment         an aligned clip below this share of its words heard as written is held back
 * @param minTranscriptMatch       below this share of the transcript heard, the transcript is not the audio's
 * @param maxWordsPerSecond        more words than this per second of speech: the text is far longer than the audio
 * @param minEnglishWords          below this share of dictionary words, the transcript is not English
 * @param recognitionThreshold     recognised text at or above this confidence is used for training until edited
 * @param pauseMarkSeconds         an aligned clip's text gets a comma where the speaker pauses at least this long
 *                                 between two words and the transcript has no punctuation there (0: never)
 */
public record LabelSettings(boolean alignmentEnabled, boolean recognitionEnabled, String program, Path modelDir,
                            double minClipAlignment, double minTranscriptMatch, double maxWordsPerSecond,
                            double minEnglishWords, double recognitionThreshold, double pauseMarkSeconds) {
    public static final Path DEFAULT_MODEL_DIR = Path.of("/usr/share/pocketsphinx/model/en-us");

    public static LabelSettings defaults() {
        return new LabelSettings(true, true, "pocketsphinx_batch", DEFAULT_MODEL_DIR, 0.7, 0.4, 6.0, 0.6, 0.85, 0.3);
    }

    /** No alignment, no recognition: clips get the punctuation split of a transcript, or no text (DSP-only tests, benches). */
    public static LabelSettings off() {
        LabelSettings d = defaults();
        return new LabelSettings(false, false, d.program(), d.modelDir(), d.minClipAlignment(), d.minTranscriptMatch(),
                d.maxWordsPerSecond(), d.minEnglishWords(), d.recognitionThreshold(), d.pauseMarkSeconds());
    }

    public Pocketsphinx recogniser() {
        return new Pocketsphinx(program, modelDir);
    }
}
