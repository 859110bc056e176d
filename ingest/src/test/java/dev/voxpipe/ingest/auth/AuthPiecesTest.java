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
