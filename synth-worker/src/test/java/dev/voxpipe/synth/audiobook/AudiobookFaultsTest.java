package dev.voxpipe.synth.audiobook;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.voxpipe.core.blob.BlobStore;
import dev.voxpipe.core.blob.FileSystemBlobStore;
import dev.voxpipe.core.blob.OutageBlobStore;
import dev.voxpipe.core.fault.Retry;
import dev.voxpipe.core.serde.AvroWireSerde;
import dev.voxpipe.core.serde.InMemorySchemaRegistry;
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
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Issue 17: a blob-store outage while a book is written is waited out; the book is not failed. */
class AudiobookFaultsTest {

    private static final int RATE = 32000;

    @TempDir
    Path dir;

    @Test
    void aBlobStoreOutageWhileTheBookIsWrittenNeverFailsTheBook() throws Exception {
        InMemorySchemaRegistry registry = new InMemorySchemaRegistry();
        try (FileSystemBlobStore store = new FileSystemBlobStore(dir.resolve("blobs"))) {
            OutageBlobStore flaky = new OutageBlobStore(store);
            AtomicBoolean down = flaky.down();
            StreamsBuilder builder = new StreamsBuilder();
            AudiobookTopology.build(builder, registry, new RequestSplitter(flaky, 120), new BookWriter(flaky, "ffmpeg"),
                    new Retry("audiobook", new Retry.Policy(Duration.ofMillis(5), Duration.ofMillis(20), Duration.ofMillis(150)), null));
            Properties props = new Properties();
            props.put(StreamsConfig.APPLICATION_ID_CONFIG, "audiobook-faults");
            props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
            props.put(StreamsConfig.STATE_DIR_CONFIG, dir.resolve("state").toString());
            try (TopologyTestDriver driver = new TopologyTestDriver(builder.build(), props)) {
                var s = Serdes.String();
                TestInputTopic<String, SynthesisRequest> requests = driver.createInputTopic(Topics.SYNTHESIS_REQUESTS, s.serializer(),
                        AvroWireSerde.of(registry, SynthesisRequest.class).serializer());
                TestInputTopic<String, SynthesisChunkResult> results = driver.createInputTopic(Topics.SYNTHESIS_CHUNK_RESULTS,
                        s.serializer(), AvroWireSerde.of(registry, SynthesisChunkResult.class).serializer());
                TestOutputTopic<String, SynthesisChunk> chunks = driver.createOutputTopic(Topics.SYNTHESIS_CHUNKS, s.deserializer(),
                        AvroWireSerde.of(registry, SynthesisChunk.class).deserializer());
                TestOutputTopic<String, SynthesisCompleted> completed = driver.createOutputTopic(Topics.SYNTHESIS_COMPLETED,
                        s.deserializer(), AvroWireSerde.of(registry, SynthesisCompleted.class).deserializer());
                TestOutputTopic<String, DeadLetter> deadLetters = driver.createOutputTopic(Topics.DEAD_LETTERS, s.deserializer(),
                        AvroWireSerde.of(registry, DeadLetter.class).deserializer());

                requests.pipeInput("r9", SynthesisRequest.newBuilder().setRequestId("r9").setTenantId("t1").setVoiceId("v1")
                        .setText("One sentence. Another one here.").setFormat(AudioFormat.WAV).setSpeed(1.0)
                        .setSentencePauseMs(300).setParagraphPauseMs(800).setEventTime(Instant.now()).build());
                List<SynthesisChunk> split = chunks.readValuesToList();
                for (int i = 0; i < split.size() - 1; i++) results.pipeInput("r9", resultFor(store, split.get(i)));
                SynthesisChunkResult last = resultFor(store, split.get(split.size() - 1));

                down.set(true); // the last result arrives while the store is away
                assertThrows(RuntimeException.class, () -> results.pipeInput("r9", last), "the stage waits (rewinds)");
                assertTrue(completed.isEmpty(), "the book is not failed because the store was away");
                assertTrue(deadLetters.isEmpty());

                down.set(false); // the result is read again once the thread is replaced
                results.pipeInput("r9", last);
                List<SynthesisCompleted> done = completed.readValuesToList();
                assertEquals(1, done.size());
                assertTrue(done.get(0).getSucceeded(), String.valueOf(done.get(0).getError()));
                assertEquals(split.size(), done.get(0).getChunkCount());
            }
        }
    }

    @Test
    void theWatchdogFailsABookThatStallsSayingWhichChunksAreMissingAndMarkersExpire() throws Exception {
        InMemorySchemaRegistry registry = new InMemorySchemaRegistry();
        try (FileSystemBlobStore store = new FileSystemBlobStore(dir.resolve("blobs"))) {
            StreamsBuilder builder = new StreamsBuilder();
            AudiobookTopology.build(builder, registry, new RequestSplitter(store, 120), new BookWriter(store, "ffmpeg"),
                    new Retry("audiobook", Retry.Policy.defaults(), null),
                    new AudiobookTopology.Watchdog(Duration.ofMinutes(30), Duration.ofHours(2)));
            Properties props = new Properties();
            props.put(StreamsConfig.APPLICATION_ID_CONFIG, "audiobook-watchdog");
            props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
            props.put(StreamsConfig.STATE_DIR_CONFIG, dir.resolve("state").toString());
            try (TopologyTestDriver driver = new TopologyTestDriver(builder.build(), props)) {
                var s = Serdes.String();
                TestInputTopic<String, SynthesisChunkResult> results = driver.createInputTopic(Topics.SYNTHESIS_CHUNK_RESULTS,
                        s.serializer(), AvroWireSerde.of(registry, SynthesisChunkResult.class).serializer());
                TestOutputTopic<String, SynthesisCompleted> completed = driver.createOutputTopic(Topics.SYNTHESIS_COMPLETED,
                        s.deserializer(), AvroWireSerde.of(registry, SynthesisCompleted.class).deserializer());
                SynthesisChunk[] chunks = new SynthesisChunk[4];
                for (int i = 0; i < 4; i++) {
                    chunks[i] = SynthesisChunk.newBuilder().setRequestId("r-stall").setTenantId("t1").setVoiceId("v1").setChunkIndex(i)
                            .setChunkCount(4).setText("Words.").setFormat(AudioFormat.WAV).setEventTime(Instant.EPOCH).build();
                }
                results.pipeInput("r-stall", resultFor(store, chunks[0]));
                results.pipeInput("r-stall", resultFor(store, chunks[2])); // 1 and 3 were dead-lettered or lost

                driver.advanceWallClockTime(Duration.ofMinutes(20));
                assertTrue(completed.isEmpty(), "not failed before the deadline");
                driver.advanceWallClockTime(Duration.ofMinutes(15));
                List<SynthesisCompleted> done = completed.readValuesToList();
                assertEquals(1, done.size(), "failed once by the watchdog");
                assertTrue(!done.get(0).getSucceeded() && done.get(0).getError().contains("2 of 4 chunks done, missing 1, 3")
                        && done.get(0).getError().contains("watchdog"), done.get(0).getError());

                results.pipeInput("r-stall", resultFor(store, chunks[1])); // a late result changes nothing
                driver.advanceWallClockTime(Duration.ofMinutes(40));
                assertTrue(completed.isEmpty());
                var assembly = driver.<String, AssemblyState>getKeyValueStore(AudiobookTopology.ASSEMBLY_STORE);
                assertTrue(assembly.get("r-stall").completed(), "the marker is kept a while");
                driver.advanceWallClockTime(Duration.ofHours(3));
                assertEquals(null, assembly.get("r-stall"), "and expires");
            }
        }
    }

    private static SynthesisChunkResult resultFor(BlobStore blobs, SynthesisChunk chunk) throws Exception {
        int n = RATE / 10;
        float[] tone = new float[n];
        for (int i = 0; i < n; i++) tone[i] = (float) (0.2 * Math.sin(2 * Math.PI * 220 * i / RATE));
        BlobRef ref = blobs.putAt("synthesis/" + chunk.getRequestId() + "/chunks/" + chunk.getChunkIndex() + ".wav",
                new ByteArrayInputStream(WavIo.toWav16(new PcmAudio(tone, RATE))), "audio/wav");
        return SynthesisChunkResult.newBuilder().setRequestId(chunk.getRequestId()).setTenantId(chunk.getTenantId())
                .setVoiceId(chunk.getVoiceId()).setChunkIndex(chunk.getChunkIndex()).setChunkCount(chunk.getChunkCount())
                .setSucceeded(true).setAudio(ref).setSampleRate(RATE).setSampleCount(n)
                .setPauseAfterMs(chunk.getPauseAfterMs()).setChapterTitle(chunk.getChapterTitle())
                .setFormat(chunk.getFormat()).setSynthesisSeconds(0.01).setEventTime(Instant.now()).build();
    }
}
