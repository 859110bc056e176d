package dev.voxpipe.schemas;

import java.util.ArrayList;
import java.util.List;
import org.apache.avro.Schema;

/** Builds changed copies of record schemas, for tests that prove incompatible changes are caught. */
public final class SchemaChanges {

    private SchemaChanges() {}

    /** The record with one more field of the given type and no default: old records cannot be read. */
    public static Schema withRequiredField(Schema record, String name, Schema.Type type) {
        List<Schema.Field> fields = new ArrayList<>();
        for (Schema.Field f : record.getFields()) {
            fields.add(new Schema.Field(f, f.schema()));
        }
        fields.add(new Schema.Field(name, Schema.create(type), "added without a default", (Object) null));
        return Schema.createRecord(record.getName(), record.getDoc(), record.getNamespace(), false, fields);
    }
}
