package dev.voxpipe.corpus;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Transcript to prompts and the DEP-5 copyright lookup on a made-up sounds directory. */
class RealCorpusBuilderTest {
    @Test
    void promptsKeepSpeechWithAudioInTranscriptOrder(@TempDir Path dir) throws Exception {
        Path sounds = dir.resolve("fr_CA_f_Test");
        Files.createDirectories(sounds.resolve("digits"));
        for (String f : List.of("agent-pass", "beeperr", "digits/1", "confbridge-has-joined", "vm-options")) {
            Files.write(sounds.resolve(f + ".g722"), new byte[800]);
        }
        RealSpeakers.AsteriskSpeaker sp = new RealSpeakers.AsteriskSpeaker("t", "fr-CA", Locale.CANADA_FRENCH, "fr", "Test",
                sounds, "a", "b", "t.txt.gz", "fr-*", Map.of('#', "dièse", '*', "étoile"));
        List<String> transcript = List.of("; Core Asterisk Sounds in French", "",
                "agent-pass: Veuillez entrer votre mot de passe suivi du #.", "beeperr: (ahooga)",
                "digits/1: Un", "silence/1: (1 seconde de silence)", "missing: Il manque.",
                "confbridge-has-joined: ... a joint la conférence.", "agent-pass: Doublon.",
                "vm-options: Appuyez sur « 1 » pour ÉCOUTER.");
        Map<String, Integer> skipped = new LinkedHashMap<>();
        List<RealCorpusBuilder.Prompt> prompts = RealCorpusBuilder.asteriskPrompts(sp, transcript, skipped);
        assertEquals(List.of("agent-pass", "digits_1", "confbridge-has-joined", "vm-options"),
                prompts.stream().map(RealCorpusBuilder.Prompt::id).toList());
        assertEquals(List.of("veuillez entrer votre mot de passe suivi du dièse.", "un", "a joint la conférence.",
                        "appuyez sur 1 pour écouter."),
                prompts.stream().map(RealCorpusBuilder.Prompt::text).toList());
        assertEquals(Map.of("not speech", 1, "silence", 1, "no audio file", 1, "duplicate name", 1), skipped);
    }

    @Test
    void normalisationIsMinimal() {
        assertEquals("l'appel est terminé. au revoir!", RealCorpusBuilder.normaliseText("L’appel  est TERMINÉ. Au revoir!", Locale.FRENCH));
        assertEquals("нажмите 4, чтобы", RealCorpusBuilder.normaliseText("Нажмите 4, чтобы", Locale.of("ru")));
        assertNull(RealCorpusBuilder.normaliseText(null, Locale.ITALIAN));
    }

    @Test
    void copyrightStanzaOfOneVoice(@TempDir Path dir) throws Exception {
        Path copyright = dir.resolve("copyright");
        Files.writeString(copyright, """
                Format: http://www.debian.org/doc/packaging-manuals/copyright-format/1.0/

                Files: *
                Copyright: 2003-2010, Allison Smith
                License: CC-BY-SA-3.0

                Files: ru-*
                Copyright: 2010, Maxim
                Comment: CREDITS file:
                 Provided by: Maxim Topal
                License: CC-BY-3.0
                """, StandardCharsets.UTF_8);
        String ru = RealSpeakers.copyrightStanza(copyright, "ru-*");
        assertEquals("Copyright: 2010, Maxim; License: CC-BY-3.0", ru);
        assertEquals("CC-BY-3.0", RealSpeakers.licence(ru));
        assertEquals("CC-BY-SA-3.0", RealSpeakers.licence(RealSpeakers.copyrightStanza(copyright, "*")));
        assertNull(RealSpeakers.copyrightStanza(copyright, "it-*"));
        assertEquals("unknown", RealSpeakers.licence(null));
    }

    @Test
    void espeakOutputCleaning() {
        assertEquals("wˈo2 mə4n kwelloperatˈore", EspeakPhonemes.clean("wˈo2 mə4n\n(\u200De\u200Dn)kwelloperatˈore(\u200Di\u200Dt)\n\n"));
        assertEquals("puʁ ekutˈe apyijˈe", EspeakPhonemes.clean("puʁ ekutˈe\n  apyijˈe  \n"));
    }
}
