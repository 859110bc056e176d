package dev.voxpipe.core.blob;

import java.util.HexFormat;
import java.util.regex.Pattern;

/** Key rules shared by every store, so a key can never name anything outside the store. */
public final class BlobKeys {

    public static final int MAX_KEY_LENGTH = 1024;
    private static final Pattern SEGMENT = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._=-]*");

    private BlobKeys() {}

    /**
     * Accepts relative keys of '/'-separated segments of letters, digits, '.', '_', '=' and '-'
     * (not starting with '.'); rejects absolute paths, '..', empty segments and anything else.
     */
    public static String validate(String key) {
        if (key == null || key.isEmpty()) throw new InvalidBlobKeyException(key, "it is empty");
        if (key.length() > MAX_KEY_LENGTH) {
            throw new InvalidBlobKeyException(key, "it is longer than " + MAX_KEY_LENGTH + " characters");
        }
        for (String segment : key.split("/", -1)) {
            if (segment.isEmpty()) throw new InvalidBlobKeyException(key, "it has an empty or leading '/' segment");
            if (!SEGMENT.matcher(segment).matches()) {
                throw new InvalidBlobKeyException(key, "segment '" + segment
                        + "' is not letters, digits, '.', '_', '=', '-' (and may not start with '.')");
            }
        }
        return key;
    }

    public static String contentAddressed(byte[] sha256) {
        String hex = HexFormat.of().formatHex(sha256);
        return "sha256/" + hex.substring(0, 2) + "/" + hex.substring(2, 4) + "/" + hex;
    }

    public static final class InvalidBlobKeyException extends IllegalArgumentException {
        public InvalidBlobKeyException(String key, String why) {
            super("invalid blob key '" + abbreviate(key) + "': " + why);
        }

        private static String abbreviate(String key) {
            if (key == null) return "null";
            return key.length() > 80 ? key.substring(0, 80) + "..." : key;
        }
    }
}
