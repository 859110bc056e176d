package dev.voxpipe.trainer.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.voxpipe.core.blob.FileSystemBlobStore;
import dev.voxpipe.core.config.VoxConfig;
import dev.voxpipe.core.messaging.VoiceModelCatalog;
import dev.voxpipe.core.serde.AvroWireSerializer;
import dev.voxpipe.core.serde.InMemorySchemaRegistry;
import dev.voxpipe.core.topics.Topics;
import dev.voxpipe.schemas.TrainingJob;
import dev.voxpipe.schemas.TrainingProgress;
import dev.voxpipe.schemas.TrainingState;
import dev.voxpipe.trainer.TrainerWorkerConfig;
import dev.voxpipe.trainer.carbon.CarbonScheduler;
import dev.voxpipe.trainer.carbon.ForecastFile;
import dev.voxpipe.trainer.energy.EnergyMeters;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The runner with a deadline on the synthetic forecast and a fake clock that the runner's waiting advances: the job is
 * published DEFERRED until the cleanest window with its expected intensity, and waits (in steps of at most 1 s) until
 * then; a job handed over while it waits stops waiting.
 */
class CarbonDeferralTest {

    @TempDir
    Path dir;

    /** A clock the test moves. */
    static final class FakeClock extends Clock {
        Instant now;

        FakeClock(Instant now) {
            this.now = now;
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }

    @Test
    void aJobWithADeadlineIsDeferredToTheCleanestWindowAndWaitsForIt() throws Exception {
        Instant start = Instant.parse("2026-11-29T16:10:00Z");
        FakeClock clock = new FakeClock(start);
        Path forecast = Path.of(getClass().getResource("/carbon/synthetic-fw48h.json").toURI());
        CarbonScheduler scheduler = new CarbonScheduler(new ForecastFile(forecast), clock, Duration.ofMinutes(30), 0.05);
        InMemorySchemaRegistry registry = new InMemorySchemaRegistry();
        MockProducer<String, SpecificRecord> producer = new MockProducer<>(true, null, new StringSerializer(),
                new AvroWireSerializer<>(registry, true));
        List<Long> sleeps = new ArrayList<>();
        Instant window = Instant.parse("2026-11-30T05:00:00Z");
        Properties kafka = new Properties();
        kafka.put("bootstrap.servers", "127.0.0.1:1"); // never started
        try (FileSystemBlobStore blobs = new FileSystemBlobStore(dir); VoiceModelCatalog models = new VoiceModelCatalog(kafka, registry)) {
            TrainingJobRunner runner = new TrainingJobRunner(null, blobs, null, models, producer,
                    TrainerWorkerConfig.from(VoxConfig.of(Map.of("voxpipe.trainer.worker-id", "trainer-test"))),
                    new SimpleMeterRegistry(), EnergyMeters.none("test"), scheduler, millis -> {
                        sleeps.add(millis);
                        clock.now = clock.now.plusMillis(millis);
                    });
            TrainingJob job = TrainingJob.newBuilder().setJobId("job-night").setTenantId("t1").setVoiceId("v1")
                    .setDeadline(Instant.parse("2026-11-30T08:00:00Z")).setRequestedAt(start).build();
            // handed over one minute before its window: the wait ends there, nothing else runs
            TrainingJobRunner.Outcome outcome = runner.run(job, () -> !clock.now.isBefore(window.minusSeconds(60)));

            assertEquals(TrainingJobRunner.Outcome.CANCELLED, outcome);
            List<TrainingProgress> progress = producer.history().stream().filter(r -> r.topic().equals(Topics.TRAINING_PROGRESS))
                    .map(r -> (TrainingProgress) r.value()).toList();
            assertEquals(1, progress.size());
            TrainingProgress deferred = progress.get(0);
            assertEquals(TrainingState.DEFERRED, deferred.getState());
            assertEquals(window, deferred.getDeferredUntil());
            assertEquals(90.0, deferred.getCarbonIntensity(), 1e-9);
            assertTrue(deferred.getMessage().contains("expected 90 gCO2e/kWh against 266 at once"), deferred.getMessage());
            assertTrue(sleeps.stream().allMatch(ms -> ms > 0 && ms <= 1000), "waits in short steps, so a hand-over is seen");
            assertEquals(window.minusSeconds(60), clock.now, "waited until the hand-over");
            assertTrue(blobs.stat("training/job-night/lease.properties").isEmpty(), "a deferred job takes no lease");
        }
    }
}
