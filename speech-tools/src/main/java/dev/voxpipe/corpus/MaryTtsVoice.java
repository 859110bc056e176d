package dev.voxpipe.corpus;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Properties;

import javax.sound.sampled.AudioFileFormat;
import javax.sound.sampled.AudioInputStream;
import javax.sound.sampled.AudioSystem;
import javax.xml.parsers.DocumentBuilderFactory;

import org.w3c.dom.Document;

import dev.voxpipe.text.TextFrontend;
import dev.voxpipe.text.Token;

/**
 * MaryTTS 5.2.1 HMM voice {@code cmu-slt-hsmm}, in process.
 *
 * <p>MaryTTS's tokenisers ({@code marytts.modules.JTokeniser}, {@code marytts.language.en.JTokeniser}) need
 * jtok-core, which is not on Maven Central. Before MaryTTS starts we delete them from the
 * {@code modules.classes.list} of every loaded config ({@code MaryConfig.getConfigs()} hands out the live
 * {@link Properties}), and feed MaryXML at the {@code TOKENS} stage built from our own text frontend instead.
 */
public final class MaryTtsVoice implements TtsVoice {
    private static Object mary; // marytts.LocalMaryInterface, created once (MaryTTS is a process-wide singleton)

    @Override
    public String id() {
        return "marytts_slt_hsmm";
    }

    @Override
    public String human() {
        return "slt";
    }

    @Override
    public String gender() {
        return "female";
    }

    @Override
    public String engine() {
        return "marytts";
    }

    @Override
    public List<String> aptPackages() {
        return List.of();
    }

    /** Removes the JTok tokeniser modules from MaryTTS's module lists; returns how many lists were patched. */
    static int removeJtokModules() {
        int patched = 0;
        for (marytts.config.MaryConfig config : marytts.config.MaryConfig.getConfigs()) {
            Properties p = config.getProperties();
            String list = p.getProperty("modules.classes.list");
            if (list != null && list.contains("JTokeniser")) {
                p.setProperty("modules.classes.list", list.replaceAll("\\S*JTokeniser\\S*", " "));
                patched++;
            }
        }
        return patched;
    }

    private static synchronized marytts.LocalMaryInterface mary(Path workDir) throws IOException {
        if (mary == null) {
            removeJtokModules();
            if (System.getProperty("mary.base") == null) System.setProperty("mary.base", workDir.toAbsolutePath().toString());
            try {
                marytts.LocalMaryInterface m = new marytts.LocalMaryInterface();
                m.setVoice("cmu-slt-hsmm");
                m.setInputType("TOKENS");
                mary = m;
            } catch (Exception e) {
                throw new IOException("MaryTTS start failed", e);
            }
        }
        return (marytts.LocalMaryInterface) mary;
    }

    /** MaryXML at the TOKENS stage: one {@code <t>} per normalised word or punctuation mark. */
    static String tokensXml(String text) {
        StringBuilder sb = new StringBuilder("<?xml version=\"1.0\" encoding=\"UTF-8\"?><maryxml version=\"0.5\" "
                + "xmlns=\"http://mary.dfki.de/2002/MaryXML\" xml:lang=\"en-US\"><p><s>");
        for (Token t : TextFrontend.english().tokens(text)) {
            sb.append("<t>").append(t.text().replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")).append("</t>");
        }
        return sb.append("</s></p></maryxml>").toString();
    }

    @Override
    public void synthesize(List<String> texts, List<Path> wavs, Path workDir) throws IOException {
        marytts.LocalMaryInterface m = mary(workDir);
        DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
        f.setNamespaceAware(true);
        for (int k = 0; k < texts.size(); k++) {
            try {
                Document doc = f.newDocumentBuilder().parse(new ByteArrayInputStream(tokensXml(texts.get(k)).getBytes(StandardCharsets.UTF_8)));
                AudioInputStream audio;
                synchronized (MaryTtsVoice.class) {
                    audio = m.generateAudio(doc);
                }
                AudioSystem.write(audio, AudioFileFormat.Type.WAVE, wavs.get(k).toFile());
            } catch (Exception e) {
                throw new IOException("MaryTTS failed on: " + texts.get(k), e);
            }
        }
    }
}
