package dev.voxpipe.feature.label;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * Provisional text for untranscribed uploads: open-vocabulary recognition of each clip with pocketsphinx's US
 * English language model and CMU dictionary. English only: speech in another language comes out as English words
 * with low confidence. A clip's confidence is the mean posterior of its words; at or above the threshold training
 * uses the text until a person confirms or fixes it, below it the text is only a suggestion.
 */
public final class SpeechLabeller {
    private final LabelSettings settings;
    private final Pocketsphinx recogniser;

    public SpeechLabeller(LabelSettings settings) {
        this.settings = settings;
        this.recogniser = settings.recogniser();
    }

    public LabelResult label(List<float[]> clips, int sampleRate) throws LabellingUnavailableException, InterruptedException {
        List<List<RecognizedWord>> heard = recogniser.recognize(clips, sampleRate, recogniser.generalLanguageModel(), recogniser.dictionary());
        List<ClipLabel> labels = new ArrayList<>(clips.size());
        for (List<RecognizedWord> words : heard) labels.add(label(words, settings.recognitionThreshold()));
        return new LabelResult(labels, null);
    }

    static ClipLabel label(List<RecognizedWord> words, double threshold) {
        if (words.isEmpty()) return ClipLabel.none("no words recognised");
        String text = words.stream().map(RecognizedWord::word).collect(Collectors.joining(" "));
        double confidence = Math.round(words.stream().mapToDouble(RecognizedWord::confidence).average().orElse(0) * 1000) / 1000.0;
        if (confidence >= threshold) return new ClipLabel(text, LabelSource.RECOGNISED, confidence, null, true);
        return new ClipLabel(text, LabelSource.RECOGNISED, confidence, String.format(Locale.ROOT,
                "recognised with confidence %.2f, below %.2f: provisional; training uses it once a person confirms or"
                        + " fixes the text, or while the voice has little confirmed text (under 30 s by default)"
                        + " (recognition is English only)", confidence, threshold), false);
    }
}
