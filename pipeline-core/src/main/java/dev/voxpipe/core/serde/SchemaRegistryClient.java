package dev.voxpipe.core.serde;

import org.apache.avro.Schema;

/**
 * What the wire-format serde needs from a schema registry: register or look up a schema under a
 * subject, fetch a writer schema by id, and the compatibility checks. Two implementations:
 * {@link HttpSchemaRegistryClient} speaks the Confluent REST API (Confluent, Apicurio's ccompat,
 * Karapace) and is what every worker uses; {@link InMemorySchemaRegistry} keeps everything in the
 * process, so topology tests run on a {@code TopologyTestDriver} without a broker or registry.
 */
public interface SchemaRegistryClient {

    /** Where the registry is, for messages ({@code mem:} for the in-memory one). */
    String url();

    /** Registers (or finds) the schema under the subject and returns its global id. */
    int register(String subject, Schema schema);

    /** Looks up the id of a schema already registered under the subject, without registering it. */
    int lookup(String subject, Schema schema);

    /** The writer schema of an id; {@link SchemaRegistryException.UnknownSchemaId} when there is none. */
    Schema schemaById(int id);

    /** Sets a subject's compatibility level (BACKWARD, FORWARD, FULL, NONE, and their _TRANSITIVE forms). */
    void setCompatibility(String subject, String level);

    /** Whether the schema could be registered as the subject's next version. */
    boolean isCompatibleWithLatest(String subject, Schema schema);

    /** The HTTP client for the registry the configuration names. */
    static SchemaRegistryClient http(SchemaRegistryConfig config) {
        return new HttpSchemaRegistryClient(config);
    }
}
