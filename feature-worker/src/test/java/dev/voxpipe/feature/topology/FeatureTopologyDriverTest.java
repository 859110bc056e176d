package dev.voxpipe.feature.topology;

import dev.voxpipe.core.blob.BlobStore;
import dev.voxpipe.core.blob.FileSystemBlobStore;
import dev.voxpipe.core.serde.AvroWireSerde;
import dev.voxpipe.core.serde.InMemorySchemaRegistry;
import dev.voxpipe.core.serde.SchemaRegistryClient;
import dev.voxpipe.core.topics.Topics;
import dev.voxpipe.schemas.DeadLetter;
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
import java.util.Set;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The topology in a TopologyTestDriver, with the in-memory schema registry: no broker, no registry. */
class FeatureTopologyDriverTest {
    @TempDir
    Path dir;
    TopologyTestDriver driver;
    BlobStore blobs;
    SchemaRegistryClient registry;
    TestInputTopic<String, RawAudioUploaded> uploads;
    TestInputTopic<String, byte[]> rawUploads;
    TestOutputTopic<String, SlicedClip> clips;
    TestOutputTopic<String, MelFeatures> mels;
    TestOutputTopic<String, VoiceDatasetSummary> summaries;
    TestOutputTopic<String, DeadLetter> deadLetters;

    @BeforeEach
    void start() throws Exception {
        registry = new InMemorySchemaRegistry();
        blobs = new FileSystemBlobStore(dir.resolve("blobs"));
        FeatureSerdes serdes = new FeatureSerdes(registry);
        StreamsBuilder b = FeatureTopology.build(new StreamsBuilder(), FeatureSettings.defaults().withLabel(dev.voxpipe.feature.label.LabelSettings.off()), serdes, blobs);
        Properties p = new Properties();
        p.put(StreamsConfig.APPLICATION_ID_CONFIG, "feature-driver-test");
        p.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
        p.put(StreamsConfig.STATE_DIR_CONFIG, dir.resolve("state").toString());
        driver = new TopologyTestDriver(b.build(), p);
        uploads = driver.createInputTopic(Topics.AUDIO_UPLOADED, Serdes.String().serializer(), AvroWireSerde.of(registry, RawAudioUploaded.class).serializer());
        rawUploads = driver.createInputTopic(Topics.AUDIO_UPLOADED, Serdes.String().serializer(), Serdes.ByteArray().serializer());
        clips = driver.createOutputTopic(Topics.AUDIO_CLIPS, Serdes.String().deserializer(), serdes.of(SlicedClip.class).deserializer());
        mels = driver.createOutputTopic(Topics.FEATURES_MEL, Serdes.String().deserializer(), serdes.of(MelFeatures.class).deserializer());
        summaries = driver.createOutputTopic(Topics.VOICE_DATASETS, Serdes.String().deserializer(), serdes.of(VoiceDatasetSummary.class).deserializer());
        deadLetters = driver.createOutputTopic(Topics.DEAD_LETTERS, Serdes.String().deserializer(), serdes.of(DeadLetter.class).deserializer());
    }

    @AfterEach
    void stop() throws Exception {
        driver.close();
        blobs.close();
    }

    RawAudioUploaded upload(String voice, String uploadId, byte[] audio, String transcript) throws Exception {
        BlobRef ref = blobs.put(new ByteArrayInputStream(audio), "application/octet-stream");
        return RawAudioUploaded.newBuilder().setTenantId("t1").setVoiceId(voice).setUploadId(uploadId).setBlob(ref)
                .setDeclaredFormat("audio/wav").setSniffedFormat(AudioFormat.WAV).setTranscript(transcript)
                .setConsent(ConsentAttestation.newBuilder().setAttestedBy("test").setStatement("mine").setAttestedAt(Instant.EPOCH).build())
                .setEventTime(Instant.EPOCH).build();
    }

    @Test
    void realSpeakerMinuteBecomesClipsFeaturesAndASummary() throws Exception {
        uploads.pipeInput("voice-a", upload("voice-a", "up-1", TestAudio.upload60s(), TestAudio.transcript60s()));
        List<SlicedClip> all = clips.readValuesToList();
        List<SlicedClip> accepted = all.stream().filter(SlicedClip::getAccepted).toList();
        assertTrue(accepted.size() >= 10, "accepted " + accepted.size());
        Map<String, MelFeatures> features = mels.readKeyValuesToMap();
        assertEquals(accepted.stream().map(SlicedClip::getClipId).collect(Collectors.toSet()), features.keySet());
        for (SlicedClip c : accepted) {
            MelFeatures m = features.get(c.getClipId());
            int samples = (int) (c.getEndSample() - c.getStartSample());
            assertEquals(1 + samples / 320, m.getFrameCount());
            assertEquals(100, m.getMelBins());
            assertEquals(m.getFrameCount(), m.getF0Hz().size());
            assertNotNull(c.getTranscript());
            assertEquals(c.getTranscript(), m.getTranscript());
            assertTrue(c.getInlinePcm16() != null || c.getBlob() != null);
            byte[] tensor = m.getData() != null ? m.getData().array() : blobs.open(m.getBlob().getKey()).readAllBytes();
            float[][] mel = Payloads.decodeMel(tensor, m.getFrameCount(), m.getMelBins(), m.getEncoding());
            double mean = 0;
            for (float[] row : mel) for (float v : row) mean += v;
            mean /= (double) m.getFrameCount() * m.getMelBins();
            assertTrue(mean > -11.6 && mean < 5, "plausible log-mel mean " + mean);
            long voiced = m.getF0Hz().stream().filter(f -> f > 0).count();
            double f0 = m.getF0Hz().stream().filter(f -> f > 0).mapToDouble(Float::doubleValue).average().orElse(0);
            assertTrue(voiced > m.getFrameCount() / 5 && f0 > 140 && f0 < 280, "F0 of a female speaker: " + f0);
        }
        VoiceDatasetSummary s = summaries.readKeyValuesToMap().get("voice-a");
        assertEquals(accepted.size(), s.getClipsAccepted());
        assertEquals(all.size() - accepted.size(), s.getClipsRejected());
        assertTrue(s.getUsableSeconds() > 45 && s.getUsableSeconds() < 62, "usable " + s.getUsableSeconds());
        assertTrue(deadLetters.isEmpty());
    }

    @Test
    void theSameAudioUploadedTwiceForOneVoiceCountsOnce() throws Exception {
        byte[] audio = TestAudio.speech(12);
        uploads.pipeInput("voice-d", upload("voice-d", "first", audio, null));
        double once = summaries.readKeyValuesToMap().get("voice-d").getUsableSeconds();
        int clipsOnce = clips.readValuesToList().size();
        assertTrue(once > 5 && clipsOnce > 0, "usable " + once);

        uploads.pipeInput("voice-d", upload("voice-d", "again", audio, null));
        VoiceDatasetSummary s = summaries.readKeyValuesToMap().get("voice-d");
        assertEquals(once, s.getUsableSeconds(), 1e-9, "the repeated file adds no seconds");
        assertTrue(clips.isEmpty(), "and no clips");
        assertTrue(s.getUploadsRejected().stream().anyMatch(r -> r.startsWith("again: duplicate of upload first")),
                s.getUploadsRejected().toString());

        // another voice may use the same file, and a redelivery of the first upload is processed again
        uploads.pipeInput("voice-e", upload("voice-e", "first-e", audio, null));
        assertEquals(once, summaries.readKeyValuesToMap().get("voice-e").getUsableSeconds(), 1e-9);
        uploads.pipeInput("voice-d", upload("voice-d", "first", audio, null));
        assertEquals(2 * clipsOnce, clips.readValuesToList().size(), "voice-e's clips, then the redelivered upload's");
        assertTrue(deadLetters.isEmpty());
    }

    RawAudioUploaded deletion(RawAudioUploaded upload) {
        return RawAudioUploaded.newBuilder(upload).setDeletedAt(Instant.ofEpochSecond(60)).build();
    }

    @Test
    void deletingAnUploadTakesExactlyItsShareOutAndTombstonesItsClipsAndFeatures() throws Exception {
        RawAudioUploaded a = upload("voice-x", "up-a", TestAudio.speech(12), "one two three four five six");
        RawAudioUploaded b = upload("voice-x", "up-b", TestAudio.speech(7), null);
        uploads.pipeInput("voice-x", b);
        VoiceDatasetSummary onlyB = summaries.readKeyValuesToMap().get("voice-x");
        uploads.pipeInput("voice-x", a);
        VoiceDatasetSummary both = summaries.readKeyValuesToMap().get("voice-x");
        assertTrue(both.getUsableSeconds() > onlyB.getUsableSeconds() + 5, "A adds seconds: " + both.getUsableSeconds());
        Set<String> clipsOfA = clips.readKeyValuesToList().stream().map(kv -> kv.key).filter(k -> k.startsWith("up-a-")).collect(Collectors.toSet());
        assertFalse(clipsOfA.isEmpty());
        mels.readKeyValuesToList();

        uploads.pipeInput("voice-x", deletion(a));
        VoiceDatasetSummary after = summaries.readKeyValuesToMap().get("voice-x");
        assertEquals(onlyB.getUsableSeconds(), after.getUsableSeconds(), 1e-6, "back to B's seconds");
        assertEquals(onlyB.getClipsAccepted(), after.getClipsAccepted());
        assertEquals(onlyB.getClipsRejected(), after.getClipsRejected());
        assertEquals(onlyB.getTextSeconds(), after.getTextSeconds(), 1e-6, "A's transcribed seconds are gone");
        assertEquals(onlyB.getSecondsByLabelSource().keySet().stream().map(Object::toString).collect(Collectors.toSet()),
                after.getSecondsByLabelSource().keySet().stream().map(Object::toString).collect(Collectors.toSet()));
        assertEquals(List.of("up-b"), after.getUploads().stream().map(o -> o.getUploadId().toString()).toList());
        assertTrue(after.getRejections().stream().noneMatch(r -> r.getUploadId().equals("up-a")));
        // every clip of A gets a tombstone, and the clip stage passes each on to the features
        var clipTombstones = clips.readKeyValuesToList();
        assertEquals(clipsOfA, clipTombstones.stream().map(kv -> kv.key).collect(Collectors.toSet()));
        assertTrue(clipTombstones.stream().allMatch(kv -> kv.value == null));
        var featureTombstones = mels.readKeyValuesToList();
        assertEquals(clipsOfA, featureTombstones.stream().map(kv -> kv.key).collect(Collectors.toSet()));
        assertTrue(featureTombstones.stream().allMatch(kv -> kv.value == null));

        // deleting again changes nothing; the same bytes uploaded anew count again (sha256 counted once, per live upload)
        uploads.pipeInput("voice-x", deletion(a));
        assertTrue(summaries.isEmpty() && clips.isEmpty(), "a second deletion is a no-op");
        uploads.pipeInput("voice-x", upload("voice-x", "up-a2", TestAudio.speech(12), "one two three four five six"));
        assertEquals(both.getUsableSeconds(), summaries.readKeyValuesToMap().get("voice-x").getUsableSeconds(), 1e-6);
        assertTrue(deadLetters.isEmpty());
    }

    @Test
    void deletingTheCountedCopyOfADuplicatedFileLeavesTheDuplicateUncounted() throws Exception {
        byte[] audio = TestAudio.speech(9);
        RawAudioUploaded first = upload("voice-y", "first", audio, null);
        RawAudioUploaded again = upload("voice-y", "again", audio, null);
        uploads.pipeInput("voice-y", first);
        uploads.pipeInput("voice-y", again);
        double once = summaries.readKeyValuesToMap().get("voice-y").getUsableSeconds();
        // the duplicate counted nothing: deleting it leaves the seconds as they are
        uploads.pipeInput("voice-y", deletion(again));
        VoiceDatasetSummary s = summaries.readKeyValuesToMap().get("voice-y");
        assertEquals(once, s.getUsableSeconds(), 1e-9);
        assertTrue(s.getUploadsRejected().stream().noneMatch(r -> r.toString().startsWith("again:")), s.getUploadsRejected().toString());
        // deleting the counted one takes its seconds out
        uploads.pipeInput("voice-y", deletion(first));
        assertEquals(0, summaries.readKeyValuesToMap().get("voice-y").getUsableSeconds(), 1e-9);
    }

    @Test
    void badFilesEndAsDeadLettersOrRejectionsAndTheNextUploadStillWorks() throws Exception {
        byte[] good = TestAudio.speech(12);
        int n = 0;
        for (Map.Entry<String, byte[]> bad : TestAudio.badCorpus().entrySet()) {
            String voice = "voice-" + bad.getKey();
            uploads.pipeInput(voice, upload(voice, "bad-" + bad.getKey(), bad.getValue(), null));
            VoiceDatasetSummary s = summaries.readKeyValuesToMap().get(voice);
            assertNotNull(s, bad.getKey() + " left no summary");
            assertEquals(0, s.getClipsAccepted(), bad.getKey());
            assertEquals(1, s.getUploadsRejected().size(), bad.getKey());
            String reason = s.getUploadsRejected().get(0);
            assertTrue(reason.startsWith("bad-" + bad.getKey() + ": ") && reason.length() > 25, bad.getKey() + " reason: " + reason);
            List<DeadLetter> dls = deadLetters.readValuesToList();
            boolean audioProblem = !bad.getKey().equals("silence-only") && !bad.getKey().equals("full-scale-clipping");
            assertEquals(audioProblem ? 1 : 0, dls.size(), bad.getKey() + ": " + reason);
            if (audioProblem) assertEquals(voice, dls.get(0).getVoiceId());
            if (bad.getKey().equals("full-scale-clipping")) assertTrue(reason.contains("clipping"), reason);
            if (bad.getKey().equals("silence-only")) assertTrue(reason.contains("no speech"), reason);
            // the worker goes on: the next good upload (of a voice of its own: one voice counts a file once)
            // produces clips and features
            String goodVoice = "voice-good-" + n;
            uploads.pipeInput(goodVoice, upload(goodVoice, "good-" + n++, good, null));
            assertFalse(mels.isEmpty(), "features after " + bad.getKey());
            mels.readValuesToList();
            assertTrue(clips.readValuesToList().stream().anyMatch(SlicedClip::getAccepted), "accepted clips after " + bad.getKey());
        }
    }

    @Test
    void poisonRecordsAreDeadLetteredAndProcessingContinues() throws Exception {
        rawUploads.pipeInput("voice-x", "not avro at all".getBytes());
        DeadLetter dl = deadLetters.readValue();
        assertTrue(dl.getReason().startsWith("undecodable RawAudioUploaded"), dl.getReason());
        assertEquals(Topics.AUDIO_UPLOADED, dl.getSourceTopic());
        assertEquals("voice-x", new String(dl.getOriginalKey().array()));

        RawAudioUploaded missing = upload("voice-y", "up-missing", TestAudio.speech(6), null);
        blobs.delete(missing.getBlob().getKey());
        uploads.pipeInput("voice-y", missing);
        DeadLetter dl2 = deadLetters.readValue();
        assertTrue(dl2.getReason().contains("missing from the blob store"), dl2.getReason());
        assertTrue(summaries.readKeyValuesToMap().get("voice-y").getUploadsRejected().get(0).startsWith("up-missing: "));

        uploads.pipeInput("voice-y", upload("voice-y", "up-ok", TestAudio.speech(12), null));
        assertFalse(mels.readValuesToList().isEmpty());
        VoiceDatasetSummary s = summaries.readKeyValuesToMap().get("voice-y");
        assertTrue(s.getClipsAccepted() >= 1);
        assertEquals(1, s.getUploadsRejected().size(), "the missing blob stays counted");
        assertEquals(Set.of(), Set.copyOf(deadLetters.readValuesToList()));
    }
}
