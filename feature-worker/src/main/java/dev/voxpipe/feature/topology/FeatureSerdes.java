package dev.voxpipe.feature.topology;

import dev.voxpipe.core.serde.AvroWireDeserializer;
import dev.voxpipe.core.serde.AvroWireSerde;
import dev.voxpipe.core.serde.AvroWireSerializer;
import dev.voxpipe.core.serde.SchemaRegistryClient;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;

/** The Avro serdes of the topology, all over one schema registry (Confluent wire format). */
public final class FeatureSerdes {
    private final SchemaRegistryClient registry;

    public FeatureSerdes(SchemaRegistryClient registry) {
        this.registry = registry;
    }

    public <T extends SpecificRecord> Serde<T> of(Class<T> type) {
        return AvroWireSerde.of(registry, type);
    }

    public <T extends SpecificRecord> Deserializer<T> deserializer(Class<T> type) {
        return new AvroWireDeserializer<>(registry, type);
    }

    /** Writes any generated record under {@code <topic>-value}. */
    public Serializer<SpecificRecord> anyValue() {
        return new AvroWireSerializer<>(registry, true);
    }
}
