package dev.voxpipe.ingest.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** What an Idempotency-Key may be, what makes two requests "the same", and that keys are per tenant. */
class IdempotencyKeyTest {

    @Test
    void aKeyIsOneTo255VisibleAsciiCharacters() {
        assertTrue(Idempotency.validKey("0b7f6a2e-6c8b-4c43-9f0e-3f2b1c7d9a10"));
        assertTrue(Idempotency.validKey("x"));
        assertTrue(Idempotency.validKey("k".repeat(255)));
        assertFalse(Idempotency.validKey(""));
        assertFalse(Idempotency.validKey("k".repeat(256)));
        assertFalse(Idempotency.validKey("with space"));
        assertFalse(Idempotency.validKey("tab\there"));
        assertFalse(Idempotency.validKey("ünïcode"));
    }

    @Test
    void theRequestHashCoversMethodPathQueryAndBody() {
        byte[] body = "{\"name\":\"Ada\"}".getBytes(StandardCharsets.UTF_8);
        String base = Idempotency.requestHash("POST", "/v1/voices", null, body);
        assertEquals(base, Idempotency.requestHash("POST", "/v1/voices", "", body.clone()));
        assertNotEquals(base, Idempotency.requestHash("POST", "/v1/voices", null, "{\"name\":\"Bob\"}".getBytes(StandardCharsets.UTF_8)));
        assertNotEquals(base, Idempotency.requestHash("POST", "/v1/synthesis", null, body));
        assertNotEquals(base, Idempotency.requestHash("POST", "/v1/voices", "transcript=x", body));
        assertNotEquals(base, Idempotency.requestHash("PUT", "/v1/voices", null, body));
    }

    @Test
    void keysArePerTenantAndStoredOnlyAsADigest() {
        String a = Idempotency.storeKey("tenant-a", "my-key");
        String b = Idempotency.storeKey("tenant-b", "my-key");
        assertNotEquals(a, b);
        assertTrue(a.startsWith("tenant-a/"));
        assertFalse(a.contains("my-key"));
        assertEquals(a, Idempotency.storeKey("tenant-a", "my-key"));
    }
}
