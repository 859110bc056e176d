package dev.voxpipe.ingest.api;

import java.security.SecureRandom;
import java.util.regex.Pattern;

/**
 * Identifiers: a prefix, then 48 bits of milliseconds and 80 random bits in Crockford base32, so
 * ids sort by creation time (listing pages are in creation order) and are unguessable.
 */
public final class Ids {

    private static final char[] ALPHABET = "0123456789abcdefghjkmnpqrstvwxyz".toCharArray();
    /** One generator per thread: a shared SecureRandom is a lock every request would queue on. */
    private static final ThreadLocal<SecureRandom> RANDOM = ThreadLocal.withInitial(SecureRandom::new);
    private static final Pattern SAFE = Pattern.compile("[a-z]{1,8}_[0-9a-z]{26}");

    private Ids() {}

    public static String next(String prefix) {
        long millis = System.currentTimeMillis();
        byte[] random = new byte[10];
        RANDOM.get().nextBytes(random);
        char[] out = new char[26];
        // 10 chars of time (50 bits, top 2 zero) + 16 chars of randomness (80 bits)
        for (int i = 9; i >= 0; i--) {
            out[i] = ALPHABET[(int) (millis & 31)];
            millis >>>= 5;
        }
        long hi = 0;
        for (int i = 0; i < 5; i++) hi = (hi << 8) | (random[i] & 0xff);
        long lo = 0;
        for (int i = 5; i < 10; i++) lo = (lo << 8) | (random[i] & 0xff);
        for (int i = 17; i >= 10; i--) {
            out[i] = ALPHABET[(int) (hi & 31)];
            hi >>>= 5;
        }
        for (int i = 25; i >= 18; i--) {
            out[i] = ALPHABET[(int) (lo & 31)];
            lo >>>= 5;
        }
        return prefix + "_" + new String(out);
    }

    /** Ids come from path parameters: anything not shaped like one of ours cannot exist. */
    public static boolean plausible(String id) {
        return id != null && SAFE.matcher(id).matches();
    }
}
