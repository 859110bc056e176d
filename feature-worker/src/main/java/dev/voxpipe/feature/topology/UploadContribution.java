package dev.voxpipe.feature.topology;

import java.util.HashMap;
import java.util.Map;

/**
 * What one upload added to its voice's dataset summary, kept per upload so that deleting the upload
 * takes exactly that back out: usable seconds, clip counts, seconds by label source and confidence,
 * trainable text seconds, and how many clips it was sliced into (their ids are {@code uploadId-cNNN}).
 * Stored as one line of {@code name=value} pairs separated by {@code ;} (label names are ours: no
 * {@code ;} or {@code =} in them).
 */
record UploadContribution(String sha256, double usableSeconds, int clipsAccepted, int clipsRejected, int clipCount,
                          double textSeconds, Map<String, Double> bySource, Map<String, Double> byConfidence) {

    static UploadContribution of(String sha256, double usable, int accepted, int rejected, int clipCount, LabelSeconds labels) {
        return new UploadContribution(sha256, usable, accepted, rejected, clipCount, labels.trainable,
                Map.copyOf(labels.bySource), Map.copyOf(labels.byConfidence));
    }

    /** A duplicate or a rejected upload: it added nothing but its outcome. */
    static UploadContribution nothing(String sha256) {
        return new UploadContribution(sha256, 0, 0, 0, 0, 0, Map.of(), Map.of());
    }

    String encode() {
        StringBuilder out = new StringBuilder();
        out.append("sha=").append(sha256 == null ? "" : sha256)
                .append(";usable=").append(usableSeconds).append(";accepted=").append(clipsAccepted)
                .append(";rejected=").append(clipsRejected).append(";clips=").append(clipCount).append(";text=").append(textSeconds);
        bySource.forEach((k, v) -> out.append(";src.").append(k).append('=').append(v));
        byConfidence.forEach((k, v) -> out.append(";conf.").append(k).append('=').append(v));
        return out.toString();
    }

    static UploadContribution decode(String line) {
        Map<String, String> fields = new HashMap<>();
        Map<String, Double> bySource = new HashMap<>();
        Map<String, Double> byConfidence = new HashMap<>();
        for (String pair : line.split(";")) {
            int eq = pair.indexOf('=');
            if (eq < 0) continue;
            String name = pair.substring(0, eq);
            String value = pair.substring(eq + 1);
            if (name.startsWith("src.")) bySource.put(name.substring(4), Double.parseDouble(value));
            else if (name.startsWith("conf.")) byConfidence.put(name.substring(5), Double.parseDouble(value));
            else fields.put(name, value);
        }
        String sha = fields.getOrDefault("sha", "");
        return new UploadContribution(sha.isEmpty() ? null : sha, Double.parseDouble(fields.getOrDefault("usable", "0")),
                Integer.parseInt(fields.getOrDefault("accepted", "0")), Integer.parseInt(fields.getOrDefault("rejected", "0")),
                Integer.parseInt(fields.getOrDefault("clips", "0")), Double.parseDouble(fields.getOrDefault("text", "0")),
                bySource, byConfidence);
    }
}
