package dev.voxpipe.trainer;

import dev.voxpipe.core.worker.LoopWorker;
import dev.voxpipe.core.worker.WorkerContext;

import dev.voxpipe.core.serde.HttpSchemaRegistryClient;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.voxpipe.core.blob.FileSystemBlobStore;
import dev.voxpipe.core.config.VoxConfig;
import dev.voxpipe.core.messaging.MelTensors;
import dev.voxpipe.core.serde.AvroWireDeserializer;
import dev.voxpipe.core.serde.AvroWireSerializer;
import dev.voxpipe.core.serde.SchemaRegistryClient;
import dev.voxpipe.core.serde.SchemaRegistryConfig;
import dev.voxpipe.core.topics.TopicCatalogue;
import dev.voxpipe.core.topics.Topics;
import dev.voxpipe.localstack.LocalStack;
import dev.voxpipe.localstack.LocalStackExtension;
import dev.voxpipe.localstack.TopicRecords;
import dev.voxpipe.model.AcousticModel;
import dev.voxpipe.model.BaseCheckpoint;
import dev.voxpipe.model.ModelConfig;
import dev.voxpipe.model.ParamStore;
import dev.voxpipe.model.VoiceDelta;
import dev.voxpipe.model.VoiceModelRuntime;
import dev.voxpipe.schemas.MelFeatures;
import dev.voxpipe.schemas.TensorEncoding;
import dev.voxpipe.schemas.TrainingJob;
import dev.voxpipe.schemas.TrainingProgress;
import dev.voxpipe.schemas.TrainingState;
import dev.voxpipe.schemas.VoiceModelReady;
import dev.voxpipe.schemas.Audition;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.function.Predicate;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** The trainer worker on the real broker and registry, with a tiny untrained model. */
@ExtendWith(LocalStackExtension.class)
class TrainerWorkerIT {

    @TempDir static Path dir;
    private static LocalStack stack;
    private static SchemaRegistryClient registry;
    private static FileSystemBlobStore blobs;
    private static VoiceModelRuntime runtime;
    private static LoopWorker worker;
    private static KafkaProducer<String, SpecificRecord> producer;
    /** The trainer's carbon-intensity forecast file; a test writes the windows it needs (the file is read per job). */
    private static final java.util.concurrent.atomic.AtomicReference<Path> FORECAST = new java.util.concurrent.atomic.AtomicReference<>();

    static VoiceModelRuntime tinyRuntime() {
        ModelConfig c = ModelConfig.tiny();
        ParamStore params = ParamStore.initialise(AcousticModel.parameterSpecs(c), 7);
        return VoiceModelRuntime.fromCheckpoint(new BaseCheckpoint(c, params, new float[c.speakerDim()], "id=tiny-it\n"), false);
    }

    @BeforeAll
    static void start(LocalStack localStack) throws Exception {
        stack = localStack;
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, stack.bootstrapServers()))) {
            TopicCatalogue.standard(1).ensure(admin);
        }
        registry = new HttpSchemaRegistryClient(SchemaRegistryConfig.of(stack.registryUrl()));
        blobs = new FileSystemBlobStore(dir.resolve("blobs"));
        FORECAST.set(dir.resolve("forecast.json"));
        Files.writeString(FORECAST.get(), "{\"data\":[]}");
        runtime = tinyRuntime();
        VoxConfig config = VoxConfig.of(Map.of(
                "voxpipe.kafka.bootstrap", stack.bootstrapServers(),
                "voxpipe.registry.url", stack.registryUrl(),
                "voxpipe.trainer.group-id", "trainer-it-" + UUID.randomUUID(),
                "voxpipe.trainer.checkpoint-every-steps", "4",
                "voxpipe.trainer.progress-interval", "1ms",
                "voxpipe.trainer.minimum-seconds", "5",
                "voxpipe.trainer.feature-wait", "20s",
                "voxpipe.metrics.port", "0"))
                .with("voxpipe.trainer.audition-every-steps", "4")
                .with("voxpipe.trainer.carbon.forecast", FORECAST.get().toString())
                .with("voxpipe.trainer.carbon.expected-run", "1s");
        worker = TrainerWorkerApp.start(WorkerContext.sharingBlobs(config, TrainerWorkerApp.SERVICE, 0, blobs), runtime);
        producer = new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.bootstrapServers()),
                new StringSerializer(), new AvroWireSerializer<>(registry, true));
    }

    @AfterAll
    static void stop() {
        worker.close();
        producer.close();
        runtime.close();
    }

    private static void features(String tenant, String voice, int clips, boolean withTranscripts) throws Exception {
        send(featureRecords(tenant, voice, clips, withTranscripts));
    }

    private static void send(List<MelFeatures> features) throws Exception {
        for (MelFeatures f : features) {
            producer.send(new ProducerRecord<>(Topics.FEATURES_MEL, f.getClipId(), f)).get();
        }
    }

    private static List<MelFeatures> featureRecords(String tenant, String voice, int clips, boolean withTranscripts) {
        return featureRecords(tenant, voice, clips, withTranscripts, false);
    }

    /** {@code provisional}: each clip's text as recognised below the confidence bar (held back, not confirmed). */
    private static List<MelFeatures> featureRecords(String tenant, String voice, int clips, boolean withTranscripts,
                                                    boolean provisional) {
        List<MelFeatures> out = new java.util.ArrayList<>();
        Random rng = new Random(voice.hashCode());
        for (int i = 0; i < clips; i++) {
            int frames = 150 + rng.nextInt(100);
            float[][] mel = new float[frames][100];
            for (float[] frame : mel) for (int b = 0; b < 100; b++) frame[b] = (float) (-6 + 2 * rng.nextGaussian());
            MelFeatures f = MelFeatures.newBuilder().setClipId(voice + "-clip-" + i).setTenantId(tenant)
                    .setVoiceId(voice).setUploadId("u" + (1 + i % 2)).setSampleRate(32000).setFrameRate(100.0).setMelBins(100)
                    .setFrameCount(frames).setEncoding(TensorEncoding.FLOAT16_LE)
                    .setData(ByteBuffer.wrap(MelTensors.encode(mel, TensorEncoding.FLOAT16_LE)))
                    .setTranscript(withTranscripts ? "this is sentence number " + i + " of the voice." : null)
                    .setProvisionalTranscript(provisional ? "this is sentence number " + i + " of the boys" : null)
                    .setLabelSource(provisional ? "recognised" : null).setLabelConfidence(provisional ? 0.6 : null)
                    .setEventTime(Instant.now()).build();
            out.add(f);
        }
        return out;
    }

    private static TrainingJob job(String tenant, String voice, int steps) {
        return TrainingJob.newBuilder().setJobId("job-" + UUID.randomUUID()).setTenantId(tenant).setVoiceId(voice)
                .setMaxSteps(steps).setUsableSeconds(8).setRequestedAt(Instant.now()).build();
    }

    private static <T extends SpecificRecord> List<T> readUntil(String topic, Class<T> type, Predicate<List<T>> done) {
        return TopicRecords.readUntil(stack, topic, new AvroWireDeserializer<>(registry, type), done, Duration.ofMinutes(2));
    }

    @Test
    void trainsAVoiceCheckpointsPublishesProgressAndTheModelOnce() throws Exception {
        features("t1", "voice-a", 8, true);
        TrainingJob job = job("t1", "voice-a", 10);
        producer.send(new ProducerRecord<>(Topics.TRAINING_JOBS, job.getJobId(), job)).get();

        List<VoiceModelReady> models = readUntil(Topics.MODELS_READY, VoiceModelReady.class,
                seen -> seen.stream().anyMatch(m -> m.getJobId().equals(job.getJobId())));
        VoiceModelReady model = models.stream().filter(m -> m.getJobId().equals(job.getJobId())).findFirst().orElseThrow();
        assertEquals(1, model.getVersion());
        assertEquals("tiny-it", model.getBaseModel());
        assertEquals(List.of("u1", "u2"), model.getUploadIds().stream().map(String::valueOf).toList(),
                "the uploads the clips came from, for deleting one later");
        assertTrue(model.getMetrics().get("steps") >= 10, model.getMetrics().toString());
        try (InputStream in = blobs.open(model.getCheckpoint().getKey())) {
            VoiceDelta delta = VoiceDelta.read(in);
            assertEquals(256, delta.speakerEmbedding().length);
        }
        assertTrue(blobs.stat("training/" + job.getJobId() + "/state.bin").isPresent(), "a checkpoint was written");

        List<TrainingProgress> progress = readUntil(Topics.TRAINING_PROGRESS, TrainingProgress.class,
                seen -> seen.stream().anyMatch(p -> p.getJobId().equals(job.getJobId()) && p.getState() == TrainingState.SUCCEEDED));
        List<TrainingProgress> mine = progress.stream().filter(p -> p.getJobId().equals(job.getJobId())).toList();
        assertTrue(mine.stream().anyMatch(p -> p.getState() == TrainingState.RUNNING && p.getStep() > 0
                && p.getLoss() != null && p.getEtaSeconds() != null), "running progress with step, loss and ETA");
        TrainingProgress last = mine.get(mine.size() - 1);
        assertEquals(TrainingState.SUCCEEDED, last.getState());
        assertTrue(last.getCpuSeconds() > 0 && last.getEnergyWh() > 0, last.toString());
        assertNotNull(last.getEnergySource(), "measured or estimated, said per event");

        // auditions every 4 steps of 10 (steps 4 and 8) while training, and the final model's at step 10
        List<Audition> auditions = mine.stream().flatMap(p -> p.getAuditions().stream()).toList();
        assertEquals(List.of(4, 4, 8, 8, 10, 10), auditions.stream().map(Audition::getStep).toList(), auditions.toString());
        for (Audition a : auditions) {
            try (InputStream in = blobs.open(a.getAudio().getKey())) {
                byte[] wav = in.readAllBytes();
                assertEquals("RIFF", new String(wav, 0, 4, java.nio.charset.StandardCharsets.US_ASCII));
                assertTrue(a.getDurationSeconds() > 0 && wav.length > 44, a.toString());
            }
        }
        assertEquals(last.getAuditions().get(0).getAudio(), model.getSample(), "the final model's audition is the voice's sample");

        // The same job delivered again (as after a crash before the commit) trains nothing new.
        producer.send(new ProducerRecord<>(Topics.TRAINING_JOBS, job.getJobId(), job)).get();
        TrainingJob next = job("t1", "voice-a", 6);
        producer.send(new ProducerRecord<>(Topics.TRAINING_JOBS, next.getJobId(), next)).get();
        List<VoiceModelReady> after = readUntil(Topics.MODELS_READY, VoiceModelReady.class,
                seen -> seen.stream().anyMatch(m -> m.getJobId().equals(next.getJobId())));
        assertEquals(1, after.stream().filter(m -> m.getJobId().equals(job.getJobId())).count(), "published once");
        assertEquals(2, after.stream().filter(m -> m.getJobId().equals(next.getJobId())).findFirst().orElseThrow().getVersion());
    }

    /**
     * Carbon-aware scheduling on the real stack: the forecast makes the grid 3x cleaner in 3 s, the job's deadline is
     * an hour away, so the job is DEFERRED until then (expected 100 gCO2e/kWh), then trains and succeeds.
     */
    @Test
    void aJobWithADeadlineWaitsForTheCleanerWindowThenTrains() throws Exception {
        Instant now = Instant.now();
        Instant cleaner = now.plusSeconds(3);
        Files.writeString(FORECAST.get(), "{\"data\":["
                + "{\"from\":\"" + now.minusSeconds(60) + "\",\"to\":\"" + cleaner + "\",\"intensity\":{\"forecast\":300}},"
                + "{\"from\":\"" + cleaner + "\",\"to\":\"" + now.plusSeconds(7200) + "\",\"intensity\":{\"forecast\":100}}]}");
        features("t4", "voice-d", 8, true);
        TrainingJob job = job("t4", "voice-d", 4);
        job.setDeadline(now.plusSeconds(3600));
        producer.send(new ProducerRecord<>(Topics.TRAINING_JOBS, job.getJobId(), job)).get();

        List<TrainingProgress> progress = readUntil(Topics.TRAINING_PROGRESS, TrainingProgress.class,
                seen -> seen.stream().anyMatch(p -> p.getJobId().equals(job.getJobId()) && p.getState() == TrainingState.SUCCEEDED));
        List<TrainingProgress> mine = progress.stream().filter(p -> p.getJobId().equals(job.getJobId())).toList();
        TrainingProgress deferred = mine.get(0);
        assertEquals(TrainingState.DEFERRED, deferred.getState(), mine.toString());
        assertEquals(cleaner.toEpochMilli(), deferred.getDeferredUntil().toEpochMilli());
        assertEquals(100.0, deferred.getCarbonIntensity(), 1e-9);
        TrainingProgress firstRun = mine.stream().filter(p -> p.getState() == TrainingState.RUNNING).findFirst().orElseThrow();
        assertTrue(!firstRun.getEventTime().isBefore(cleaner.truncatedTo(java.time.temporal.ChronoUnit.MILLIS)),
                "training starts when the window opens: " + firstRun.getEventTime());
    }

    @Test
    void aJobTrainsOnEveryClipItWasAcceptedWithEvenWhenSomeArriveLate() throws Exception {
        List<MelFeatures> clips = featureRecords("t3", "voice-c", 40, true);
        double usable = clips.stream().mapToDouble(f -> f.getFrameCount() / f.getFrameRate()).sum();
        send(clips.subList(0, 39));   // 39 of 40 clips: over 95 % of the seconds, but not all
        TrainingJob job = TrainingJob.newBuilder(job("t3", "voice-c", 4)).setUsableSeconds(usable).build();
        producer.send(new ProducerRecord<>(Topics.TRAINING_JOBS, job.getJobId(), job)).get();
        // The last clip arrives only once the worker has taken the job and is gathering its features.
        readUntil(Topics.TRAINING_PROGRESS, TrainingProgress.class, seen -> seen.stream().anyMatch(p ->
                p.getJobId().equals(job.getJobId()) && "gathering features".equals(p.getMessage())));
        send(clips.subList(39, 40));
        VoiceModelReady model = readUntil(Topics.MODELS_READY, VoiceModelReady.class,
                seen -> seen.stream().anyMatch(m -> m.getJobId().equals(job.getJobId())))
                .stream().filter(m -> m.getJobId().equals(job.getJobId())).findFirst().orElseThrow();
        assertEquals(40.0, model.getMetrics().get("clips"), model.getMetrics().toString());
        assertEquals(usable, model.getMetrics().get("usableSeconds"), 1e-6);
    }

    @Test
    void aVoiceWithoutTranscriptsFailsWithAReasonAndPoisonGoesToDeadLetters() throws Exception {
        features("t2", "voice-b", 6, false);
        try (KafkaProducer<String, byte[]> raw = new KafkaProducer<>(
                Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.bootstrapServers()),
                new StringSerializer(), new ByteArraySerializer())) {
            raw.send(new ProducerRecord<>(Topics.TRAINING_JOBS, "poison", new byte[] {0, 0, 0, 0, 99, 1})).get();
        }
        TrainingJob job = job("t2", "voice-b", 5);
        producer.send(new ProducerRecord<>(Topics.TRAINING_JOBS, job.getJobId(), job)).get();
        List<TrainingProgress> progress = readUntil(Topics.TRAINING_PROGRESS, TrainingProgress.class,
                seen -> seen.stream().anyMatch(p -> p.getJobId().equals(job.getJobId()) && p.getState() == TrainingState.FAILED));
        TrainingProgress failed = progress.stream()
                .filter(p -> p.getJobId().equals(job.getJobId()) && p.getState() == TrainingState.FAILED).findFirst().orElseThrow();
        assertNotNull(failed.getMessage());
        assertTrue(failed.getMessage().contains("transcript"), failed.getMessage());
        List<dev.voxpipe.schemas.DeadLetter> letters = readUntil(Topics.DEAD_LETTERS, dev.voxpipe.schemas.DeadLetter.class,
                seen -> seen.stream().anyMatch(d -> "trainer-worker".equals(d.getStage())));
        assertTrue(letters.stream().anyMatch(d -> "trainer-worker".equals(d.getStage())
                && d.getSourceTopic().equals(Topics.TRAINING_JOBS)), "the poison job became a dead letter");
    }

    @Test
    void aVoiceWithOnlyRecognisedTextFineTunesOnItAndSaysSoButAMandarinVoiceDoesNot() throws Exception {
        send(featureRecords("t3", "voice-heard", 6, false, true));
        TrainingJob english = job("t3", "voice-heard", 5);
        producer.send(new ProducerRecord<>(Topics.TRAINING_JOBS, english.getJobId(), english)).get();
        TrainingProgress done = finished(english);
        assertEquals(TrainingState.SUCCEEDED, done.getState(), done.getMessage());
        assertTrue(done.getMessage().contains("no one has confirmed"), done.getMessage());
        VoiceModelReady model = readUntil(Topics.MODELS_READY, VoiceModelReady.class,
                seen -> seen.stream().anyMatch(m -> m.getJobId().equals(english.getJobId()))).stream()
                .filter(m -> m.getJobId().equals(english.getJobId())).findFirst().orElseThrow();
        assertTrue(model.getMetrics().get("provisionalTextSeconds") > 8, model.getMetrics().toString());

        // the recogniser is English only: Mandarin speech heard as English words must not teach a zh voice
        send(featureRecords("t3", "voice-heard-zh", 6, false, true));
        TrainingJob mandarin = TrainingJob.newBuilder(job("t3", "voice-heard-zh", 5)).setLanguage("zh").build();
        producer.send(new ProducerRecord<>(Topics.TRAINING_JOBS, mandarin.getJobId(), mandarin)).get();
        TrainingProgress refused = finished(mandarin);
        assertEquals(TrainingState.FAILED, refused.getState());
        assertTrue(refused.getMessage().contains("transcript") && refused.getMessage().contains("'zh' voice"), refused.getMessage());
    }

    private static TrainingProgress finished(TrainingJob job) {
        return readUntil(Topics.TRAINING_PROGRESS, TrainingProgress.class, seen -> seen.stream().anyMatch(p ->
                p.getJobId().equals(job.getJobId()) && (p.getState() == TrainingState.SUCCEEDED || p.getState() == TrainingState.FAILED)))
                .stream().filter(p -> p.getJobId().equals(job.getJobId())
                        && (p.getState() == TrainingState.SUCCEEDED || p.getState() == TrainingState.FAILED)).findFirst().orElseThrow();
    }
}
