package dev.voxpipe.launcher.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.voxpipe.launcher.CliSupport;
import dev.voxpipe.launcher.VoxPipeClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/** {@code ./voxpipe say}: a text or a .txt book in a voice, written to a file. */
final class Say {

    private Say() {}

    static Path run(CliSupport cli, CliMain.Options options) throws Exception {
        options.allowOnly("voice", "text", "file", "output", "speed", "format", "language", "sentence-pause", "paragraph-pause");
        String voiceId = options.required("voice");
        String text = options.single("text", null);
        String file = options.single("file", null);
        if ((text == null) == (file == null)) throw new IllegalArgumentException("give exactly one of --text and --file");
        if (file != null) text = CliMain.readText(Path.of(file));
        if (text.isBlank()) throw new IllegalArgumentException("the text is empty");
        Path output = Path.of(options.required("output"));
        String format = options.single("format", null);
        if (format == null) format = formatOf(output);
        Double speed = options.number("speed");
        if (!options.positional().isEmpty()) throw new IllegalArgumentException("unexpected argument '" + options.positional().get(0) + "'");

        ObjectNode body = VoxPipeClient.object().put("voiceId", voiceId).put("text", text).put("format", format)
                .put("speed", speed == null ? 1.0 : speed);
        String language = options.single("language", null);
        if (language != null) body.put("language", language);
        Double sentencePause = options.number("sentence-pause");
        if (sentencePause != null) body.put("sentencePauseMs", sentencePause.intValue());
        Double paragraphPause = options.number("paragraph-pause");
        if (paragraphPause != null) body.put("paragraphPauseMs", paragraphPause.intValue());

        cli.steps(2);
        cli.step(String.format(Locale.ROOT, "synthesising %,d characters in voice %s", text.length(), voiceId));
        String requestId = cli.client().synthesize(body).get("requestId").asText();
        JsonNode status = cli.awaitSynthesis(requestId);
        if (!"SUCCEEDED".equals(status.path("state").asText())) {
            throw new IllegalStateException("synthesis " + requestId + " failed: "
                    + status.path("result").path("reason").path("message").asText(status.toString()));
        }
        JsonNode result = status.path("result");
        cli.done(String.format(Locale.ROOT, "%d chunks, %.1f s of audio", result.path("chunkCount").asInt(),
                result.path("durationSeconds").asDouble()));

        cli.step("downloading " + format + " to " + output);
        byte[] audio = cli.client().audio(requestId);
        Path parent = output.toAbsolutePath().getParent();
        if (parent != null) Files.createDirectories(parent);
        Files.write(output, audio);
        cli.done(String.format(Locale.ROOT, "%,d bytes; %.1f s of speech in %.1f s (end to end, real-time factor %.3f)",
                audio.length, result.path("durationSeconds").asDouble(), cli.elapsedSeconds(),
                cli.elapsedSeconds() / Math.max(0.001, result.path("durationSeconds").asDouble())));
        return output;
    }

    static String formatOf(Path output) {
        String n = output.getFileName().toString().toLowerCase(Locale.ROOT);
        if (n.endsWith(".flac")) return "flac";
        if (n.endsWith(".mp3")) return "mp3";
        if (n.endsWith(".opus")) return "ogg_opus";
        if (n.endsWith(".ogg") || n.endsWith(".oga")) return "ogg_vorbis";
        if (n.endsWith(".wav")) return "wav";
        throw new IllegalArgumentException("cannot tell the format from '" + output.getFileName()
                + "': give --format (wav, flac, mp3, ogg_opus, ogg_vorbis)");
    }
}
