package dev.voxpipe.core.serde;

import java.util.Map;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;

/** Kafka Streams Serde for one generated Avro class in the Confluent wire format. */
public final class AvroWireSerde<T extends SpecificRecord> implements Serde<T> {

    private final AvroWireSerializer<T> serializer;
    private final AvroWireDeserializer<T> deserializer;

    public AvroWireSerde(SchemaRegistryClient registry, Class<T> type, boolean autoRegister) {
        this.serializer = new AvroWireSerializer<>(registry, autoRegister);
        this.deserializer = new AvroWireDeserializer<>(registry, type);
    }

    public static <T extends SpecificRecord> AvroWireSerde<T> of(SchemaRegistryClient registry, Class<T> type) {
        return new AvroWireSerde<>(registry, type, true);
    }

    @Override
    public void configure(Map<String, ?> configs, boolean isKey) {
        serializer.configure(configs, isKey);
        deserializer.configure(configs, isKey);
    }

    @Override
    public Serializer<T> serializer() {
        return serializer;
    }

    @Override
    public Deserializer<T> deserializer() {
        return deserializer;
    }
}
