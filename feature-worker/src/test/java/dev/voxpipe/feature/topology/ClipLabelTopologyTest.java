package dev.voxpipe.feature.topology;

import dev.voxpipe.core.blob.BlobStore;
import dev.voxpipe.core.blob.FileSystemBlobStore;
import dev.voxpipe.core.serde.AvroWireSerde;
import dev.voxpipe.core.serde.InMemorySchemaRegistry;
import dev.voxpipe.core.topics.Topics;
import dev.voxpipe.feature.label.LabelSettings;
import dev.voxpipe.schemas.MelFeatures;
import dev.voxpipe.schemas.RawAudioUploaded;
import dev.voxpipe.schemas.SlicedClip;
import dev.voxpipe.schemas.VoiceDatasetSummary;
import dev.voxpipe.schemas.common.AudioFormat;
import dev.voxpipe.schemas.common.BlobRef;
import dev.voxpipe.schemas.common.ConsentAttestation;
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

import java.io.ByteArrayInputStream;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Properties;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Labels through the topology (issue 20): clips carry their label and keep their audio in the blob store, the summary
 * counts seconds by label source and confidence, a held-back label never reaches training, and an edited clip (what
 * the API's PATCH publishes) is featured again with its new text, which is what the trainer reads.
 */
class ClipLabelTopologyTest {
    @TempDir
    Path dir;
    TopologyTestDriver driver;
    BlobStore blobs;
    TestInputTopic<String, RawAudioUploaded> uploads;
    TestInputTopic<String, SlicedClip> clipsIn;
    TestOutputTopic<String, SlicedClip> clips;
    TestOutputTopic<String, MelFeatures> mels;
    TestOutputTopic<String, VoiceDatasetSummary> summaries;

    @BeforeEach
    void start() throws Exception {
        InMemorySchemaRegistry registry = new InMemorySchemaRegistry();
        blobs = new FileSystemBlobStore(dir.resolve("blobs"));
        FeatureSerdes serdes = new FeatureSerdes(registry);
        // the punctuation split places this transcript: no recogniser is needed
        StreamsBuilder b = FeatureTopology.build(new StreamsBuilder(), FeatureSettings.defaults().withLabel(LabelSettings.off()), serdes, blobs);
        Properties p = new Properties();
        p.put(StreamsConfig.APPLICATION_ID_CONFIG, "clip-label-test");
        p.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
        p.put(StreamsConfig.STATE_DIR_CONFIG, dir.resolve("state").toString());
        driver = new TopologyTestDriver(b.build(), p);
        uploads = driver.createInputTopic(Topics.AUDIO_UPLOADED, Serdes.String().serializer(), AvroWireSerde.of(registry, RawAudioUploaded.class).serializer());
        clipsIn = driver.createInputTopic(Topics.AUDIO_CLIPS, Serdes.String().serializer(), AvroWireSerde.of(registry, SlicedClip.class).serializer());
        clips = driver.createOutputTopic(Topics.AUDIO_CLIPS, Serdes.String().deserializer(), serdes.of(SlicedClip.class).deserializer());
        mels = driver.createOutputTopic(Topics.FEATURES_MEL, Serdes.String().deserializer(), serdes.of(MelFeatures.class).deserializer());
        summaries = driver.createOutputTopic(Topics.VOICE_DATASETS, Serdes.String().deserializer(), serdes.of(VoiceDatasetSummary.class).deserializer());
    }

    @AfterEach
    void stop() throws Exception {
        driver.close();
        blobs.close();
    }

    private void uploadTheMinute() throws Exception {
        BlobRef ref = blobs.put(new ByteArrayInputStream(TestAudio.upload60s()), "application/octet-stream");
        uploads.pipeInput("voice-a", RawAudioUploaded.newBuilder().setTenantId("t1").setVoiceId("voice-a").setUploadId("up-1").setBlob(ref)
                .setDeclaredFormat("audio/wav").setSniffedFormat(AudioFormat.WAV).setTranscript(TestAudio.transcript60s())
                .setConsent(ConsentAttestation.newBuilder().setAttestedBy("test").setStatement("mine").setAttestedAt(Instant.EPOCH).build())
                .setEventTime(Instant.EPOCH).build());
    }

    @Test
    void givenTextIsLabelledAndCountedAndEveryAcceptedClipKeepsItsAudio() throws Exception {
        uploadTheMinute();
        List<SlicedClip> accepted = clips.readValuesToList().stream().filter(SlicedClip::getAccepted).toList();
        assertTrue(accepted.size() >= 10);
        for (SlicedClip c : accepted) {
            assertEquals("given", c.getLabelSource());
            assertEquals(1.0, c.getLabelConfidence());
            assertTrue(c.getLabelTrainable());
            assertNotNull(c.getBlob(), "the label API plays every accepted clip from the blob store");
            assertTrue(blobs.stat(c.getBlob().getKey()).isPresent());
        }
        Map<String, MelFeatures> features = mels.readKeyValuesToMap();
        accepted.forEach(c -> assertEquals("given", features.get(c.getClipId()).getLabelSource()));
        VoiceDatasetSummary s = summaries.readKeyValuesToMap().get("voice-a");
        assertEquals(s.getUsableSeconds(), s.getSecondsByLabelSource().get("given"), 1e-9);
        assertEquals(s.getUsableSeconds(), s.getSecondsByConfidence().get("0.9-1.0"), 1e-9);
        assertEquals(s.getUsableSeconds(), s.getTextSeconds(), 1e-9);
    }

    @Test
    void anEditedClipIsFeaturedAgainWithItsNewTextAndAHeldBackOneTrainsNothing() throws Exception {
        uploadTheMinute();
        SlicedClip original = clips.readValuesToList().stream().filter(SlicedClip::getAccepted).findFirst().orElseThrow();
        MelFeatures before = mels.readKeyValuesToMap().get(original.getClipId());
        assertEquals(original.getTranscript(), before.getTranscript());

        // recognised text below the threshold: features are computed, but training gets no text
        clipsIn.pipeInput(original.getClipId(), SlicedClip.newBuilder(original).setTranscript("that agent is all ready logged on")
                .setLabelSource("recognised").setLabelConfidence(0.42).setLabelTrainable(false)
                .setLabelNote("recognised with confidence 0.42").build());
        MelFeatures held = mels.readKeyValuesToMap().get(original.getClipId());
        assertNull(held.getTranscript(), "a held-back label is not the text training uses");
        assertEquals("that agent is all ready logged on", held.getProvisionalTranscript(),
                "it travels as provisional text, for a voice with too little confirmed text");
        assertEquals("recognised", held.getLabelSource());

        // what PATCH publishes: the clip's audio by blob only, a person's text, source edited
        SlicedClip edited = SlicedClip.newBuilder(original).setInlinePcm16(null).setTranscript("That agent is already logged on!")
                .setLabelSource("edited").setLabelConfidence(1.0).setLabelTrainable(true).setLabelNote(null).build();
        clipsIn.pipeInput(original.getClipId(), edited);
        MelFeatures after = mels.readKeyValuesToMap().get(original.getClipId());
        assertEquals("That agent is already logged on!", after.getTranscript());
        assertNull(after.getProvisionalTranscript(), "confirmed text is never provisional too");
        assertEquals("edited", after.getLabelSource());
        assertEquals(before.getFrameCount(), after.getFrameCount(), "the same audio, read back from the blob store");
        assertEquals(before.getData(), after.getData());
    }
}
