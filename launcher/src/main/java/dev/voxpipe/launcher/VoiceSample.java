package dev.voxpipe.launcher;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** The bundled 60-second real-speech sample (see voice-sample/NOTICE.md): prompts with transcripts. */
public final class VoiceSample {

    public record Prompt(String name, String transcript, byte[] wav) {
        public double seconds() {
            return (wav.length - 44) / 32000.0; // 16 kHz, 16-bit mono
        }
    }

    private VoiceSample() {}

    public static List<Prompt> bundled() throws IOException {
        List<Prompt> prompts = new ArrayList<>();
        try (InputStream index = resource("transcripts.tsv");
             BufferedReader lines = new BufferedReader(new InputStreamReader(index, StandardCharsets.UTF_8))) {
            for (String line; (line = lines.readLine()) != null; ) {
                if (line.isBlank()) continue;
                String[] parts = line.split("\t", 2);
                try (InputStream wav = resource(parts[0] + ".wav")) {
                    prompts.add(new Prompt(parts[0], parts[1], wav.readAllBytes()));
                }
            }
        }
        return prompts;
    }

    private static InputStream resource(String name) throws IOException {
        InputStream in = VoiceSample.class.getResourceAsStream("/voice-sample/" + name);
        if (in == null) throw new IOException("the bundled voice sample lacks " + name);
        return in;
    }
}
