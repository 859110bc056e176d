package dev.voxpipe.ingest.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class AuthPiecesTest {

    @Test
    void keysAreLookedUpByTheirHashOnly() {
        String hash = ApiKeys.sha256Hex("secret-key");
        assertEquals("f1ddbd0e3a0fd3bdb67e52a2cd4a6e7ce0c52e4bbdaf2d7b5a13a49d3ec9f8e1".length(), hash.length());
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
