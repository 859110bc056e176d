package dev.voxpipe.core.serde;

import org.apache.kafka.common.errors.SerializationException;

/** Base of the registry errors; a Kafka SerializationException so Kafka's error handlers see it. */
public class SchemaRegistryException extends SerializationException {
    public SchemaRegistryException(String message) { super(message); }
    public SchemaRegistryException(String message, Throwable cause) { super(message, cause); }

    /** The registry could not be reached (connection refused, timeout, 5xx) after all retries. */
    public static final class Unavailable extends SchemaRegistryException {
        public Unavailable(String message, Throwable cause) { super(message, cause); }
    }

    /** A record names a schema id the registry does not know. */
    public static final class UnknownSchemaId extends SchemaRegistryException {
        private final int schemaId;
        public UnknownSchemaId(int schemaId, String registry) {
            super("schema id " + schemaId + " is unknown to the registry at " + registry);
            this.schemaId = schemaId;
        }
        public int schemaId() { return schemaId; }
    }

    /** The registry refused a schema: incompatible with the subject's compatibility policy. */
    public static final class Incompatible extends SchemaRegistryException {
        public Incompatible(String subject, String detail) {
            super("schema is incompatible with subject " + subject + ": " + detail);
        }
    }

    /** Bytes that are not in the Confluent wire format. */
    public static final class BadWireFormat extends SchemaRegistryException {
        public BadWireFormat(String message) { super(message); }
    }

    /** Any other refusal (4xx) with the registry's own message. */
    public static final class Rejected extends SchemaRegistryException {
        private final int status;
        public Rejected(int status, String message) {
            super(message);
            this.status = status;
        }
        public int status() { return status; }
    }
}
