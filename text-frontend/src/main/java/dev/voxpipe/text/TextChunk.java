package dev.voxpipe.text;

/**
 * A piece of long text small enough to synthesise in one go (maps onto the Avro {@code SynthesisChunk}: it is not
 * called SynthesisChunk to avoid clashing with {@code dev.voxpipe.schemas.SynthesisChunk}).
 *
 * @param index          0-based order in the text
 * @param text           normalised text to speak (at most maxChars characters); re-normalising it is a no-op
 * @param language       "en" or "zh"
 * @param paragraphIndex paragraph the chunk belongs to (chunks never span paragraphs)
 * @param paragraphStart true if the chunk opens a paragraph
 * @param chapterIndex   chapter the chunk belongs to
 * @param chapterTitle   the chapter heading as written, only on the chunk that opens the chapter, else null
 * @param pauseAfterMs   suggested silence after the chunk: 250 inside a paragraph, 600 after a paragraph, 1200
 *                       after a chapter heading or at the end of a chapter
 */
public record TextChunk(int index, String text, String language, int paragraphIndex, boolean paragraphStart,
                        int chapterIndex, String chapterTitle, int pauseAfterMs) {
}
