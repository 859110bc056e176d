package dev.voxpipe.ingest.auth;

/** Who is calling: the tenant an API key maps to, what it may do, and its rate limit. */
public record Principal(String keyHash, String tenantId, Scope scope, double ratePerSecond, int burst) {

    public enum Scope {
        /** GET only. */
        READ,
        /** Everything in its tenant. */
        WRITE
    }

    /** A short, non-reversible label for logs and metrics: never the key itself. */
    public String keyLabel() {
        return keyHash.substring(0, 12);
    }
}
