package dev.voxpipe.ingest.auth;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * API keys, held only as SHA-256 hashes, each mapped to a tenant. One entry per line (or separated
 * by ';' in the environment variable):
 * <pre>
 *   &lt;sha256-hex-of-key&gt; &lt;tenant&gt; [scope=read|write] [rate=&lt;per-second&gt;] [burst=&lt;n&gt;]
 * </pre>
 * Lines starting with '#' are comments. Keys have high entropy, so a plain SHA-256 (no salt, no
 * stretching) is enough and keeps the per-request check cheap. Nothing here ever holds a presented
 * key: it is hashed on every request (about a microsecond) and only the hash is looked up, so a heap
 * dump shows no usable key. {@link #reload} swaps the entries atomically, so keys rotate without a
 * restart.
 */
public final class ApiKeys {

    private static final Pattern HEX64 = Pattern.compile("[0-9a-f]{64}");
    private static final Pattern TENANT = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");

    private volatile Map<String, Principal> byHash;

    private ApiKeys(Map<String, Principal> byHash) {
        this.byHash = Map.copyOf(byHash);
    }

    public static ApiKeys parse(String text, double defaultRate, int defaultBurst) {
        Map<String, Principal> keys = new HashMap<>();
        int lineNo = 0;
        for (String raw : text.split("[\\n;]")) {
            lineNo++;
            String line = raw.strip();
            if (line.isEmpty() || line.startsWith("#")) continue;
            String[] parts = line.split("\\s+");
            if (parts.length < 2) throw new IllegalArgumentException("API key entry " + lineNo + ": expected '<sha256> <tenant> [options]'");
            String hash = parts[0].toLowerCase(Locale.ROOT);
            if (!HEX64.matcher(hash).matches()) {
                throw new IllegalArgumentException("API key entry " + lineNo + ": the first field must be the 64-hex-digit SHA-256 of the key, not the key");
            }
            if (!TENANT.matcher(parts[1]).matches()) {
                throw new IllegalArgumentException("API key entry " + lineNo + ": tenant '" + parts[1] + "' must be letters, digits, '.', '_' or '-'");
            }
            Principal.Scope scope = Principal.Scope.WRITE;
            double rate = defaultRate;
            int burst = defaultBurst;
            for (int i = 2; i < parts.length; i++) {
                String[] kv = parts[i].split("=", 2);
                if (kv.length != 2) throw new IllegalArgumentException("API key entry " + lineNo + ": option '" + parts[i] + "' is not key=value");
                switch (kv[0]) {
                    case "scope" -> scope = Principal.Scope.valueOf(kv[1].toUpperCase(Locale.ROOT));
                    case "rate" -> rate = Double.parseDouble(kv[1]);
                    case "burst" -> burst = Integer.parseInt(kv[1]);
                    default -> throw new IllegalArgumentException("API key entry " + lineNo + ": unknown option '" + kv[0] + "'");
                }
            }
            if (keys.put(hash, new Principal(hash, parts[1], scope, rate, burst)) != null) {
                throw new IllegalArgumentException("API key entry " + lineNo + ": the same key hash appears twice");
            }
        }
        return new ApiKeys(keys);
    }

    /** Entries from the inline setting and the file (either may be empty). */
    public static ApiKeys load(String inline, String file, double defaultRate, int defaultBurst) {
        return parse(read(inline, file), defaultRate, defaultBurst);
    }

    /**
     * Replaces every entry with those of the inline setting and the file as they are now. An
     * entry that does not parse throws, and the keys in use stay as they were. Returns whether the
     * entries changed.
     */
    public boolean reload(String inline, String file, double defaultRate, int defaultBurst) {
        Map<String, Principal> fresh = parse(read(inline, file), defaultRate, defaultBurst).byHash;
        if (fresh.equals(byHash)) return false;
        byHash = fresh;
        return true;
    }

    private static String read(String inline, String file) {
        StringBuilder all = new StringBuilder(inline == null ? "" : inline);
        if (file != null && !file.isBlank()) {
            try {
                all.append('\n').append(Files.readString(Path.of(file), StandardCharsets.UTF_8));
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read the API key file " + file, e);
            }
        }
        return all.toString();
    }

    public Optional<Principal> lookup(String presentedKey) {
        if (presentedKey == null || presentedKey.isEmpty() || presentedKey.length() > 512) return Optional.empty();
        return Optional.ofNullable(byHash.get(sha256Hex(presentedKey)));
    }

    public int size() {
        return byHash.size();
    }

    public static String sha256Hex(String key) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }
}
