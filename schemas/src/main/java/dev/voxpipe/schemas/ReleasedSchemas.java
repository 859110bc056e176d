package dev.voxpipe.schemas;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.avro.Schema;

/**
 * The schemas as they were released, kept in the jar so a build can prove that the current
 * schemas still read what released producers wrote (BACKWARD compatibility).
 */
public final class ReleasedSchemas {

    /** The latest released version; bump when a release ships and copy the .avsc files. */
    public static final String LATEST_RELEASE = "0.1.0";

    /** Shared named types first: topic schemas refer to them by name. */
    private static final List<String> COMMON_TYPES =
            List.of("BlobRef", "ConsentAttestation", "ClipRejection", "Chapter", "AudioFormat");

    private ReleasedSchemas() {}

    /** Topic value schemas of a release by record simple name (e.g. "RawAudioUploaded"). */
    public static Map<String, Schema> load(String release, List<String> recordNames) {
        Schema.Parser parser = new Schema.Parser();
        for (String common : COMMON_TYPES) {
            parse(parser, release, common);
        }
        Map<String, Schema> byName = new LinkedHashMap<>();
        for (String name : recordNames) {
            byName.put(name, parse(parser, release, name));
        }
        return byName;
    }

    private static Schema parse(Schema.Parser parser, String release, String name) {
        String resource = "/voxpipe/schemas/released/" + release + "/" + name + ".avsc";
        try (InputStream in = ReleasedSchemas.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalArgumentException("no released schema " + resource);
            }
            return parser.parse(in);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + resource, e);
        }
    }
}
