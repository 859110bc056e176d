package dev.voxpipe.text;

/**
 * One sentence of a longer text.
 *
 * @param text            the sentence as written (whitespace collapsed)
 * @param normalized      the sentence as it is spoken: words and punctuation only (numbers, symbols expanded)
 * @param language        "en" or "zh"
 * @param paragraphIndex  0-based paragraph number in the whole text
 * @param paragraphStart  true for the first sentence of a paragraph
 * @param chapterIndex    0-based chapter number (0 before the first heading)
 * @param chapterTitle    set on the heading sentence that opens a chapter (e.g. "Chapter 3: The Storm"), else null
 */
public record Utterance(String text, String normalized, String language, int paragraphIndex,
                        boolean paragraphStart, int chapterIndex, String chapterTitle) {
    public boolean isChapterHeading() {
        return chapterTitle != null;
    }
}
