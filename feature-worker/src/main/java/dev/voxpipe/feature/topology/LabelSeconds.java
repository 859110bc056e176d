package dev.voxpipe.feature.topology;

import dev.voxpipe.schemas.SlicedClip;

import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;

/** Seconds of an upload's accepted clips by label source and by confidence band, for the voice's dataset summary. */
final class LabelSeconds {
    final Map<String, Double> bySource = new HashMap<>();
    final Map<String, Double> byConfidence = new HashMap<>();
    double trainable;

    void add(SlicedClip clip, double seconds) {
        boolean hasText = clip.getTranscript() != null && !clip.getTranscript().isBlank();
        String source = !hasText ? "none" : clip.getLabelSource() == null ? "given" : clip.getLabelSource();
        bySource.merge(source, seconds, Double::sum);
        byConfidence.merge(hasText ? band(clip.getLabelConfidence() == null ? 1.0 : clip.getLabelConfidence()) : "none", seconds, Double::sum);
        if (hasText && clip.getLabelTrainable()) trainable += seconds;
    }

    static String band(double confidence) {
        if (confidence >= 0.9) return "0.9-1.0";
        if (confidence >= 0.8) return "0.8-0.9";
        if (confidence >= 0.6) return "0.6-0.8";
        return "0-0.6";
    }

    /** {@code total} plus {@code add}, as a new sorted map (Avro maps have CharSequence keys: read them as strings). */
    Map<String, Double> addTo(Map<? extends CharSequence, Double> total, Map<String, Double> add) {
        Map<String, Double> out = new TreeMap<>();
        if (total != null) total.forEach((k, v) -> out.put(k.toString(), v));
        add.forEach((k, v) -> out.merge(k, v, Double::sum));
        return out;
    }
}
