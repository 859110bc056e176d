package dev.voxpipe.feature.topology;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.voxpipe.core.blob.FileSystemBlobStore;
import dev.voxpipe.core.serde.AvroWireSerde;
import dev.voxpipe.core.serde.InMemorySchemaRegistry;
import dev.voxpipe.core.topics.Topics;
import dev.voxpipe.dsp.PcmAudio;
import dev.voxpipe.dsp.decode.AudioDecoder;
import dev.voxpipe.dsp.decode.DecodeLimits;
import dev.voxpipe.feature.dsp.FlacBomb;
import dev.voxpipe.schemas.DeadLetter;
import dev.voxpipe.schemas.RawAudioUploaded;
import dev.voxpipe.schemas.VoiceDatasetSummary;
import dev.voxpipe.schemas.common.AudioFormat;
import dev.voxpipe.schemas.common.BlobRef;
import dev.voxpipe.schemas.common.ConsentAttestation;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TopologyTestDriver;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 17: decoding is bounded by decoded bytes, not by duration alone. A FLAC of about 0.5 MB
 * declaring 384 kHz and 29 minutes (inside the 30-minute limit, 2.7 GB of floats) ends as a dead
 * letter with a reason; the same stream with no declared length is stopped at the limit while it
 * decodes, in a JVM with a 1.4 GB heap, without an OutOfMemoryError.
 */
class DecoderBombTest {

    @TempDir
    Path dir;

    @Test
    void theBombGeneratorWritesValidFlacThatDecodesToItsLength() throws Exception {
        PcmAudio two = AudioDecoder.decode(FlacBomb.of(2.0, true), DecodeLimits.defaults());
        assertEquals(FlacBomb.RATE, two.sampleRate());
        assertEquals(2 * FlacBomb.RATE, two.samples().length, "a short one decodes: the file is valid FLAC");
    }

    @Test
    void aSmallFlacDeclaring29MinutesAt384KhzEndsAsADeadLetterWithAReason() throws Exception {
        byte[] bomb = FlacBomb.of(29 * 60, true);
        assertTrue(bomb.length < 2_000_000, "a small file: " + bomb.length + " bytes");
        InMemorySchemaRegistry registry = new InMemorySchemaRegistry();
        try (FileSystemBlobStore blobs = new FileSystemBlobStore(dir.resolve("blobs"))) {
            FeatureSerdes serdes = new FeatureSerdes(registry);
            StreamsBuilder b = FeatureTopology.build(new StreamsBuilder(), FeatureSettings.defaults().withLabel(dev.voxpipe.feature.label.LabelSettings.off()), serdes, blobs);
            Properties p = new Properties();
            p.put(StreamsConfig.APPLICATION_ID_CONFIG, "decoder-bomb");
            p.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
            p.put(StreamsConfig.STATE_DIR_CONFIG, dir.resolve("state").toString());
            try (TopologyTestDriver driver = new TopologyTestDriver(b.build(), p)) {
                var uploads = driver.createInputTopic(Topics.AUDIO_UPLOADED, Serdes.String().serializer(),
                        AvroWireSerde.of(registry, RawAudioUploaded.class).serializer());
                var letters = driver.createOutputTopic(Topics.DEAD_LETTERS, Serdes.String().deserializer(),
                        serdes.of(DeadLetter.class).deserializer());
                var summaries = driver.createOutputTopic(Topics.VOICE_DATASETS, Serdes.String().deserializer(),
                        serdes.of(VoiceDatasetSummary.class).deserializer());
                BlobRef ref = blobs.put(new ByteArrayInputStream(bomb), "audio/flac");
                uploads.pipeInput("voice-b", RawAudioUploaded.newBuilder().setTenantId("t1").setVoiceId("voice-b")
                        .setUploadId("up-bomb").setBlob(ref).setDeclaredFormat("audio/flac").setSniffedFormat(AudioFormat.FLAC)
                        .setConsent(ConsentAttestation.newBuilder().setAttestedBy("test").setStatement("mine")
                                .setAttestedAt(Instant.EPOCH).build())
                        .setEventTime(Instant.EPOCH).build());
                DeadLetter letter = letters.readValue();
                assertTrue(letter.getReason().contains("up-bomb") && letter.getReason().contains("decode limit")
                        && letter.getReason().contains("384000 Hz"), letter.getReason());
                assertTrue(summaries.readValue().getUploadsRejected().get(0).contains("decode limit"), "the upload is rejected with it");
            }
        }
    }

    @Test
    void anUndeclaredBombIsStoppedWhileItDecodesUnderA14GbHeapWithoutOutOfMemory() throws Exception {
        Process process = new ProcessBuilder(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx1400m", "-XX:+ExitOnOutOfMemoryError", "-cp", System.getProperty("java.class.path"),
                FlacBomb.class.getName(), Integer.toString(29 * 60), "false"))
                .redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(process.waitFor(3, TimeUnit.MINUTES), "timed out: " + output);
        assertEquals(0, process.exitValue(), output);
        assertFalse(output.contains("OutOfMemoryError"), output);
        assertTrue(output.contains("REJECTED: ") && output.contains("decode limit"), output);
    }
}
