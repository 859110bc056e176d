package dev.voxpipe.core.serde;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;

/**
 * A schema registry held in memory, with the registry's rules: one global id per distinct schema
 * (the same schema under two subjects has one id), versions per subject, and registration refused
 * ({@link SchemaRegistryException.Incompatible}) when a schema breaks the subject's compatibility
 * level. The default level is BACKWARD, as in Confluent Schema Registry. For tests and benches
 * that run topologies without a registry; thread-safe.
 */
public final class InMemorySchemaRegistry implements SchemaRegistryClient {

    private static final String DEFAULT_LEVEL = "BACKWARD";

    private final Map<Schema, Integer> idsBySchema = new HashMap<>();
    private final Map<Integer, Schema> schemasById = new HashMap<>();
    private final Map<String, List<Schema>> versionsBySubject = new HashMap<>();
    private final Map<String, String> levelBySubject = new HashMap<>();

    @Override
    public String url() {
        return "mem:in-memory-schema-registry";
    }

    @Override
    public synchronized int register(String subject, Schema schema) {
        List<Schema> versions = versionsBySubject.computeIfAbsent(subject, s -> new ArrayList<>());
        if (!versions.contains(schema)) {
            String problem = incompatibility(subject, schema);
            if (problem != null) throw new SchemaRegistryException.Incompatible(subject, problem);
            versions.add(schema);
        }
        return idsBySchema.computeIfAbsent(schema, s -> {
            int id = idsBySchema.size() + 1;
            schemasById.put(id, s);
            return id;
        });
    }

    @Override
    public synchronized int lookup(String subject, Schema schema) {
        List<Schema> versions = versionsBySubject.get(subject);
        if (versions == null || !versions.contains(schema)) {
            throw new SchemaRegistryException.Rejected(404, "schema " + schema.getFullName()
                    + " is not registered under subject " + subject);
        }
        return idsBySchema.get(schema);
    }

    @Override
    public synchronized Schema schemaById(int id) {
        Schema schema = schemasById.get(id);
        if (schema == null) throw new SchemaRegistryException.UnknownSchemaId(id, url());
        return schema;
    }

    @Override
    public synchronized void setCompatibility(String subject, String level) {
        String upper = level.toUpperCase(Locale.ROOT);
        if (!upper.matches("NONE|(BACKWARD|FORWARD|FULL)(_TRANSITIVE)?")) {
            throw new SchemaRegistryException.Rejected(422, "unknown compatibility level " + level);
        }
        levelBySubject.put(subject, upper);
    }

    @Override
    public synchronized boolean isCompatibleWithLatest(String subject, Schema schema) {
        List<Schema> versions = versionsBySubject.get(subject);
        if (versions == null || versions.isEmpty()) return true; // no version yet: anything is compatible
        return incompatibility(schema, List.of(versions.getLast()), levelBySubject.getOrDefault(subject, DEFAULT_LEVEL)) == null;
    }

    /** Why the schema cannot be the subject's next version, or null when it can. */
    private String incompatibility(String subject, Schema schema) {
        List<Schema> versions = versionsBySubject.getOrDefault(subject, List.of());
        if (versions.isEmpty()) return null;
        String level = levelBySubject.getOrDefault(subject, DEFAULT_LEVEL);
        List<Schema> against = level.endsWith("_TRANSITIVE") ? versions : List.of(versions.getLast());
        return incompatibility(schema, against, level);
    }

    private static String incompatibility(Schema candidate, List<Schema> against, String level) {
        if (level.equals("NONE")) return null;
        boolean backward = level.startsWith("BACKWARD") || level.startsWith("FULL");
        boolean forward = level.startsWith("FORWARD") || level.startsWith("FULL");
        for (Schema existing : against) {
            // BACKWARD: the new schema reads what the old one wrote; FORWARD: the old reads the new.
            if (backward) {
                var result = SchemaCompatibility.checkReaderWriterCompatibility(candidate, existing).getResult();
                if (result.getCompatibility() != SchemaCompatibility.SchemaCompatibilityType.COMPATIBLE) {
                    return level + ": the new schema cannot read data written with an earlier version: " + result.getIncompatibilities();
                }
            }
            if (forward) {
                var result = SchemaCompatibility.checkReaderWriterCompatibility(existing, candidate).getResult();
                if (result.getCompatibility() != SchemaCompatibility.SchemaCompatibilityType.COMPATIBLE) {
                    return level + ": an earlier version cannot read data written with the new schema: " + result.getIncompatibilities();
                }
            }
        }
        return null;
    }
}
