package dev.voxpipe.feature.label;

/**
 * A clip's text and how far to trust it.
 *
 * @param text       the text, or null when the clip has none
 * @param source     where it came from, or null when there is no text
 * @param confidence 0-1 (1 for given text), or null when there is no text
 * @param note       why the text is missing or held back from training, in words; null when all is well
 * @param trainable  training may use the text as it is
 */
public record ClipLabel(String text, LabelSource source, Double confidence, String note, boolean trainable) {
    public static ClipLabel none(String note) {
        return new ClipLabel(null, null, null, note, false);
    }
}
