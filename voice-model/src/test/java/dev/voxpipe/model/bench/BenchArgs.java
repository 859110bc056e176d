package dev.voxpipe.model.bench;

import java.util.HashMap;
import java.util.Map;

/** The bench mains' {@code --key value} arguments, read in pairs. */
final class BenchArgs {
    private BenchArgs() {
    }

    static Map<String, String> parse(String[] args) {
        Map<String, String> a = new HashMap<>();
        for (int i = 0; i + 1 < args.length; i += 2) {
            a.put(args[i].replaceFirst("^--", ""), args[i + 1]);
        }
        return a;
    }
}
