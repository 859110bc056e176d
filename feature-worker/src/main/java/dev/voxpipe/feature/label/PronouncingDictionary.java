package dev.voxpipe.feature.label;

import dev.voxpipe.text.EnglishG2P;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The CMU pronouncing dictionary that ships with pocketsphinx's en-us model (read once per file), and dictionaries
 * for one transcript: its words with their CMU pronunciations, our G2P for the rest (stress removed). Whether a
 * transcript's words are in the dictionary is also the cheap test of "is this text English?".
 */
final class PronouncingDictionary {
    private static final Map<Path, Map<String, List<String>>> LOADED = new ConcurrentHashMap<>();
    private final Map<String, List<String>> entries;
    private final EnglishG2P g2p = new EnglishG2P();

    private PronouncingDictionary(Map<String, List<String>> entries) {
        this.entries = entries;
    }

    static PronouncingDictionary load(Path cmudict) throws IOException {
        Map<String, List<String>> entries = LOADED.get(cmudict);
        if (entries == null) {
            Map<String, List<String>> read = new HashMap<>(200_000);
            for (String line : Files.readAllLines(cmudict, StandardCharsets.UTF_8)) {
                int space = line.indexOf(' ');
                if (space <= 0) continue;
                String base = line.substring(0, space).replaceAll("\\(\\d+\\)$", "");
                read.computeIfAbsent(base, k -> new ArrayList<>(1)).add(line.substring(space + 1).trim());
            }
            entries = read;
            LOADED.put(cmudict, entries);
        }
        return new PronouncingDictionary(entries);
    }

    boolean contains(String word) {
        return entries.containsKey(word);
    }

    /** Dictionary lines for {@code words}: every CMU variant, else one G2P pronunciation; unpronounceable words left out. */
    List<String> linesFor(Collection<String> words) {
        List<String> out = new ArrayList<>();
        for (String w : words) {
            List<String> known = entries.get(w);
            if (known != null) {
                for (int i = 0; i < known.size(); i++) out.add((i == 0 ? w : w + "(" + (i + 1) + ")") + " " + known.get(i));
                continue;
            }
            List<String> phones = g2p.pronounce(w).phonemes().stream().map(p -> p.replaceAll("\\d", "")).toList();
            if (!phones.isEmpty()) out.add(w + " " + String.join(" ", phones));
        }
        return out;
    }
}
