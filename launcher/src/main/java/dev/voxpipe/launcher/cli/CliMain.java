package dev.voxpipe.launcher.cli;

import dev.voxpipe.launcher.CliSupport;
import dev.voxpipe.launcher.VoxPipeClient;
import java.io.IOException;
import java.io.PrintStream;
import java.net.ConnectException;
import java.net.http.HttpConnectTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * {@code ./voxpipe clone} and {@code ./voxpipe say}: the command line over a running server's
 * HTTP API ({@code ./voxpipe serve}). The server's URL and key come from {@code --url}/{@code --key}
 * or {@code VOXPIPE_URL}/{@code VOXPIPE_API_KEY}. Progress goes to stderr; the result (the voice id,
 * the written file) to stdout, so {@code VOICE=$(./voxpipe clone ...)} works.
 */
public final class CliMain {

    /** Exit statuses: 2 usage, 3 no server answers, 1 anything else that failed. */
    public static final int USAGE = 2;
    public static final int NO_SERVER = 3;
    public static final int FAILED = 1;

    static final String HELP = """
            usage:
              ./voxpipe clone --name NAME --consent "STATEMENT" [--attested-by WHO] [--language en|zh]
                              [--transcripts FILE.tsv] [--no-train] FILES...
                  creates a voice with its owner's consent, uploads FILES (transcripts from a sidecar
                  FILE.txt next to each, or a TSV of 'file<TAB>transcript'), waits for the features,
                  fine-tunes it and prints the voice id
              ./voxpipe say --voice ID (--text TEXT | --file BOOK.txt) -o OUT [--speed S] [--format F]
                              [--language en|zh|auto] [--sentence-pause MS] [--paragraph-pause MS]
                  synthesises the text in the voice and writes OUT (format from --format or OUT's
                  extension: wav, flac, mp3, ogg_opus, ogg_vorbis)
            common: --url URL (VOXPIPE_URL, default http://127.0.0.1:8080)  --key KEY (VOXPIPE_API_KEY)""";

    private CliMain() {}

    public static void main(String[] args) {
        System.exit(run(args, System.out, System.err, System.getenv()));
    }

    /** Runs one command; returns the exit status. */
    public static int run(String[] args, PrintStream out, PrintStream err, Map<String, String> env) {
        if (args.length == 0 || args[0].equals("-h") || args[0].equals("--help")) {
            err.println(HELP);
            return args.length == 0 ? USAGE : 0;
        }
        String command = args[0];
        Options options;
        try {
            options = Options.parse(List.of(args).subList(1, args.length));
        } catch (IllegalArgumentException e) {
            err.println("voxpipe " + command + ": " + e.getMessage());
            err.println(HELP);
            return USAGE;
        }
        String url = options.single("url", env.getOrDefault("VOXPIPE_URL", "http://127.0.0.1:8080"));
        String key = options.single("key", env.get("VOXPIPE_API_KEY"));
        try {
            if (key == null || key.isBlank()) {
                throw new IllegalArgumentException("an API key is needed: --key or VOXPIPE_API_KEY (./voxpipe serve printed one; --new-key prints another)");
            }
            VoxPipeClient client = new VoxPipeClient(stripSlash(url), key.strip());
            CliSupport cli = new CliSupport(client, err);
            switch (command) {
                case "clone" -> {
                    String voiceId = Clone.run(cli, options);
                    out.println(voiceId);
                }
                case "say" -> {
                    Path file = Say.run(cli, options);
                    out.println(file);
                }
                default -> throw new IllegalArgumentException("unknown command '" + command + "' (clone or say)");
            }
            return 0;
        } catch (IllegalArgumentException e) {
            err.println("voxpipe " + command + ": " + e.getMessage());
            return USAGE;
        } catch (ConnectException | HttpConnectTimeoutException e) {
            err.println();
            err.println("voxpipe " + command + ": no VoxPipe server answers at " + url
                    + " (start one with ./voxpipe serve, or point --url / VOXPIPE_URL at yours)");
            return NO_SERVER;
        } catch (VoxPipeClient.ApiError e) {
            err.println();
            err.println("voxpipe " + command + ": the server refused: " + e.getMessage());
            return e.status() == 401 ? USAGE : FAILED;
        } catch (Exception e) {
            err.println();
            err.println("voxpipe " + command + " failed: " + (e.getMessage() == null ? e.toString() : e.getMessage()));
            return FAILED;
        }
    }

    private static String stripSlash(String url) {
        return url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
    }

    /** {@code --flag value}, {@code --flag=value}, {@code -o value}, bare flags and positional arguments. */
    record Options(Map<String, List<String>> flags, List<String> positional) {
        private static final java.util.Set<String> BARE = java.util.Set.of("no-train");

        static Options parse(List<String> args) {
            Map<String, List<String>> flags = new HashMap<>();
            List<String> positional = new ArrayList<>();
            for (int i = 0; i < args.size(); i++) {
                String a = args.get(i);
                if (a.equals("--")) {
                    positional.addAll(args.subList(i + 1, args.size()));
                    break;
                }
                if (a.startsWith("--") || a.equals("-o")) {
                    String name = a.equals("-o") ? "output" : a.substring(2);
                    String value;
                    int eq = name.indexOf('=');
                    if (eq >= 0) {
                        value = name.substring(eq + 1);
                        name = name.substring(0, eq);
                    } else if (BARE.contains(name)) {
                        value = "true";
                    } else {
                        if (i + 1 >= args.size()) throw new IllegalArgumentException(a + " needs a value");
                        value = args.get(++i);
                    }
                    flags.computeIfAbsent(name, k -> new ArrayList<>()).add(value);
                } else {
                    positional.add(a);
                }
            }
            return new Options(flags, positional);
        }

        String single(String name, String defaultValue) {
            List<String> values = flags.get(name);
            if (values == null || values.isEmpty()) return defaultValue;
            if (values.size() > 1) throw new IllegalArgumentException("--" + name + " given twice");
            return values.get(0);
        }

        String required(String name) {
            String v = single(name, null);
            if (v == null || v.isBlank()) throw new IllegalArgumentException("--" + name + " is required");
            return v;
        }

        Double number(String name) {
            String v = single(name, null);
            if (v == null) return null;
            try {
                return Double.parseDouble(v);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("--" + name + " must be a number, not '" + v + "'");
            }
        }

        boolean has(String name) {
            return flags.containsKey(name);
        }

        void allowOnly(String... names) {
            java.util.Set<String> allowed = new java.util.HashSet<>(List.of(names));
            allowed.add("url");
            allowed.add("key");
            for (String f : flags.keySet()) {
                if (!allowed.contains(f)) throw new IllegalArgumentException("unknown option --" + f);
            }
        }
    }

    /** A file's text as UTF-8, with a clear message when it cannot be read. */
    static String readText(Path file) {
        try {
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read " + file + ": " + e.getMessage());
        }
    }

    static String lower(String s) {
        return s.toLowerCase(Locale.ROOT);
    }
}
