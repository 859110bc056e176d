package dev.voxpipe.trainer;

import dev.voxpipe.core.config.VoxConfig;
import dev.voxpipe.core.fault.Retry;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;

/**
 * The trainer's settings, from {@code voxpipe.trainer.*} keys (env {@code VOXPIPE_TRAINER_*}).
 * {@code retry}: the in-place retries of transient faults ({@code voxpipe.retry.*}); {@code retryPause}:
 * how long a job whose transient fault outlasted them waits before it runs again.
 *
 * <p>Issue 19: {@code microBatches} (gradient accumulation), {@code auditionEverySteps} and {@code auditionSentences}
 * (audition samples), {@code energyMeter}/{@code powercapDir}/{@code nvidiaSmi} (measured energy),
 * {@code carbonForecast}/{@code carbonExpectedRun}/{@code carbonMinimumSaving} (carbon-aware scheduling).
 * {@code provisionalTextBelowSeconds}: a voice with less confirmed text than this fine-tunes on its provisional
 * (low-confidence recognised or aligned) text too, instead of failing or training on a few seconds ({@code
 * TrainingTexts}); 0: never.
 */
public record TrainerWorkerConfig(
        String groupId,
        String workerId,
        int concurrentJobs,
        Duration progressInterval,
        int checkpointEverySteps,
        int defaultMaxSteps,
        double powerWatts,
        Duration featureWait,
        double minimumSeconds,
        Retry.Policy retry,
        Duration retryPause,
        Duration heartbeatInterval,
        int microBatches,
        int auditionEverySteps,
        List<String> auditionSentences,
        String energyMeter,
        Path powercapDir,
        String nvidiaSmi,
        String carbonForecast,
        Duration carbonExpectedRun,
        double carbonMinimumSaving,
        int loraRank,
        double provisionalTextBelowSeconds) {

    /**
     * Rendered at every audition: short, phonetically varied, the same for every voice so that checkpoints and
     * voices compare by ear.
     */
    public static final String DEFAULT_AUDITION_SENTENCES =
            "The quick brown fox jumps over the lazy dog.|Please call Stella and ask her to bring these things with her from the store.";

    /**
     * Ingest's minimum of speech for a training request. On the validation split, through the API, a minute of
     * flite_rms whose recognised text was confident for 21-23 s fine-tuned better on all of its text (1.76 / 1.81 dB)
     * than on the confident part (1.86 / 1.90 dB) at the same open-WER ratio (1.42 / 1.64x against 1.45 / 1.67x).
     */
    public static final double DEFAULT_PROVISIONAL_TEXT_BELOW_SECONDS = 30.0;

    public TrainerWorkerConfig {
        if (microBatches < 1) throw new IllegalArgumentException("voxpipe.trainer.gradient-accumulation must be >= 1, not " + microBatches);
        if (!(provisionalTextBelowSeconds >= 0)) {
            throw new IllegalArgumentException("voxpipe.trainer.provisional-text-below-seconds must be >= 0 (0: never), not "
                    + provisionalTextBelowSeconds);
        }
        if (loraRank < 0) throw new IllegalArgumentException("voxpipe.trainer.lora-rank must be >= 0 (0: full adaptation)");
        if (auditionEverySteps < 0) throw new IllegalArgumentException("voxpipe.trainer.audition-every-steps must be >= 0");
        if (auditionSentences.size() > 3) {
            throw new IllegalArgumentException("voxpipe.trainer.audition-sentences holds at most 3 sentences, not " + auditionSentences.size());
        }
        if (!(carbonMinimumSaving >= 0 && carbonMinimumSaving < 1)) {
            throw new IllegalArgumentException("voxpipe.trainer.carbon.minimum-saving must be in [0, 1), not " + carbonMinimumSaving);
        }
        auditionSentences = List.copyOf(auditionSentences);
    }

    public static TrainerWorkerConfig from(VoxConfig config) {
        return new TrainerWorkerConfig(
                config.get("voxpipe.trainer.group-id", "voxpipe-trainer"),
                config.get("voxpipe.trainer.worker-id", defaultWorkerId()),
                config.getInt("voxpipe.trainer.concurrent-jobs", 1),
                config.getDuration("voxpipe.trainer.progress-interval", Duration.ofSeconds(5)),
                config.getInt("voxpipe.trainer.checkpoint-every-steps", 50),
                config.getInt("voxpipe.trainer.max-steps", 0),
                config.getDouble("voxpipe.trainer.power-watts", 65.0),
                config.getDuration("voxpipe.trainer.feature-wait", Duration.ofMinutes(3)),
                config.getDouble("voxpipe.trainer.minimum-seconds", 10.0),
                Retry.Policy.from(config),
                config.getDuration("voxpipe.trainer.retry-pause", Duration.ofSeconds(10)),
                // ingest shows a RUNNING job silent for voxpipe.ingest.training-heartbeat-timeout (60 s) as STALLED
                config.getDuration("voxpipe.trainer.heartbeat-interval", Duration.ofSeconds(10)),
                config.getInt("voxpipe.trainer.gradient-accumulation", 1),
                config.getInt("voxpipe.trainer.audition-every-steps", 20),
                sentences(config.get("voxpipe.trainer.audition-sentences", DEFAULT_AUDITION_SENTENCES)),
                config.get("voxpipe.trainer.energy-meter", "auto"),
                Path.of(config.get("voxpipe.trainer.powercap-dir", "/sys/class/powercap")),
                config.get("voxpipe.trainer.nvidia-smi", "nvidia-smi"),
                config.get("voxpipe.trainer.carbon.forecast", ""),
                config.getDuration("voxpipe.trainer.carbon.expected-run", Duration.ofMinutes(15)),
                config.getDouble("voxpipe.trainer.carbon.minimum-saving", 0.05),
                config.getInt("voxpipe.trainer.lora-rank", dev.voxpipe.model.FineTuneConfig.DEFAULT_LORA_RANK),
                config.getDouble("voxpipe.trainer.provisional-text-below-seconds", DEFAULT_PROVISIONAL_TEXT_BELOW_SECONDS));
    }

    /** '|'-separated sentences; blank: no auditions. */
    static List<String> sentences(String joined) {
        return Arrays.stream(joined.split("\\|")).map(String::strip).filter(t -> !t.isEmpty()).toList();
    }

    static String defaultWorkerId() {
        return "trainer-" + ManagementFactory.getRuntimeMXBean().getName();
    }
}
