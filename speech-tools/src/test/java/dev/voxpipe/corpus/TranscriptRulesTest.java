package dev.voxpipe.corpus;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;

import org.junit.jupiter.api.Test;

/** The language-independent transcript rules on small made-up lines (no Debian files needed). */
class TranscriptRulesTest {
    private static final Map<Character, String> FRENCH_KEYS = Map.of('#', "dièse", '*', "étoile");

    @Test
    void parsesNameAndTextSkippingCommentsAndByteOrderMark() {
        assertNull(TranscriptRules.parse("; Core Asterisk Sounds in Italian"));
        assertNull(TranscriptRules.parse("   "));
        assertNull(TranscriptRules.parse("no separator here"));
        assertEquals(new TranscriptRules.Entry("ascending-2tone", "[toni ascendenti]"),
                TranscriptRules.parse("\uFEFFascending-2tone: [toni ascendenti]"));
        assertEquals(new TranscriptRules.Entry("digits/1", "un"), TranscriptRules.parse("digits/1: un"));
        assertEquals(new TranscriptRules.Entry("conf-adminmenu", "Нажмите 1"),
                TranscriptRules.parse("conf-adminmenu: conf-adminmenu: Нажмите 1"), "repeated own name dropped");
        assertTrue(TranscriptRules.isSilence("silence/10"));
        assertFalse(TranscriptRules.isSilence("silenced"));
    }

    @Test
    void tonesAnnotationsAndSilenceAreNotSpeech() {
        assertNull(TranscriptRules.spokenForm("[tono simple]", FRENCH_KEYS));
        assertNull(TranscriptRules.spokenForm("(ahooga)", FRENCH_KEYS));
        assertNull(TranscriptRules.spokenForm("<beep ascending>", FRENCH_KEYS));
        assertNull(TranscriptRules.spokenForm("(10 secondi di silenzio)", FRENCH_KEYS));
        assertNull(TranscriptRules.spokenForm("...", FRENCH_KEYS));
        assertEquals("Pour", TranscriptRules.spokenForm("Pour (emphase)", FRENCH_KEYS));
        assertEquals("Voce disattivata.", TranscriptRules.spokenForm("Voce disattivata. (You are now muted.)", FRENCH_KEYS));
        assertEquals("at", TranscriptRules.spokenForm("at [@]", FRENCH_KEYS));
    }

    @Test
    void fragmentsQuotesKeysAndPastedEntries() {
        assertTrue(TranscriptRules.isFragment("... a joint la conférence."));
        assertTrue(TranscriptRules.isFragment("Il y a présentement …"));
        assertFalse(TranscriptRules.isFragment("Au revoir."));
        assertEquals("a joint la conférence.", TranscriptRules.spokenForm("... a joint la conférence.", FRENCH_KEYS));
        assertEquals("pour diminuer le volume de votre voix.",
                TranscriptRules.spokenForm("... pour diminuer le volume de votre voix.\"", FRENCH_KEYS));
        assertEquals("Pour quitter, appuyez sur 8.", TranscriptRules.spokenForm("“Pour quitter, appuyez sur 8.”", FRENCH_KEYS));
        assertEquals("appuyez sur étoile pour revenir et sur dièse pour avancer",
                TranscriptRules.spokenForm("appuyez sur * pour revenir et sur # pour avancer", FRENCH_KEYS));
        assertEquals("per disattivare la propria voce. Però senti ancora gli altri.",
                TranscriptRules.spokenForm("...per disattivare la propria voce. Però senti ancora gli altri. "
                        + "confbridge-mute-in: Per disattivare... confbridge-mute-out: ...per disattivare.", FRENCH_KEYS),
                "another entry pasted into the text is cut off");
        assertEquals("Vous avez ces options:Pour accepter", TranscriptRules.spokenForm("Vous avez ces options:Pour accepter", FRENCH_KEYS),
                "an ordinary colon is not an entry name");
    }

    @Test
    void englishLoaderKeepsItsOwnRulesOnTopOfTheSharedOnes() {
        assertEquals("IAX", RealSpeakerLoader.spokenForm("spy-iax2", "IAX (note: does not say \"2\")"));
        assertEquals("press the pound key.", RealSpeakerLoader.spokenForm("vm-x", "press the pound key. (simple tone sound plays)"));
        assertEquals("B", RealSpeakerLoader.spokenForm("letters/b", "b"));
    }
}
