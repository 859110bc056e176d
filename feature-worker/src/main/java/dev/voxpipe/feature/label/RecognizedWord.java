package dev.voxpipe.feature.label;

/** One word pocketsphinx heard in a clip: seconds from the clip's start, and its posterior probability (0-1). */
public record RecognizedWord(String word, double start, double end, double confidence) {
}
