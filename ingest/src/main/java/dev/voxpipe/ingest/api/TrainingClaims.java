package dev.voxpipe.ingest.api;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * One training request per voice at a time on this instance. The check "no active job" and the
 * publication of a new job are separate steps with a Kafka round trip between them; without a
 * claim two concurrent requests both passed the check and both got 202 (issue 18, finding 1). A
 * claim is taken before the check and released only once the new job is visible to the next
 * check (remembered by the views) or the request failed, so exactly one of concurrent requests
 * gets 202 and the others 409.
 */
public final class TrainingClaims {

    private final ConcurrentMap<String, String> claims = new ConcurrentHashMap<>();

    /** True when {@code voiceId} was free and is now held by {@code requestToken}. */
    public boolean tryClaim(String voiceId, String requestToken) {
        return claims.putIfAbsent(voiceId, requestToken) == null;
    }

    public void release(String voiceId, String requestToken) {
        claims.remove(voiceId, requestToken);
    }

    int held() {
        return claims.size();
    }
}
