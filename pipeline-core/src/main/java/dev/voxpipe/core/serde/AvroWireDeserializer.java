package dev.voxpipe.core.serde;

import java.io.IOException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.avro.AvroRuntimeException;
import org.apache.avro.Schema;
import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;

/**
 * Reads Confluent-wire-format records with the writer's schema (fetched by id) and resolves them
 * to the reader's generated class, so records written by older or newer producers still decode.
 */
public class AvroWireDeserializer<T extends SpecificRecord> implements Deserializer<T> {

    /** Kafka config key naming the generated class to read into, for reflective construction. */
    public static final String READER_CLASS = "voxpipe.avro.reader.class";

    private SchemaRegistryClient registry;
    private Class<T> type;
    private Schema readerSchema;
    private SpecificData model;
    private final Map<Integer, SpecificDatumReader<T>> readers = new ConcurrentHashMap<>();

    public AvroWireDeserializer() {}

    public AvroWireDeserializer(SchemaRegistryClient registry, Class<T> type) {
        this.registry = registry;
        bind(type);
    }

    @Override
    @SuppressWarnings("unchecked")
    public void configure(Map<String, ?> configs, boolean isKey) {
        if (registry == null) {
            registry = new HttpSchemaRegistryClient(SchemaRegistryConfig.fromKafkaConfigs(configs));
        }
        if (type == null) {
            Object name = configs.get(READER_CLASS);
            if (name == null) throw new IllegalArgumentException(READER_CLASS + " must name the Avro class to read");
            try {
                bind((Class<T>) Class.forName(name.toString()));
            } catch (ClassNotFoundException e) {
                throw new IllegalArgumentException(READER_CLASS + " names an unknown class: " + name, e);
            }
        }
    }

    private void bind(Class<T> readerType) {
        this.type = readerType;
        this.model = SpecificData.getForClass(readerType);
        this.readerSchema = model.getSchema(readerType);
    }

    @Override
    public T deserialize(String topic, byte[] data) {
        if (data == null) return null;
        if (registry == null) throw new IllegalStateException("AvroWireDeserializer is not configured");
        int id = WireFormat.schemaId(data, topic);
        SpecificDatumReader<T> reader = readers.computeIfAbsent(id,
                writerId -> new SpecificDatumReader<>(registry.schemaById(writerId), readerSchema, model));
        try {
            BinaryDecoder decoder = DecoderFactory.get().binaryDecoder(data, WireFormat.HEADER_SIZE,
                    data.length - WireFormat.HEADER_SIZE, null);
            T record = reader.read(null, decoder);
            if (!decoder.isEnd()) {
                throw new SerializationException("record on topic " + topic + " has "
                        + "trailing bytes after the Avro body (schema id " + id + ")");
            }
            return record;
        } catch (IOException | AvroRuntimeException | IndexOutOfBoundsException | NegativeArraySizeException e) {
            throw new SerializationException("cannot decode " + type.getSimpleName() + " from topic " + topic
                    + " with writer schema id " + id + ": " + e, e);
        }
    }
}
