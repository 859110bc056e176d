package dev.voxpipe.text;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class SentencesAndChunksTest {
    private final TextFrontend fe = TextFrontend.english();

    private List<String> texts(String s) {
        return fe.sentences(s).stream().map(Utterance::text).toList();
    }

    @Test
    void neverSplitsInsideNumbersOrAfterTitlesAndInitials() {
        assertEquals(List.of("Dr. Smith measured 3.14 metres.", "Then he left!", "Did he?"),
                texts("Dr. Smith measured 3.14 metres. Then he left! Did he?"));
        assertEquals(List.of("J. R. R. Tolkien met Mr. Lewis at St. Giles, e.g. on Monday.", "It rained."),
                texts("J. R. R. Tolkien met Mr. Lewis at St. Giles, e.g. on Monday. It rained."));
        assertEquals(List.of("\"Stop!\" she said.", "He stopped."), texts("\"Stop!\" she said. He stopped."));
        assertEquals(List.of("Visit example.com today.", "Wait... no."), texts("Visit example.com today. Wait... no."));
    }

    @Test
    void splitsMandarinOnFullWidthPunctuation() {
        assertEquals(List.of("你好。", "今天下雨吗？", "是的！"), TextFrontend.mandarin().sentences("你好。今天下雨吗？是的！")
                .stream().map(Utterance::text).toList());
    }

    @Test
    void paragraphsAndChapters() {
        String book = """
                Chapter 1

                It began. It went on
                over two lines.

                A new paragraph.
                CHAPTER III: The Storm
                Rain fell.
                """;
        List<Utterance> u = fe.sentences(book);
        assertEquals("Chapter 1", u.get(0).chapterTitle());
        assertEquals("It went on over two lines.", u.get(2).text());
        assertEquals(u.get(1).paragraphIndex(), u.get(2).paragraphIndex());
        assertTrue(u.get(1).paragraphStart());
        assertFalse(u.get(2).paragraphStart());
        assertTrue(u.get(3).paragraphIndex() > u.get(2).paragraphIndex());
        assertEquals("CHAPTER III: The Storm", u.get(4).chapterTitle());
        assertEquals("CHAPTER three: The Storm", u.get(4).normalized());
        assertEquals(1, u.get(5).chapterIndex());
        assertEquals(0, u.get(3).chapterIndex());
        assertNull(u.get(5).chapterTitle());
        // "Part of the problem" is a sentence, not a heading
        assertNull(fe.sentences("Part of the problem.").get(0).chapterTitle());
    }

    @Test
    void chunksAreOrderedBoundedAndKeepStructure() {
        String para = "This is a fairly long sentence, with a clause or two, that must be cut somewhere sensible. ";
        String text = "Prologue\n\n" + para.repeat(3) + "\n\n" + "Short one. Another short one.\n\nChapter 2: Onward\n\n"
                + para;
        List<TextChunk> chunks = fe.chunks(text, 60);
        for (int k = 0; k < chunks.size(); k++) {
            TextChunk c = chunks.get(k);
            assertEquals(k, c.index());
            assertTrue(c.text().length() <= 60, c.text());
            assertFalse(c.text().isBlank());
        }
        assertEquals("Prologue", chunks.get(0).chapterTitle());
        assertEquals(1200, chunks.get(0).pauseAfterMs());
        TextChunk shortOnes = chunks.stream().filter(c -> c.text().startsWith("Short")).findFirst().orElseThrow();
        assertEquals("Short one. Another short one.", shortOnes.text(), "sentences of a paragraph are packed");
        assertTrue(shortOnes.paragraphStart());
        assertEquals(1200, shortOnes.pauseAfterMs(), "end of chapter");
        TextChunk chapter2 = chunks.stream().filter(c -> c.chapterTitle() != null && c.chapterIndex() == 1)
                .findFirst().orElseThrow();
        assertEquals("Chapter 2: Onward", chapter2.chapterTitle());
        // The words survive chunking in order
        String joined = String.join(" ", chunks.stream().map(TextChunk::text).toList());
        assertTrue(joined.contains("that must be cut somewhere sensible. This is a fairly long sentence,"), joined);
        for (int k = 1; k < chunks.size(); k++) {
            assertTrue(chunks.get(k).paragraphIndex() >= chunks.get(k - 1).paragraphIndex());
        }
    }

    @Test
    void hugeWordIsHardCut() {
        List<TextChunk> chunks = fe.chunks("a".repeat(500), 40);
        assertTrue(chunks.size() >= 13);
        chunks.forEach(c -> assertTrue(c.text().length() <= 40));
        assertEquals(500, chunks.stream().mapToInt(c -> c.text().replace(" ", "").length()).sum(), "no letter lost or added");
    }

    @Test
    void tooSmallChunkSizeIsAClearError() {
        assertThrows(TextFrontendException.class, () -> fe.chunks("Hello.", 3));
    }
}
