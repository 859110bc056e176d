package dev.voxpipe.synth.audiobook;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.voxpipe.core.blob.FileSystemBlobStore;
import dev.voxpipe.core.serde.AvroWireSerde;
import dev.voxpipe.core.serde.InMemorySchemaRegistry;
import dev.voxpipe.core.serde.SchemaRegistryClient;
import dev.voxpipe.core.topics.Topics;
import dev.voxpipe.dsp.PcmAudio;
import dev.voxpipe.dsp.WavIo;
import dev.voxpipe.schemas.DeadLetter;
import dev.voxpipe.schemas.SynthesisChunk;
import dev.voxpipe.schemas.SynthesisChunkResult;
import dev.voxpipe.schemas.SynthesisCompleted;
import dev.voxpipe.schemas.SynthesisRequest;
import dev.voxpipe.schemas.common.AudioFormat;
import dev.voxpipe.schemas.common.BlobRef;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Properties;
import java.util.UUID;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The audiobook topology on TopologyTestDriver with the in-memory schema registry: no broker, no registry. */
class AudiobookTopologyDriverTest {

    private static final int RATE = 32000;
    private static final String TEXT = """
            Chapter 1: The Harbour

            The ship came in at dawn. Dr. Reyes counted 3.5 tonnes of cargo.

            Nobody spoke. The gulls did.

            Chapter 2: The Town

            By noon the market was full.""";

    @TempDir Path dir;
    private TopologyTestDriver driver;
    private FileSystemBlobStore blobs;
    private TestInputTopic<String, SynthesisRequest> requests;
    private TestInputTopic<String, SynthesisChunkResult> results;
    private TestInputTopic<String, byte[]> rawResults;
    private TestOutputTopic<String, SynthesisChunk> chunks;
    private TestOutputTopic<String, SynthesisCompleted> completed;
    private TestOutputTopic<String, DeadLetter> deadLetters;

    @BeforeEach
    void start() throws Exception {
        SchemaRegistryClient registry = new InMemorySchemaRegistry();
        blobs = new FileSystemBlobStore(dir.resolve("blobs"));
        StreamsBuilder builder = new StreamsBuilder();
        AudiobookTopology.build(builder, registry, new RequestSplitter(blobs, 120), new BookWriter(blobs, "ffmpeg"));
        Properties props = new Properties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, "audiobook-test-" + UUID.randomUUID());
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
        props.put(StreamsConfig.STATE_DIR_CONFIG, dir.resolve("state").toString());
        driver = new TopologyTestDriver(builder.build(), props);
        var s = Serdes.String();
        requests = driver.createInputTopic(Topics.SYNTHESIS_REQUESTS, s.serializer(),
                AvroWireSerde.of(registry, SynthesisRequest.class).serializer());
        results = driver.createInputTopic(Topics.SYNTHESIS_CHUNK_RESULTS, s.serializer(),
                AvroWireSerde.of(registry, SynthesisChunkResult.class).serializer());
        rawResults = driver.createInputTopic(Topics.SYNTHESIS_CHUNK_RESULTS, s.serializer(), Serdes.ByteArray().serializer());
        chunks = driver.createOutputTopic(Topics.SYNTHESIS_CHUNKS, s.deserializer(),
                AvroWireSerde.of(registry, SynthesisChunk.class).deserializer());
        completed = driver.createOutputTopic(Topics.SYNTHESIS_COMPLETED, s.deserializer(),
                AvroWireSerde.of(registry, SynthesisCompleted.class).deserializer());
        deadLetters = driver.createOutputTopic(Topics.DEAD_LETTERS, s.deserializer(),
                AvroWireSerde.of(registry, DeadLetter.class).deserializer());
    }

    @AfterEach
    void stop() {
        driver.close();
    }

    private static SynthesisRequest request(String id, String text, AudioFormat format) {
        return SynthesisRequest.newBuilder().setRequestId(id).setTenantId("t1").setVoiceId("v1").setText(text)
                .setFormat(format).setSpeed(1.0).setSentencePauseMs(300).setParagraphPauseMs(800)
                .setEventTime(Instant.now()).build();
    }

    /** What a synth worker would publish: a tone per chunk, its pitch telling chunks apart. */
    private SynthesisChunkResult resultFor(SynthesisChunk chunk) throws Exception {
        int n = RATE / 10 * (1 + chunk.getChunkIndex() % 3);
        float[] tone = new float[n];
        for (int i = 0; i < n; i++) tone[i] = (float) (0.2 * Math.sin(2 * Math.PI * (200 + 50 * chunk.getChunkIndex()) * i / RATE));
        BlobRef ref = blobs.putAt("synthesis/" + chunk.getRequestId() + "/chunks/" + chunk.getChunkIndex() + ".wav",
                new ByteArrayInputStream(WavIo.toWav16(new PcmAudio(tone, RATE))), "audio/wav");
        return SynthesisChunkResult.newBuilder().setRequestId(chunk.getRequestId()).setTenantId(chunk.getTenantId())
                .setVoiceId(chunk.getVoiceId()).setChunkIndex(chunk.getChunkIndex()).setChunkCount(chunk.getChunkCount())
                .setSucceeded(true).setAudio(ref).setSampleRate(RATE).setSampleCount(n)
                .setPauseAfterMs(chunk.getPauseAfterMs()).setChapterTitle(chunk.getChapterTitle())
                .setFormat(chunk.getFormat()).setSynthesisSeconds(0.01).setEventTime(Instant.now()).build();
    }

    @Test
    void splitsInOrderAndAssemblesTheBookOnceWithPausesAndChapters() throws Exception {
        requests.pipeInput("r1", request("r1", TEXT, AudioFormat.WAV));
        List<SynthesisChunk> split = chunks.readValuesToList();
        assertTrue(split.size() >= 4, "chapters and paragraphs give several chunks: " + split.size());
        for (int i = 0; i < split.size(); i++) {
            assertEquals(i, split.get(i).getChunkIndex());
            assertEquals(split.size(), split.get(i).getChunkCount());
        }
        assertEquals(0, split.get(split.size() - 1).getPauseAfterMs(), "no pause after the last chunk");
        long chapterHeads = split.stream().filter(c -> c.getChapterTitle() != null).count();
        assertEquals(2, chapterHeads);

        // Results arrive out of order and one is delivered twice: the book must not change.
        List<SynthesisChunkResult> done = new java.util.ArrayList<>();
        for (SynthesisChunk chunk : split) done.add(resultFor(chunk));
        java.util.Collections.reverse(done);
        for (int i = 0; i < done.size(); i++) {
            results.pipeInput("r1", done.get(i));
            if (i == 0) results.pipeInput("r1", done.get(i));
            if (i < done.size() - 1) assertTrue(completed.isEmpty(), "not complete before the last chunk");
        }
        List<SynthesisCompleted> outcome = completed.readValuesToList();
        assertEquals(1, outcome.size());
        SynthesisCompleted book = outcome.get(0);
        assertTrue(book.getSucceeded(), String.valueOf(book.getError()));
        assertEquals(2, book.getChapters().size());
        assertEquals(0.0, book.getChapters().get(0).getStartSeconds(), 1e-9);

        long expectedSamples = 0;
        for (SynthesisChunk chunk : split) {
            expectedSamples += RATE / 10 * (1 + chunk.getChunkIndex() % 3) + (long) chunk.getPauseAfterMs() * RATE / 1000;
        }
        assertEquals(expectedSamples / (double) RATE, book.getDurationSeconds(), 1e-6);
        PcmAudio audio;
        try (InputStream in = blobs.open(book.getAudio().getKey())) {
            audio = WavIo.read(in);
        }
        assertEquals(expectedSamples, audio.length(), "chunks and pauses, each exactly once");
        // The first chunk's tone starts the book; silence follows it for its pause.
        int firstChunk = RATE / 10;
        assertTrue(Math.abs(audio.samples()[firstChunk / 4]) > 0.0 || Math.abs(audio.samples()[firstChunk / 4 + 1]) > 0.0);
        int pauseMiddle = firstChunk + split.get(0).getPauseAfterMs() * RATE / 2000;
        assertEquals(0.0f, audio.samples()[pauseMiddle], 1e-4f);

        // A late duplicate after completion changes nothing.
        results.pipeInput("r1", done.get(0));
        assertTrue(completed.isEmpty());
    }

    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.EnumSource(value = AudioFormat.class, names = {"FLAC", "OGG_OPUS"})
    void encodesCompressedFormatsWithChapterMetadata(AudioFormat format) throws Exception {
        String id = "book-" + format;
        requests.pipeInput(id, request(id, TEXT, format));
        for (SynthesisChunk chunk : chunks.readValuesToList()) results.pipeInput(id, resultFor(chunk));
        SynthesisCompleted book = completed.readValue();
        assertTrue(book.getSucceeded(), String.valueOf(book.getError()));
        Path file = dir.resolve("book." + (format == AudioFormat.FLAC ? "flac" : "ogg"));
        try (InputStream in = blobs.open(book.getAudio().getKey())) {
            java.nio.file.Files.copy(in, file);
        }
        byte[] magic = java.util.Arrays.copyOf(java.nio.file.Files.readAllBytes(file), 4);
        assertEquals(format == AudioFormat.FLAC ? "fLaC" : "OggS", new String(magic, java.nio.charset.StandardCharsets.US_ASCII));
        // Ogg carries real chapters; FLAC the Vorbis-comment CHAPTERnnnNAME tags.
        Process probe = new ProcessBuilder("ffprobe", "-v", "error", "-show_chapters", "-show_entries",
                "format_tags", "-of", "csv=p=0", file.toString()).redirectErrorStream(true).start();
        String out = new String(probe.getInputStream().readAllBytes());
        assertEquals(0, probe.waitFor(), out);
        assertTrue(out.contains("Chapter 1: The Harbour") && out.contains("Chapter 2: The Town"), out);
    }

    @Test
    void aFailedChunkFailsTheRequestWithItsReason() throws Exception {
        requests.pipeInput("r2", request("r2", "One sentence. Another sentence here.", AudioFormat.WAV));
        SynthesisChunk first = chunks.readValuesToList().get(0);
        SynthesisChunkResult failed = SynthesisChunkResult.newBuilder(resultFor(first)).setSucceeded(false)
                .setAudio(null).setError("voice v1 has no trained model").build();
        results.pipeInput("r2", failed);
        SynthesisCompleted outcome = completed.readValue();
        assertFalse(outcome.getSucceeded());
        assertTrue(outcome.getError().contains("no trained model"), outcome.getError());
    }

    @Test
    void textWithNothingToSayIsRefusedAndPoisonGoesToDeadLetters() {
        requests.pipeInput("r3", request("r3", " ... !!! ", AudioFormat.WAV));
        SynthesisCompleted outcome = completed.readValue();
        assertFalse(outcome.getSucceeded());
        assertNotNull(outcome.getError());
        assertTrue(chunks.isEmpty());

        rawResults.pipeInput("r4", new byte[] {1, 2, 3, 4, 5, 6});
        DeadLetter letter = deadLetters.readValue();
        assertEquals(Topics.SYNTHESIS_CHUNK_RESULTS, letter.getSourceTopic());
        assertTrue(letter.getReason().contains("magic byte"), letter.getReason());
        // ...and the flow goes on.
        requests.pipeInput("r5", request("r5", "Still working.", AudioFormat.WAV));
        assertEquals(1, chunks.readValuesToList().size());
    }
}
