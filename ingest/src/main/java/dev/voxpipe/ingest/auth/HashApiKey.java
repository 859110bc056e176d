package dev.voxpipe.ingest.auth;

import java.security.SecureRandom;
import java.util.Base64;

/**
 * Command line helper: {@code HashApiKey <key> <tenant>} prints the line to put in the key file;
 * {@code HashApiKey --new <tenant>} makes a fresh random key and prints it once with its line.
 * Equivalent shell: {@code printf %s "$KEY" | sha256sum}.
 */
public final class HashApiKey {

    private HashApiKey() {}

    public static void main(String[] args) {
        if (args.length == 2 && args[0].equals("--new")) {
            byte[] random = new byte[32];
            new SecureRandom().nextBytes(random);
            String key = "vxp_" + Base64.getUrlEncoder().withoutPadding().encodeToString(random);
            System.out.println("key (give to the client, shown once): " + key);
            System.out.println(ApiKeys.sha256Hex(key) + " " + args[1]);
        } else if (args.length == 2) {
            System.out.println(ApiKeys.sha256Hex(args[0]) + " " + args[1]);
        } else {
            System.err.println("usage: HashApiKey <key> <tenant> | HashApiKey --new <tenant>");
            System.exit(2);
        }
    }
}
