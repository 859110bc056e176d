package dev.voxpipe.launcher.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.voxpipe.launcher.CliSupport;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** {@code ./voxpipe clone}: voice with consent, uploads with transcripts, features, few-shot training. */
final class Clone {

    private Clone() {}

    record Sample(Path file, String transcript) {}

    static String run(CliSupport cli, CliMain.Options options) throws Exception {
        options.allowOnly("name", "consent", "attested-by", "language", "transcripts", "no-train");
        String name = options.required("name");
        String consent = options.required("consent");
        String attestedBy = options.single("attested-by", System.getProperty("user.name", "voxpipe CLI user"));
        String language = options.single("language", "en");
        boolean train = !options.has("no-train");
        List<Sample> samples = samples(options.positional(), options.single("transcripts", null));

        cli.steps(train ? 3 : 2);
        cli.step("creating voice '" + name + "' and uploading " + samples.size() + " file(s)");
        String voiceId = cli.client().createVoice(name, language, attestedBy, consent).get("voiceId").asText();
        int missing = 0;
        for (int i = 0; i < samples.size(); i++) {
            Sample s = samples.get(i);
            cli.bar("upload", i, samples.size(), s.file().getFileName().toString());
            cli.client().uploadSample(voiceId, Files.readAllBytes(s.file()), contentType(s.file()), s.transcript());
            if (s.transcript() == null) missing++;
        }
        cli.bar("upload", samples.size(), samples.size(), "");
        cli.endBar();
        cli.done("voice " + voiceId + (missing == 0 ? "" : "; " + missing
                + " file(s) without a transcript (English speech recognition suggests their text; training uses the"
                + " confident text, or all of it when that is too little; check or fix it at /v1/voices/" + voiceId + "/clips)"));

        cli.step("waiting for the features (decode, slice, quality gate, log-mel, F0)");
        JsonNode dataset = cli.awaitFeatures(voiceId, samples.size()).get("dataset");
        cli.done(String.format(Locale.ROOT, "%.1f s usable, %d clips accepted, %d rejected", dataset.get("usableSeconds").asDouble(),
                dataset.get("clipsAccepted").asInt(), dataset.get("clipsRejected").asInt()));
        for (JsonNode r : dataset.path("rejections")) {
            cli.info(String.format(Locale.ROOT, "clip %s (%.1f s) rejected: %s", r.path("clipId").asText(),
                    r.path("seconds").asDouble(), r.path("reasons")));
        }
        for (JsonNode r : dataset.path("uploadsRejected")) cli.info("upload rejected: " + r.asText());
        JsonNode labels = dataset.path("labels");
        if (labels.has("textSeconds")) {
            StringBuilder bySource = new StringBuilder();
            labels.path("secondsBySource").fields().forEachRemaining(e -> bySource.append(bySource.isEmpty() ? "" : ", ")
                    .append(e.getKey()).append(String.format(Locale.ROOT, " %.1f s", e.getValue().asDouble())));
            cli.info(String.format(Locale.ROOT, "text training can use: %.1f s (by source: %s)", labels.path("textSeconds").asDouble(),
                    bySource.isEmpty() ? "none" : bySource));
            double provisional = labels.path("provisionalTextSeconds").asDouble(0);
            if (provisional > 0) {
                cli.info(String.format(Locale.ROOT, "held back: %.1f s of text no one has confirmed (recognised, or aligned with"
                        + " low confidence); an English voice with under 30 s of confirmed text trains on it too (the"
                        + " trainer's voxpipe.trainer.provisional-text-below-seconds)", provisional));
            }
        }
        dataset.path("uploadOutcomes").fields().forEachRemaining(e -> {
            String note = e.getValue().path("labelNote").asText("");
            if (!note.isEmpty()) cli.info("upload " + e.getKey() + ": " + note);
        });

        if (train) {
            cli.step("fine-tuning the voice (few-shot)");
            String jobId = cli.client().train(voiceId, dev.voxpipe.launcher.VoxPipeClient.object()).get("jobId").asText();
            JsonNode job = cli.awaitJob(jobId);
            if (!"SUCCEEDED".equals(job.path("state").asText())) {
                throw new IllegalStateException("training " + jobId + " ended " + job.path("state").asText() + ": "
                        + job.path("reason").path("message").asText(job.toString()));
            }
            JsonNode p = job.path("progress");
            cli.done(String.format(Locale.ROOT, "%d steps, final loss %.4f", p.path("step").asInt(), p.path("loss").asDouble()));
            // e.g. that it trained on recognised text no one has confirmed, and where to confirm it
            if (job.hasNonNull("notice")) {
                cli.info("note: " + job.path("notice").path("message").asText().replace("{voiceId}", voiceId));
            }
        }
        cli.info("voice id: " + voiceId + "   (./voxpipe say --voice " + voiceId + " --text \"Hello.\" -o hello.flac)");
        return voiceId;
    }

    /** Each file with its transcript: the TSV's line for it, else a sidecar {@code <base>.txt}, else none. */
    static List<Sample> samples(List<String> files, String tsv) throws IOException {
        if (files.isEmpty()) throw new IllegalArgumentException("no audio files given");
        Map<String, String> table = tsv == null ? Map.of() : readTsv(Path.of(tsv));
        List<Sample> samples = new ArrayList<>();
        for (String f : files) {
            Path file = Path.of(f);
            if (!Files.isRegularFile(file)) throw new IllegalArgumentException("no such file: " + f);
            String fileName = file.getFileName().toString();
            String base = baseName(fileName);
            String transcript = table.get(f);
            if (transcript == null) transcript = table.get(fileName);
            if (transcript == null) transcript = table.get(base);
            if (transcript == null) {
                Path sidecar = file.resolveSibling(base + ".txt");
                if (Files.isRegularFile(sidecar) && !sidecar.equals(file)) {
                    transcript = Files.readString(sidecar, StandardCharsets.UTF_8).strip().replaceAll("\\s+", " ");
                }
            }
            samples.add(new Sample(file, transcript == null || transcript.isBlank() ? null : transcript));
        }
        return samples;
    }

    /** {@code file<TAB>transcript} per line; the file as given, its name or its name without extension. */
    static Map<String, String> readTsv(Path tsv) throws IOException {
        if (!Files.isRegularFile(tsv)) throw new IllegalArgumentException("no such transcript file: " + tsv);
        Map<String, String> table = new HashMap<>();
        int n = 0;
        for (String line : Files.readAllLines(tsv, StandardCharsets.UTF_8)) {
            n++;
            if (line.isBlank() || line.startsWith("#")) continue;
            String[] parts = line.split("\t", 2);
            if (parts.length < 2) throw new IllegalArgumentException(tsv + " line " + n + ": expected 'file<TAB>transcript'");
            String key = parts[0].strip();
            table.put(key, parts[1].strip());
            table.putIfAbsent(baseName(Path.of(key).getFileName().toString()), parts[1].strip());
        }
        return table;
    }

    static String baseName(String fileName) {
        int dot = fileName.lastIndexOf('.');
        return dot > 0 ? fileName.substring(0, dot) : fileName;
    }

    static String contentType(Path file) {
        String n = file.getFileName().toString().toLowerCase(Locale.ROOT);
        if (n.endsWith(".wav")) return "audio/wav";
        if (n.endsWith(".flac")) return "audio/flac";
        if (n.endsWith(".mp3")) return "audio/mpeg";
        if (n.endsWith(".ogg") || n.endsWith(".oga")) return "audio/ogg";
        return "application/octet-stream"; // the server sniffs the format from the bytes
    }
}
