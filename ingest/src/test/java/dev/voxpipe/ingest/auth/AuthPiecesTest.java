package dev.voxpipe.ingest.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class AuthPiecesTest {

    @Test
    void keysAreLookedUpByTheirHashOnly() {
        String hash = ApiKeys.sha256Hex("secret-key");
        assertEquals("85dbe15d75ef9308c7ae0f33c7a324cc6f4bf519a2ed2f3027bd33c140a4f9aa", hash, "printf %s secret-key | sha256sum");
        ApiKeys keys = ApiKeys.parse("# comment\n" + hash + " acme scope=read rate=2 burst=4", 10, 20);
        Principal p = keys.lookup("secret-key").orElseThrow();
        assertEquals("acme", p.tenantId());
        assertEquals(Principal.Scope.READ, p.scope());
        assertEquals(2.0, p.ratePerSecond());
        assertEquals(4, p.burst());
        assertTrue(keys.lookup(hash).isEmpty(), "the hash itself is not a key");
        assertTrue(keys.lookup("other").isEmpty());
    }

    @Test
    void keysRotateByReloadingTheFileAndABrokenFileKeepsTheOldKeys(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
        java.nio.file.Path file = dir.resolve("keys");
        java.nio.file.Files.writeString(file, ApiKeys.sha256Hex("old-key") + " acme\n");
        ApiKeys keys = ApiKeys.load("", file.toString(), 10, 20);
        assertTrue(keys.lookup("old-key").isPresent());
        assertTrue(keys.lookup("new-key").isEmpty());

        java.nio.file.Files.writeString(file, ApiKeys.sha256Hex("new-key") + " acme\n");
        assertTrue(keys.reload("", file.toString(), 10, 20), "the entries changed");
        assertTrue(keys.lookup("old-key").isEmpty(), "a key removed from the file stops working without a restart");
        assertEquals("acme", keys.lookup("new-key").orElseThrow().tenantId());
        assertEquals(false, keys.reload("", file.toString(), 10, 20), "nothing changed");

        java.nio.file.Files.writeString(file, "new-key-in-plain-text acme\n");
        assertThrows(IllegalArgumentException.class, () -> keys.reload("", file.toString(), 10, 20));
        assertTrue(keys.lookup("new-key").isPresent(), "a broken file leaves the keys in use as they were");
    }

    @Test
    void noPresentedKeyIsKeptInMemory() throws Exception {
        // The key lookup keeps no cache: the only map in ApiKeys is keyed by hash.
        ApiKeys keys = ApiKeys.parse(ApiKeys.sha256Hex("kept-nowhere") + " acme", 1, 1);
        keys.lookup("kept-nowhere");
        for (java.lang.reflect.Field f : ApiKeys.class.getDeclaredFields()) {
            if (java.lang.reflect.Modifier.isStatic(f.getModifiers())) continue;
            f.setAccessible(true);
            Object value = f.get(keys);
            if (value instanceof java.util.Map<?, ?> map) {
                for (Object k : map.keySet()) {
                    assertTrue(!"kept-nowhere".equals(k), "field " + f.getName() + " holds the plaintext key");
                    assertTrue(k.toString().matches("[0-9a-f]{64}"), "field " + f.getName() + " is keyed by something other than hashes: " + k);
                }
            }
        }
    }

    @Test
    void refusesPlainKeysAndBadEntries() {
        assertThrows(IllegalArgumentException.class, () -> ApiKeys.parse("secret-key acme", 1, 1));
        String hash = ApiKeys.sha256Hex("k");
        assertThrows(IllegalArgumentException.class, () -> ApiKeys.parse(hash + " bad/tenant", 1, 1));
        assertThrows(IllegalArgumentException.class, () -> ApiKeys.parse(hash + " a;" + hash + " b", 1, 1));
        assertThrows(IllegalArgumentException.class, () -> ApiKeys.parse(hash + " a colour=blue", 1, 1));
    }

    @Test
    void tokenBucketAllowsTheBurstThenTheRate() {
        long t = 0;
        TokenBucket bucket = new TokenBucket(2, 3, t);
        assertEquals(0, bucket.tryTake(t));
        assertEquals(0, bucket.tryTake(t));
        assertEquals(0, bucket.tryTake(t));
        long wait = bucket.tryTake(t);
        assertEquals(500_000_000L, wait, 1_000);
        assertTrue(bucket.tryTake(t + 499_000_000L) > 0);
        assertEquals(0, bucket.tryTake(t + 500_000_000L));
        assertEquals(0, new TokenBucket(2, 3, 0).tryTake(10_000_000_000L), "a long idle refills, capped at the burst");
    }
}
