package dev.voxpipe.feature.topology;

import org.apache.avro.specific.SpecificRecord;

/** A record on its way to an output topic, chosen by the processor that made it. */
public record Routed(String topic, SpecificRecord value) {
}
