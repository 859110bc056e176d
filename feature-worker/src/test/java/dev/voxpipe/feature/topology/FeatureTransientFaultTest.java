package dev.voxpipe.feature.topology;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.voxpipe.core.blob.BlobStore;
import dev.voxpipe.core.blob.FileSystemBlobStore;
import dev.voxpipe.core.blob.OutageBlobStore;
import dev.voxpipe.core.fault.Retry;
import dev.voxpipe.core.fault.TransientFaultException;
import dev.voxpipe.core.serde.AvroWireSerde;
import dev.voxpipe.core.serde.InMemorySchemaRegistry;
import dev.voxpipe.core.serde.SchemaRegistryClient;
import dev.voxpipe.core.serde.SchemaRegistryException;
import dev.voxpipe.core.topics.Topics;
import dev.voxpipe.feature.label.LabelSettings;
import dev.voxpipe.schemas.DeadLetter;
import dev.voxpipe.schemas.MelFeatures;
import dev.voxpipe.schemas.RawAudioUploaded;
import dev.voxpipe.schemas.SlicedClip;
import dev.voxpipe.schemas.VoiceDatasetSummary;
import dev.voxpipe.schemas.common.AudioFormat;
import dev.voxpipe.schemas.common.BlobRef;
import dev.voxpipe.schemas.common.ConsentAttestation;
import java.io.ByteArrayInputStream;
import java.net.ConnectException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.avro.Schema;
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

/**
 * Issue 17: a registry or blob-store outage mid-upload is waited out (bounded backoff, then the
 * record is read again), never turned into a dead letter; only content faults are.
 */
class FeatureTransientFaultTest {

    @TempDir
    Path dir;

    private final InMemorySchemaRegistry registry = new InMemorySchemaRegistry();
    private final AtomicBoolean registryDown = new AtomicBoolean();
    private OutageBlobStore flakyBlobs;
    private BlobStore store;
    private TopologyTestDriver driver;
    private TestInputTopic<String, RawAudioUploaded> uploads;
    private TestOutputTopic<String, SlicedClip> clips;
    private TestOutputTopic<String, MelFeatures> mels;
    private TestOutputTopic<String, VoiceDatasetSummary> summaries;
    private TestOutputTopic<String, DeadLetter> deadLetters;

    /** The registry as the topology sees it: unreachable while {@code registryDown}. */
    private final SchemaRegistryClient flakyRegistry = new SchemaRegistryClient() {
        private void check() {
            if (registryDown.get()) throw new SchemaRegistryException.Unavailable("schema registry is unreachable", new ConnectException("refused"));
        }
        @Override public String url() { return registry.url(); }
        @Override public int register(String subject, Schema schema) { check(); return registry.register(subject, schema); }
        @Override public int lookup(String subject, Schema schema) { check(); return registry.lookup(subject, schema); }
        @Override public Schema schemaById(int id) { check(); return registry.schemaById(id); }
        @Override public void setCompatibility(String subject, String level) { registry.setCompatibility(subject, level); }
        @Override public boolean isCompatibleWithLatest(String subject, Schema schema) { return registry.isCompatibleWithLatest(subject, schema); }
    };

    @BeforeEach
    void start() throws Exception {
        store = new FileSystemBlobStore(dir.resolve("blobs"));
        flakyBlobs = new OutageBlobStore(store);
        // a short budget: 10 ms backoff doubling to 40 ms, at most 300 ms in place; no labelling (speech recognition
        // of every upload cost most of this test's time, and outages are about reading and writing, not labels)
        FeatureSettings settings = FeatureSettings.defaults()
                .withRetry(new Retry.Policy(Duration.ofMillis(10), Duration.ofMillis(40), Duration.ofMillis(300)))
                .withLabel(LabelSettings.off());
        FeatureSerdes serdes = new FeatureSerdes(flakyRegistry);
        StreamsBuilder b = FeatureTopology.build(new StreamsBuilder(), settings, serdes, flakyBlobs);
        Properties p = new Properties();
        p.put(StreamsConfig.APPLICATION_ID_CONFIG, "feature-fault-test");
        p.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
        p.put(StreamsConfig.STATE_DIR_CONFIG, dir.resolve("state").toString());
        driver = new TopologyTestDriver(b.build(), p);
        uploads = driver.createInputTopic(Topics.AUDIO_UPLOADED, Serdes.String().serializer(), AvroWireSerde.of(registry, RawAudioUploaded.class).serializer());
        FeatureSerdes reading = new FeatureSerdes(registry);
        clips = driver.createOutputTopic(Topics.AUDIO_CLIPS, Serdes.String().deserializer(), reading.of(SlicedClip.class).deserializer());
        mels = driver.createOutputTopic(Topics.FEATURES_MEL, Serdes.String().deserializer(), reading.of(MelFeatures.class).deserializer());
        summaries = driver.createOutputTopic(Topics.VOICE_DATASETS, Serdes.String().deserializer(), reading.of(VoiceDatasetSummary.class).deserializer());
        deadLetters = driver.createOutputTopic(Topics.DEAD_LETTERS, Serdes.String().deserializer(), reading.of(DeadLetter.class).deserializer());
    }

    @AfterEach
    void stop() throws Exception {
        driver.close();
        store.close();
    }

    private RawAudioUploaded upload(String uploadId, byte[] audio) throws Exception {
        BlobRef ref = store.put(new ByteArrayInputStream(audio), "application/octet-stream");
        return RawAudioUploaded.newBuilder().setTenantId("t1").setVoiceId("voice-f").setUploadId(uploadId).setBlob(ref)
                .setDeclaredFormat("audio/wav").setSniffedFormat(AudioFormat.WAV).setTranscript(null)
                .setConsent(ConsentAttestation.newBuilder().setAttestedBy("test").setStatement("mine").setAttestedAt(Instant.EPOCH).build())
                .setEventTime(Instant.EPOCH).build();
    }

    @Test
    void aRegistryOutageMidUploadIsWaitedOutNotDeadLettered() throws Exception {
        RawAudioUploaded up = upload("up-reg", TestAudio.speech(6));
        registryDown.set(true);
        // longer than the in-place budget: the record is not processed, and no dead letter is written
        RuntimeException e = assertThrows(RuntimeException.class, () -> uploads.pipeInput("voice-f", up));
        assertTrue(causedBy(e, TransientFaultException.class), "a lasting outage surfaces as a transient fault: " + e);
        assertTrue(deadLetters.isEmpty(), "a registry outage is not the upload's fault");
        assertTrue(summaries.isEmpty() && clips.isEmpty(), "nothing of the upload was emitted");

        // the registry comes back; the stream reads the record again (as after the thread's replacement)
        registryDown.set(false);
        uploads.pipeInput("voice-f", up);
        assertTrue(deadLetters.isEmpty());
        VoiceDatasetSummary summary = summaries.readValue();
        assertTrue(summary.getClipsAccepted() >= 1 && summary.getUsableSeconds() > 3, "processed: " + summary);
        assertTrue(summary.getUploadsRejected().isEmpty(), summary.getUploadsRejected().toString());
        // the upload's own final state
        assertEquals(1, summary.getUploads().size());
        var outcome = summary.getUploads().get(0);
        assertEquals("up-reg", outcome.getUploadId());
        assertEquals("PROCESSED", outcome.getState());
        assertEquals(summary.getClipsAccepted(), outcome.getClipsAccepted());
        assertEquals(summary.getUsableSeconds(), outcome.getUsableSeconds(), 1e-9);
    }

    @Test
    void aShortBlobStoreOutageIsRetriedInPlace() throws Exception {
        RawAudioUploaded up = upload("up-blob", TestAudio.speech(6));
        flakyBlobs.down().set(true);
        Thread healer = new Thread(() -> {
            while (flakyBlobs.failures() < 3) Thread.onSpinWait();
            flakyBlobs.down().set(false);
        });
        healer.start();
        uploads.pipeInput("voice-f", up);
        healer.join(5_000);
        assertTrue(flakyBlobs.failures() >= 3, "the store failed " + flakyBlobs.failures() + " times");
        assertTrue(deadLetters.isEmpty(), "a blob-store outage is not the upload's fault");
        VoiceDatasetSummary summary = summaries.readValue();
        assertTrue(summary.getClipsAccepted() >= 1, summary.toString());
        assertEquals(summary.getClipsAccepted(), mels.readKeyValuesToMap().size(), "every accepted clip got its features");
    }

    @Test
    void aLastingBlobStoreOutageLeavesNoTraceAndTheRereadCountsOnce() throws Exception {
        RawAudioUploaded up = upload("up-long", TestAudio.speech(6));
        flakyBlobs.down().set(true);
        assertThrows(RuntimeException.class, () -> uploads.pipeInput("voice-f", up));
        assertTrue(deadLetters.isEmpty() && summaries.isEmpty());
        flakyBlobs.down().set(false);
        uploads.pipeInput("voice-f", up);
        VoiceDatasetSummary summary = summaries.readValue();
        assertTrue(summary.getUploadsRejected().isEmpty(), "not taken for a duplicate of itself: " + summary.getUploadsRejected());
        assertTrue(summary.getClipsAccepted() >= 1);
    }

    @Test
    void contentFaultsStillBecomeDeadLettersAtOnce() throws Exception {
        RawAudioUploaded missing = upload("up-missing", TestAudio.speech(2));
        store.delete(missing.getBlob().getKey());
        uploads.pipeInput("voice-f", missing);
        DeadLetter letter = deadLetters.readValue();
        assertTrue(letter.getReason().contains("missing from the blob store"), letter.getReason());
        var outcome = summaries.readValue().getUploads().get(0);
        assertEquals("REJECTED", outcome.getState(), "a dead-lettered upload ends REJECTED in its own status");
        assertTrue(outcome.getReason().contains("missing from the blob store"), outcome.getReason());
        RawAudioUploaded garbage = upload("up-garbage", "this is not audio at all, just text bytes".getBytes());
        uploads.pipeInput("voice-f", garbage);
        assertTrue(deadLetters.readValue().getReason().contains("up-garbage"));
    }

    private static boolean causedBy(Throwable e, Class<? extends Throwable> type) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) if (type.isInstance(t)) return true;
        return false;
    }
}
