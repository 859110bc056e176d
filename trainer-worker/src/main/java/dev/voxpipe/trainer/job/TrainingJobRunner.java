package dev.voxpipe.trainer.job;

import dev.voxpipe.core.blob.BlobStore;
import dev.voxpipe.core.blob.NoSuchBlobException;
import dev.voxpipe.core.fault.Faults;
import dev.voxpipe.core.fault.Retry;
import dev.voxpipe.core.fault.TransientFaultException;
import dev.voxpipe.core.messaging.DeadLetters;
import dev.voxpipe.core.messaging.VoiceModelCatalog;
import dev.voxpipe.core.topics.Topics;
import dev.voxpipe.model.FineTuneConfig;
import dev.voxpipe.model.FineTuneListener;
import dev.voxpipe.model.FineTuneResult;
import dev.voxpipe.model.FineTuneState;
import dev.voxpipe.model.TrainingUtterance;
import dev.voxpipe.model.VoiceDelta;
import dev.voxpipe.model.VoiceModelRuntime;
import dev.voxpipe.schemas.Audition;
import dev.voxpipe.schemas.MelFeatures;
import dev.voxpipe.schemas.TrainingJob;
import dev.voxpipe.schemas.TrainingMode;
import dev.voxpipe.schemas.TrainingProgress;
import dev.voxpipe.schemas.TrainingState;
import dev.voxpipe.schemas.VoiceModelReady;
import dev.voxpipe.schemas.common.BlobRef;
import dev.voxpipe.trainer.TrainerWorkerConfig;
import dev.voxpipe.trainer.carbon.CarbonScheduler;
import dev.voxpipe.trainer.energy.EnergyMeters;
import dev.voxpipe.trainer.data.TrainingTexts;
import dev.voxpipe.trainer.data.VoiceFeatureIndex;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs one training job: gathers the voice's features, resumes from the last checkpoint if one
 * exists, fine-tunes, checkpoints every N steps, publishes progress at a fixed interval and the
 * voice model when done.
 *
 * <p>Faults (issue 17): a transient fault (the blob store, the registry or the broker is unreachable)
 * is retried in place with bounded backoff and, when it lasts, ends the run as {@link Outcome#RETRY}:
 * nothing is committed, the job is run again from its last checkpoint after a pause. Only content
 * faults (too little audio, no transcripts, a corrupt checkpoint) end it FAILED with the reason. A job
 * that already produced its model is not trained again: its SUCCEEDED is published again (a
 * redelivery after a crash between publication and commit), and no second model is published.
 */
public final class TrainingJobRunner implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(TrainingJobRunner.class);
    private static final double USABLE_SECONDS_TOLERANCE = 0.25;

    /** Waits {@code millis} (tests pass a fake that advances a fake clock). */
    @FunctionalInterface
    public interface Sleeper {
        void sleep(long millis) throws InterruptedException;
    }

    /** RETRY: a transient fault outlasted the retries; the job is not committed and runs again later. */
    public enum Outcome { SUCCEEDED, FAILED, CANCELLED, ALREADY_DONE, RETRY }

    private final VoiceModelRuntime runtime;
    private final BlobStore blobs;
    private final VoiceFeatureIndex features;
    private final VoiceModelCatalog models;
    private final Producer<String, SpecificRecord> producer;
    private final TrainerWorkerConfig config;
    private final AtomicInteger currentStep;
    // the dashboard's training panels (compose/grafana/dashboards/voxpipe.json): progress = step / total, the loss
    // curve, running jobs and steps per second
    private final AtomicInteger totalStepsGauge;
    private final AtomicReference<Double> lossGauge;
    private final AtomicInteger activeJobs;
    private final Counter steps;
    private final MeterRegistry metrics;
    private final Retry retry;
    private final ProgressHeartbeat heartbeat;
    private final EnergyMeters energy;
    private final CarbonScheduler carbon;
    private final Sleeper sleeper;
    private final Auditions auditions;

    /** Energy estimated, no carbon-aware scheduling. */
    public TrainingJobRunner(VoiceModelRuntime runtime, BlobStore blobs, VoiceFeatureIndex features,
                             VoiceModelCatalog models, Producer<String, SpecificRecord> producer,
                             TrainerWorkerConfig config, MeterRegistry metrics) {
        this(runtime, blobs, features, models, producer, config, metrics, EnergyMeters.none("no meters given"), null, Thread::sleep);
    }

    /**
     * @param energy  the machine's energy counters (none: estimate)
     * @param carbon  defers jobs with a deadline to the cleanest window; null: every job runs at once
     * @param sleeper how a deferred job waits
     */
    public TrainingJobRunner(VoiceModelRuntime runtime, BlobStore blobs, VoiceFeatureIndex features,
                             VoiceModelCatalog models, Producer<String, SpecificRecord> producer,
                             TrainerWorkerConfig config, MeterRegistry metrics, EnergyMeters energy,
                             CarbonScheduler carbon, Sleeper sleeper) {
        this.energy = energy;
        this.carbon = carbon;
        this.sleeper = sleeper;
        this.auditions = new Auditions(runtime, blobs, config.auditionSentences(), metrics);
        this.runtime = runtime;
        this.blobs = blobs;
        this.features = features;
        this.models = models;
        this.producer = producer;
        this.config = config;
        this.metrics = metrics;
        this.currentStep = metrics.gauge("voxpipe_training_step", new AtomicInteger());
        this.totalStepsGauge = metrics.gauge("voxpipe_training_total_steps", new AtomicInteger());
        this.lossGauge = new AtomicReference<>(Double.NaN);
        metrics.gauge("voxpipe_training_loss", lossGauge, AtomicReference::get);
        this.activeJobs = metrics.gauge("voxpipe_training_jobs_active", new AtomicInteger());
        this.steps = Counter.builder("voxpipe_training_steps").description("fine-tuning steps done").register(metrics);
        this.retry = new Retry("trainer-worker", config.retry(), metrics);
        // the heartbeat publishes directly: a beat is not itself a report that restarts the beat's clock for others
        this.heartbeat = new ProgressHeartbeat(config.heartbeatInterval(), p -> publish(p.getJobId(), Topics.TRAINING_PROGRESS, p));
    }

    /** Stops the heartbeat timer. */
    @Override
    public void close() {
        heartbeat.close();
    }

    /** The uploads the clips came from, sorted: what the model was made from, for deleting one of them later. */
    static List<String> uploadIds(List<MelFeatures> clips) {
        return clips.stream().map(MelFeatures::getUploadId).filter(java.util.Objects::nonNull).map(String::valueOf)
                .distinct().sorted().toList();
    }

    static String stateKey(String jobId) {
        return "training/" + jobId + "/state.bin";
    }

    public Outcome run(TrainingJob job, BooleanSupplier revoked) {
        var done = models.producedBy(job.getVoiceId(), job.getJobId());
        if (done.isPresent()) return republishSucceeded(job, done.get());
        Double[] intensity = {null};
        Outcome deferral = awaitCleanWindow(job, revoked, intensity);
        if (deferral != null) return deferral;
        JobLease lease;
        try {
            lease = retry.store("taking the lease of job " + job.getJobId(),
                    () -> JobLease.acquire(blobs, job.getJobId(), job.getEpoch(), config.workerId()));
        } catch (Exception e) {
            if (Faults.isTransient(e)) {
                log.warn("job {} waits for the blob store: {}", job.getJobId(), DeadLetters.reason(e));
                return Outcome.RETRY;
            }
            ResourceMeter none = new ResourceMeter(config.powerWatts(), false);
            return failOrRetry(job, 0, none, "cannot take the job's lease in the blob store: " + DeadLetters.reason(e));
        }
        ResourceMeter meter = new ResourceMeter(config.powerWatts(), ai.djl.engine.Engine.getInstance().getGpuCount() > 0,
                energy.counters());
        AtomicBoolean fenced = new AtomicBoolean();
        BooleanSupplier stop = () -> revoked.getAsBoolean() || fenced.get();
        // a resumed job reports where it resumes and its real total from its first report (issue 22)
        int totalSteps = job.getMode() == TrainingMode.ZERO_SHOT ? 0 : maxSteps(job);
        totalStepsGauge.set(totalSteps);
        lossGauge.set(Double.NaN);
        activeJobs.incrementAndGet();
        try {
            FineTuneState resume = job.getMode() == TrainingMode.ZERO_SHOT ? null
                    : retry.store("reading the checkpoint of job " + job.getJobId(), () -> loadState(job.getJobId()));
            int resumedAt = resume == null ? 0 : Math.min(resume.step(), totalSteps);
            currentStep.set(resumedAt);
            publish(progress(job, lease.epoch(), TrainingState.RUNNING, resumedAt, totalSteps, null, meter, null,
                    resumedAt > 0 ? "resuming from step " + resumedAt : "gathering features"));
            List<MelFeatures> clips = awaitFeatures(job, stop);
            double seconds = VoiceFeatureIndex.seconds(clips);
            if (stop.getAsBoolean()) return Outcome.CANCELLED;
            if (seconds < config.minimumSeconds()) {
                return failOrRetry(job, lease.epoch(), meter, String.format("voice %s has %.1f s of usable features; training needs"
                        + " at least %.1f s", job.getVoiceId(), seconds, config.minimumSeconds()));
            }
            // the index holds references: read the clips' full records (inline tensors, F0) back now
            List<MelFeatures> refs = clips;
            clips = retry.call("reading the features of voice " + job.getVoiceId(), () -> features.full(refs));
            List<float[][]> references = new ArrayList<>();
            for (MelFeatures clip : clips) {
                references.add(retry.store("loading the features of clip " + clip.getClipId(), () -> VoiceFeatureIndex.load(clip, blobs)));
            }
            TrainingTexts texts = TrainingTexts.choose(clips, references, TrainingJobRunner::f0,
                    TrainingTexts.recognisable(job.getLanguage()) ? config.provisionalTextBelowSeconds() : 0);
            List<TrainingUtterance> utterances = texts.utterances();
            VoiceDelta delta;
            int finalStep = 0;
            Map<String, Double> quality = new LinkedHashMap<>();
            quality.put("usableSeconds", seconds);
            quality.put("clips", (double) clips.size());
            if (job.getMode() == TrainingMode.ZERO_SHOT) {
                delta = runtime.zeroShot(references);
            } else {
                if (utterances.isEmpty()) {
                    boolean onlyHeard = clips.stream().anyMatch(c -> c.getProvisionalTranscript() != null);
                    return failOrRetry(job, lease.epoch(), meter, "none of the voice's " + clips.size() + " clips has a transcript"
                            + (onlyHeard ? " (speech recognition, English only, is not trusted for a '" + job.getLanguage() + "' voice)" : "")
                            + "; upload samples with their transcript to fine-tune (zero-shot needs none)");
                }
                log.info("job {}: {} utterances ({} with an F0 track), inputs {}", job.getJobId(), utterances.size(),
                        utterances.stream().filter(u -> u.f0Hz() != null).count(), TrainingTexts.digest(utterances));
                if (texts.usesProvisional()) {
                    log.info("job {}: {} clips with provisional text join {} s of confirmed text", job.getJobId(),
                            texts.provisionalClips(), String.format(Locale.ROOT, "%.1f", texts.confirmedSeconds()));
                }
                FineTuneResult result = fineTune(job, lease, utterances, meter, fenced, stop, resume, totalSteps, intensity[0]);
                if (result == null) return Outcome.CANCELLED;
                finalStep = result.steps();
                delta = result.delta();
                quality.put("finalLoss", result.finalLoss());
                quality.put("steps", (double) result.steps());
                quality.put("trainSeconds", result.seconds());
                quality.put("transcribedClips", (double) utterances.size());
                quality.put("confirmedTextSeconds", texts.confirmedSeconds());
                quality.put("provisionalTextSeconds", texts.provisionalSeconds());
            }
            if (stop.getAsBoolean() || lease.isFenced()) return Outcome.CANCELLED;
            VoiceDelta finished = delta;
            BlobRef checkpoint = retry.store("writing the model of job " + job.getJobId(), () -> writeDelta(job, finished));
            // the final model's audition is the voice's sample
            List<Audition> finalAuditions = auditions.render(job, finalStep, delta);
            quality.put("deltaBytes", (double) delta.sizeBytes());
            quality.put("cpuSeconds", meter.cpuSeconds());
            double energyWh = meter.energyWh();
            quality.put("energyWh", energyWh);
            quality.put("energyMeasured", meter.energySource() == dev.voxpipe.schemas.EnergySource.MEASURED ? 1.0 : 0.0);
            VoiceModelReady model = VoiceModelReady.newBuilder()
                    .setTenantId(job.getTenantId())
                    .setVoiceId(job.getVoiceId())
                    .setJobId(job.getJobId())
                    .setVersion(models.nextVersion(job.getVoiceId()))
                    .setBaseModel(runtime.baseModelId())
                    .setCheckpoint(checkpoint)
                    .setMetrics(quality)
                    .setSample(finalAuditions.isEmpty() ? null : finalAuditions.get(0).getAudio())
                    .setEventTime(Instant.now())
                    .setUploadIds(uploadIds(clips))
                    .build();
            // one publication per job id: a model another run of this job published meanwhile is the answer
            var raced = models.producedBy(job.getVoiceId(), job.getJobId());
            if (raced.isPresent()) return republishSucceeded(job, raced.get());
            publish(model.getVoiceId(), Topics.MODELS_READY, model);
            models.remember(model);
            TrainingProgress succeeded = progress(job, lease.epoch(), TrainingState.SUCCEEDED, finalStep, totalSteps,
                    quality.get("finalLoss"), meter, checkpoint, readyMessage(model));
            succeeded.setAuditions(finalAuditions);
            succeeded.setCarbonIntensity(intensity[0]);
            publish(succeeded);
            metrics.counter("voxpipe_training_jobs_total", "outcome", "succeeded").increment();
            recordEnergy(succeeded);
            return Outcome.SUCCEEDED;
        } catch (Exception e) {
            if (Faults.isTransient(e)) {
                log.warn("training job {} stopped by a transient fault; it runs again from its last checkpoint: {}",
                        job.getJobId(), DeadLetters.reason(e));
                metrics.counter("voxpipe_training_jobs_total", "outcome", "retry").increment();
                return Outcome.RETRY;
            }
            log.warn("training job {} failed", job.getJobId(), e);
            return failOrRetry(job, lease.epoch(), meter, DeadLetters.reason(e));
        } finally {
            activeJobs.decrementAndGet();
            heartbeat.stopped(job.getJobId());
        }
    }

    /** The job's step budget: its own, else the worker's default, else the fine-tune default. */
    private int maxSteps(TrainingJob job) {
        return job.getMaxSteps() > 0 ? job.getMaxSteps()
                : config.defaultMaxSteps() > 0 ? config.defaultMaxSteps() : FineTuneConfig.defaults().maxSteps();
    }

    /** Wh per finished job, by source, for the dashboard (Prometheus: voxpipe_training_energy_wh_sum / _count). */
    private void recordEnergy(TrainingProgress finished) {
        recordEnergy(metrics, finished);
    }

    static void recordEnergy(MeterRegistry metrics, TrainingProgress finished) {
        String source = finished.getEnergySource().name().toLowerCase(java.util.Locale.ROOT);
        DistributionSummary.builder("voxpipe_training_energy_wh")
                .description("Energy per finished training job (Wh), measured or estimated")
                .tag("source", source)
                .register(metrics)
                .record(finished.getEnergyWh());
        log.info("job {} used {} Wh ({})", finished.getJobId(), String.format(java.util.Locale.ROOT, "%.4f", finished.getEnergyWh()), source);
    }

    /**
     * Carbon-aware scheduling: a job with a deadline waits for the cleanest forecast window before it (shown as
     * DEFERRED until then, with the expected intensity); null when the job is to run now ({@code intensity[0]}: the
     * expected gCO2e/kWh of its run, when known), else how the wait ended (cancelled, or RETRY when the DEFERRED
     * state cannot be published). The wait holds one of the worker's job slots.
     */
    private Outcome awaitCleanWindow(TrainingJob job, BooleanSupplier revoked, Double[] intensity) {
        if (job.getDeadline() == null) return null;
        if (carbon == null) {
            log.info("job {} has a deadline ({}) but no carbon-intensity source is configured; it runs at once",
                    job.getJobId(), job.getDeadline());
            return null;
        }
        CarbonScheduler.Decision decision = carbon.plan(job.getDeadline());
        Instant now = carbon.clock().instant();
        intensity[0] = decision.expectedIntensity();
        if (!decision.deferred(now)) {
            log.info("job {} runs at once ({}; expected {} gCO2e/kWh)", job.getJobId(), decision.reason(), decision.expectedIntensity());
            return null;
        }
        String why = String.format(java.util.Locale.ROOT,
                "deferred until %s (%s): expected %.0f gCO2e/kWh against %s at once, deadline %s",
                decision.start(), decision.reason(), decision.expectedIntensity(),
                decision.intensityNow() == null ? "unknown" : String.format(java.util.Locale.ROOT, "%.0f", decision.intensityNow()),
                job.getDeadline());
        log.info("job {} DEFERRED: {}", job.getJobId(), why);
        try {
            TrainingProgress deferred = progress(job, job.getEpoch(), TrainingState.DEFERRED, 0, 0, null,
                    new ResourceMeter(config.powerWatts(), false), null, why);
            deferred.setDeferredUntil(decision.start());
            deferred.setCarbonIntensity(decision.expectedIntensity());
            deferred.setEnergyWh(0.0);
            publish(deferred);
        } catch (RuntimeException e) {
            log.warn("cannot publish the deferral of job {}; it runs again later: {}", job.getJobId(), DeadLetters.reason(e));
            return Outcome.RETRY;
        }
        try {
            while (true) {
                long left = java.time.Duration.between(carbon.clock().instant(), decision.start()).toMillis();
                if (left <= 0) break;
                if (revoked.getAsBoolean()) return Outcome.CANCELLED;
                sleeper.sleep(Math.min(1000, left));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Outcome.CANCELLED;
        }
        log.info("job {} starts after its deferral (expected {} gCO2e/kWh)", job.getJobId(), decision.expectedIntensity());
        return null;
    }

    /**
     * A redelivered job that already produced its model: publish its SUCCEEDED again (the view keeps
     * the first final state, so this is idempotent), never a second model.
     */
    /**
     * A finished job's message, from its model alone (a job published again after a redelivery says the same): the
     * version, and whether it trained on text no one has confirmed (ingest shows that as the job's notice).
     */
    static String readyMessage(VoiceModelReady model) {
        String ready = "model version " + model.getVersion() + " ready";
        Map<String, Double> m = model.getMetrics();
        Double provisional = m == null ? null : m.get("provisionalTextSeconds");
        if (provisional == null || provisional <= 0) return ready;
        Double confirmed = m.get("confirmedTextSeconds");
        return String.format(Locale.ROOT, "%s; trained on %.1f s of text no one has confirmed (recognised, or aligned with low"
                + " confidence) besides %.1f s of confirmed text; confirm or fix it at /v1/voices/%s/clips and train again"
                + " for a clearer voice", ready, provisional, confirmed == null ? 0.0 : confirmed, model.getVoiceId());
    }

    private Outcome republishSucceeded(TrainingJob job, VoiceModelReady model) {
        log.info("job {} already produced model version {}; publishing its SUCCEEDED again", job.getJobId(), model.getVersion());
        Double loss = model.getMetrics() == null ? null : model.getMetrics().get("finalLoss");
        Double steps = model.getMetrics() == null ? null : model.getMetrics().get("steps");
        int step = steps == null ? 0 : steps.intValue();
        try {
            publish(progress(job, job.getEpoch(), TrainingState.SUCCEEDED, step, step, loss,
                    new ResourceMeter(config.powerWatts(), false), model.getCheckpoint(), readyMessage(model)));
        } catch (RuntimeException e) {
            if (Faults.isTransient(e)) return Outcome.RETRY;
            throw e;
        }
        return Outcome.ALREADY_DONE;
    }

    private FineTuneResult fineTune(TrainingJob job, JobLease lease, List<TrainingUtterance> utterances,
                                    ResourceMeter meter, AtomicBoolean fenced, BooleanSupplier stop,
                                    FineTuneState resume, int maxSteps, Double intensity) throws IOException {
        FineTuneConfig defaults = FineTuneConfig.defaults();
        FineTuneConfig fineTune = new FineTuneConfig(maxSteps, config.checkpointEverySteps(),
                defaults.learningRate(), defaults.seed(), config.minimumSeconds(), config.microBatches(),
                config.auditionEverySteps(), config.loraRank());
        if (resume != null) log.info("job {} resumes from step {}", job.getJobId(), resume.step());
        int firstStep = resume == null ? 0 : resume.step();
        long[] lastPublished = {0};
        BlobRef[] lastCheckpoint = {null};
        double[] lastLoss = {Double.NaN};
        FineTuneListener listener = new FineTuneListener() {
            @Override
            public void onProgress(int step, int totalSteps, double loss) {
                int before = currentStep.getAndSet(step);
                if (step > before) steps.increment(step - before);
                lossGauge.set(loss);
                lastLoss[0] = loss;
                long now = System.nanoTime();
                if (now - lastPublished[0] < config.progressInterval().toNanos() && step < totalSteps) return;
                lastPublished[0] = now;
                double perStep = meter.wallSeconds() / Math.max(1, step - firstStep);
                TrainingProgress running = progress(job, lease.epoch(), TrainingState.RUNNING, step, totalSteps, loss, meter,
                        lastCheckpoint[0], null, perStep * (totalSteps - step));
                running.setCarbonIntensity(intensity);
                publish(running);
            }

            @Override
            public void onAudition(int step, VoiceDelta voiceSoFar) {
                List<Audition> rendered = auditions.render(job, step, voiceSoFar);
                if (rendered.isEmpty()) return;
                TrainingProgress announced = progress(job, lease.epoch(), TrainingState.RUNNING, step, maxSteps,
                        Double.isNaN(lastLoss[0]) ? null : lastLoss[0], meter, lastCheckpoint[0], "auditions at step " + step);
                announced.setAuditions(rendered);
                announced.setCarbonIntensity(intensity);
                publish(announced);
            }

            @Override
            public void onCheckpoint(FineTuneState state) {
                try {
                    if (lease.isFenced()) {
                        fenced.set(true);
                        return;
                    }
                    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
                    state.write(bytes);
                    lastCheckpoint[0] = blobs.putAt(stateKey(job.getJobId()),
                            new ByteArrayInputStream(bytes.toByteArray()), "application/octet-stream");
                } catch (IOException e) {
                    log.warn("checkpoint of job {} at step {} failed: {}", job.getJobId(), state.step(), e.toString());
                }
            }

            @Override
            public boolean cancelled() {
                return stop.getAsBoolean();
            }
        };
        FineTuneResult result = runtime.fineTune(utterances, fineTune, resume, listener);
        return stop.getAsBoolean() ? null : result;
    }

    private FineTuneState loadState(String jobId) throws IOException {
        try (InputStream in = blobs.open(stateKey(jobId))) {
            return FineTuneState.read(in);
        } catch (NoSuchBlobException e) {
            return null;
        }
    }

    private BlobRef writeDelta(TrainingJob job, VoiceDelta delta) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        delta.write(bytes);
        String key = "models/" + job.getTenantId() + "/" + job.getVoiceId() + "/" + job.getJobId() + ".delta";
        return blobs.putAt(key, new ByteArrayInputStream(bytes.toByteArray()), "application/x-voxpipe-voice-delta");
    }

    private List<MelFeatures> awaitFeatures(TrainingJob job, BooleanSupplier stop) throws InterruptedException {
        // every clip the job was accepted with (a clip's frames/rate are never shorter than its
        // duration, so the tolerance only absorbs rounding): training on whichever 95 % had arrived
        // made the data set, and so the voice, depend on timing
        double wanted = Math.max(config.minimumSeconds(), job.getUsableSeconds() - USABLE_SECONDS_TOLERANCE);
        long deadline = System.nanoTime() + config.featureWait().toNanos();
        while (true) {
            List<MelFeatures> clips = features.clips(job.getTenantId(), job.getVoiceId());
            if (VoiceFeatureIndex.seconds(clips) >= wanted || System.nanoTime() > deadline || stop.getAsBoolean()) {
                return clips;
            }
            Thread.sleep(500);
        }
    }

    /** Publishes FAILED with the reason; when even that cannot be published (the broker is away), the job runs again. */
    private Outcome failOrRetry(TrainingJob job, int epoch, ResourceMeter meter, String reason) {
        try {
            publish(progress(job, epoch, TrainingState.FAILED, currentStep.get(), 0, null, meter, null, reason));
        } catch (RuntimeException e) {
            log.warn("cannot publish the failure of job {}; it runs again: {}", job.getJobId(), DeadLetters.reason(e));
            return Outcome.RETRY;
        }
        metrics.counter("voxpipe_training_jobs_total", "outcome", "failed").increment();
        return Outcome.FAILED;
    }

    private TrainingProgress progress(TrainingJob job, int epoch, TrainingState state, int step, int total,
                                      Double loss, ResourceMeter meter, BlobRef checkpoint, String message) {
        return progress(job, epoch, state, step, total, loss, meter, checkpoint, message, null);
    }

    private TrainingProgress progress(TrainingJob job, int epoch, TrainingState state, int step, int total,
                                      Double loss, ResourceMeter meter, BlobRef checkpoint, String message, Double eta) {
        return TrainingProgress.newBuilder()
                .setJobId(job.getJobId())
                .setTenantId(job.getTenantId())
                .setVoiceId(job.getVoiceId())
                .setEpoch(epoch)
                .setState(state)
                .setStep(step)
                .setTotalSteps(total)
                .setLoss(loss)
                .setEtaSeconds(eta)
                .setCpuSeconds(meter.cpuSeconds())
                .setGpuSeconds(meter.gpuSeconds())
                .setEnergyWh(meter.energyWh())
                .setEnergySource(meter.energySource())
                .setCheckpoint(checkpoint)
                .setWorkerId(config.workerId())
                .setMessage(message)
                .setEventTime(Instant.now())
                .build();
    }

    private void publish(TrainingProgress progress) {
        publish(progress.getJobId(), Topics.TRAINING_PROGRESS, progress);
        heartbeat.published(progress); // RUNNING: repeated while the job is silent; final: the beat ends
    }

    /** Waits for the broker's acknowledgement: progress and results must not be lost silently. */
    private void publish(String key, String topic, SpecificRecord value) {
        try {
            producer.send(new ProducerRecord<>(topic, key, value)).get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while publishing to " + topic, e);
        } catch (ExecutionException e) {
            throw new IllegalStateException("cannot publish to " + topic + ": " + DeadLetters.reason(e), e);
        }
    }

    /** The feature stage's F0 track of a clip (0: unvoiced), or null when it has none: gives the voice its pitch range. */
    static float[] f0(MelFeatures clip) {
        List<Float> track = clip.getF0Hz();
        if (track == null) return null;
        float[] out = new float[track.size()];
        for (int i = 0; i < out.length; i++) out[i] = track.get(i) == null ? 0f : track.get(i);
        return out;
    }
}
