package dev.voxpipe.corpus;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The recorded human speakers of the real-speech corpus: Debian's Asterisk core prompt sets (true 16 kHz G.722)
 * with their transcripts, and what was looked at and left out.
 */
final class RealSpeakers {
    /** One professional prompt speaker. {@code keyWords}: how this speaker reads the DTMF keys # and *. */
    record AsteriskSpeaker(String id, String language, Locale locale, String espeakVoice, String person,
                           Path soundsDir, String audioPackage, String transcriptPackage, String transcriptName,
                           String copyrightFiles, Map<Character, String> keyWords) {
        /** The gzipped transcript, as the transcript package installs it. */
        Path transcript() {
            return Path.of("/usr/share/doc", transcriptPackage, transcriptName);
        }

        /** The Debian copyright file of the audio package (DEP-5; the stanza {@link #copyrightFiles} is this voice). */
        Path copyrightFile() {
            return Path.of("/usr/share/doc", audioPackage, "copyright");
        }

        /** The gender in the voice's directory name ({@code it_IT_m_Carlo}), or null. */
        String genderLabel() {
            String dirName = soundsDir.getFileName().toString();
            if (dirName.contains("_m_")) return "male";
            if (dirName.contains("_f_")) return "female";
            return null;
        }

        List<String> packages() {
            return List.of(audioPackage, transcriptPackage);
        }
    }

    /** A prompt set that was considered and is not in the corpus, with the reason. */
    record Excluded(String what, String reason) {
    }

    static final Path SOUNDS = Path.of("/usr/share/asterisk/sounds");

    static final List<AsteriskSpeaker> ASTERISK = List.of(
            new AsteriskSpeaker("asterisk_fr_ca", "fr-CA", Locale.CANADA_FRENCH, "fr", "June Wallack",
                    SOUNDS.resolve("fr_CA_f_June"), "asterisk-core-sounds-fr-g722", "asterisk-core-sounds-fr",
                    "core-sounds-fr.txt.gz", "fr-*", Map.of('#', "dièse", '*', "étoile")),
            new AsteriskSpeaker("asterisk_it_it", "it-IT", Locale.ITALY, "it", "Carlo Flora",
                    SOUNDS.resolve("it_IT_m_Carlo"), "asterisk-core-sounds-it-g722", "asterisk-core-sounds-it",
                    "core-sounds-it.txt.gz", "it-*", Map.of('#', "cancelletto", '*', "asterisco")),
            new AsteriskSpeaker("asterisk_ru_ru", "ru-RU", Locale.of("ru", "RU"), "ru", "ivrvoice.ru (provided by Maxim Topal)",
                    SOUNDS.resolve("ru_RU_f_IvrvoiceRU"), "asterisk-core-sounds-ru-g722", "asterisk-core-sounds-ru",
                    "core-sounds-ru.txt.gz", "ru-*", Map.of('#', "решётка", '*', "звёздочка")));

    static final List<Excluded> EXCLUDED = List.of(
            new Excluded("asterisk-core-sounds-es-g722 (es_MX_f_Allison)",
                    "recorded by Allison Smith, the clone target: she stays out of the pretraining corpus in every language"),
            new Excluded("asterisk-prompt-es-co 0.20070403-2.1 (July E. Jiménez, GPL-2)",
                    "no transcripts in the package (8 kHz GSM prompts only)"),
            new Excluded("asterisk-prompt-fr-armelle 20070613-2.2 (Armelle Desjardins)",
                    "no transcripts in the package (8 kHz GSM prompts only)"),
            new Excluded("asterisk-prompt-it-menardi-wav 1:1.4.22+mm20110907-3.1 (Marco Menardi, Paola Dal Zot)",
                    "no transcripts in the package (8 kHz WAV prompts only)"));

    private RealSpeakers() {
    }

    /** The installed version of a Debian package, or "not installed". */
    static String packageVersion(String pkg) {
        try {
            String v = Processes.run(List.of("dpkg-query", "-W", "-f=${Version}", pkg), null, 30).strip();
            return v.isEmpty() ? "not installed" : v;
        } catch (IOException e) {
            return "not installed";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "not installed";
        }
    }

    /**
     * The {@code Copyright} and {@code License} fields of the DEP-5 stanza whose {@code Files} field is
     * {@code files}, as "Copyright: ...; License: ..."; null when there is no such stanza.
     */
    static String copyrightStanza(Path copyrightFile, String files) throws IOException {
        if (!Files.isRegularFile(copyrightFile)) return null;
        String copyright = null;
        String license = null;
        boolean inStanza = false;
        for (String line : Files.readAllLines(copyrightFile)) {
            if (line.isBlank()) {
                if (inStanza) break;
                continue;
            }
            if (line.startsWith("Files:")) inStanza = line.substring(6).strip().equals(files);
            else if (inStanza && line.startsWith("Copyright:")) copyright = line.substring(10).strip();
            else if (inStanza && line.startsWith("License:")) license = line.substring(8).strip();
        }
        if (copyright == null && license == null) return null;
        List<String> parts = new ArrayList<>();
        if (copyright != null) parts.add("Copyright: " + copyright);
        if (license != null) parts.add("License: " + license);
        return String.join("; ", parts);
    }

    /** The licence short name from {@link #copyrightStanza}'s answer ("CC-BY-SA-3.0"), or "unknown". */
    static String licence(String stanza) {
        if (stanza == null) return "unknown";
        int at = stanza.indexOf("License: ");
        return at < 0 ? "unknown" : stanza.substring(at + 9).strip();
    }
}
