package dev.voxpipe.trainer.job;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.voxpipe.schemas.EnergySource;
import dev.voxpipe.trainer.energy.EnergyCounter;
import java.io.IOException;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** A job's energy: measured from counters while they answer, an estimate without them or once one fails. */
class ResourceMeterTest {

    @Test
    void measuresFromCountersAndFallsBackToTheEstimateWhenOneFails() {
        AtomicReference<Double> joules = new AtomicReference<>(1000.0);
        EnergyCounter counter = new EnergyCounter() {
            @Override
            public double joules() throws IOException {
                if (joules.get() < 0) throw new IOException("counter gone");
                return joules.get();
            }

            @Override
            public String describe() {
                return "fake";
            }
        };
        ResourceMeter meter = new ResourceMeter(65, false, List.of(counter));
        joules.set(1000.0 + 7200.0);                        // 2 Wh since the job started
        assertEquals(2.0, meter.energyWh(), 1e-9);
        assertEquals(EnergySource.MEASURED, meter.energySource());
        joules.set(-1.0);
        double estimate = meter.energyWh();
        assertEquals(EnergySource.ESTIMATED, meter.energySource());
        assertEquals(65 * meter.wallSeconds() / 3600, estimate, 65 * 0.5 / 3600);
    }

    /** The name the Grafana dashboard queries is the one Prometheus scrapes. */
    @Test
    void energyPerJobIsScrapedUnderTheDashboardsName() {
        var prometheus = new io.micrometer.prometheusmetrics.PrometheusMeterRegistry(
                io.micrometer.prometheusmetrics.PrometheusConfig.DEFAULT);
        dev.voxpipe.schemas.TrainingProgress done = dev.voxpipe.schemas.TrainingProgress.newBuilder().setJobId("j").setTenantId("t")
                .setVoiceId("v").setState(dev.voxpipe.schemas.TrainingState.SUCCEEDED).setStep(1).setTotalSteps(1)
                .setEnergyWh(0.25).setEnergySource(EnergySource.MEASURED).setEventTime(java.time.Instant.EPOCH).build();
        TrainingJobRunner.recordEnergy(prometheus, done);
        String scrape = prometheus.scrape();
        org.junit.jupiter.api.Assertions.assertTrue(scrape.contains("voxpipe_training_energy_wh_sum{source=\"measured\"} 0.25"), scrape);
        org.junit.jupiter.api.Assertions.assertTrue(scrape.contains("voxpipe_training_energy_wh_count{source=\"measured\"} 1"), scrape);
    }

    @Test
    void withoutCountersTheFigureIsAnEstimate() {
        ResourceMeter meter = new ResourceMeter(65, false);
        meter.energyWh();
        assertEquals(EnergySource.ESTIMATED, meter.energySource());
    }
}
