package dev.voxpipe.ingest.watchdog;

import dev.voxpipe.core.config.VoxConfig;
import dev.voxpipe.core.topics.Topics;
import dev.voxpipe.ingest.kafka.EventPublisher;
import dev.voxpipe.ingest.views.ViewStores;
import dev.voxpipe.ingest.views.Views;
import dev.voxpipe.schemas.SynthesisCompleted;
import dev.voxpipe.schemas.TrainingProgress;
import dev.voxpipe.schemas.TrainingState;
import dev.voxpipe.schemas.common.AudioFormat;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Nothing accepted stays in flight forever (issue 17). Every {@code interval} the watchdog looks at
 * the training jobs and syntheses in the views and fails, with a reason that says why, what stalled:
 * <ul>
 *   <li>a job or synthesis that no worker took within {@code queued-deadline} (24 h: a queue behind
 *   busy workers is not a stall);</li>
 *   <li>a running job whose worker sent no progress for {@code stall-deadline} (60 min; trainers
 *   report every few seconds), and a synthesis with no new chunk for as long (the assembler's own
 *   watchdog, 30 min by default, names the missing chunks first).</li>
 * </ul>
 * The failure is an ordinary event (TrainingProgress FAILED at the job's epoch, SynthesisCompleted
 * with succeeded=false), so every view, instance and client sees it; a worker that resumes later
 * (a higher epoch, a success) still wins. Settings: {@code voxpipe.ingest.watchdog.enabled} (true),
 * {@code .interval} (1 min), {@code .queued-deadline} (24 h), {@code .stall-deadline} (60 min).
 */
public final class StallWatchdog {

    private static final Logger log = LoggerFactory.getLogger(StallWatchdog.class);
    public static final String REASON_MARK = "failed by the watchdog";
    private static final int PAGE = 1000;

    public record Settings(boolean enabled, Duration interval, Duration queuedDeadline, Duration stallDeadline) {
        public static Settings from(VoxConfig c) {
            return new Settings(c.getBoolean("voxpipe.ingest.watchdog.enabled", true),
                    c.getDuration("voxpipe.ingest.watchdog.interval", Duration.ofMinutes(1)),
                    c.getDuration("voxpipe.ingest.watchdog.queued-deadline", Duration.ofHours(24)),
                    c.getDuration("voxpipe.ingest.watchdog.stall-deadline", Duration.ofMinutes(60)));
        }
    }

    private final Settings settings;
    private final Views views;
    private final EventPublisher publisher;

    public StallWatchdog(Settings settings, Views views, EventPublisher publisher) {
        this.settings = settings;
        this.views = views;
        this.publisher = publisher;
    }

    /** Sweeps every {@code interval} on a worker thread of {@code vertx}, once the views run. */
    public void schedule(Vertx vertx) {
        if (!settings.enabled()) return;
        vertx.setPeriodic(Math.max(1000, settings.interval().toMillis()), id -> {
            if (!views.running() || !publisher.available()) return;
            var context = vertx.getOrCreateContext();
            vertx.executeBlocking(() -> {
                sweep(context, System.currentTimeMillis());
                return null;
            }, false).onFailure(e -> log.warn("watchdog sweep failed: {}", e.toString()));
        });
    }

    void sweep(io.vertx.core.Context context, long now) {
        String after = null;
        while (true) {
            var page = views.scan(ViewStores.JOBS, "j/", after, PAGE);
            for (Map.Entry<String, String> e : page) {
                JsonObject job = new JsonObject(e.getValue());
                // a deleted voice's jobs are gone: no new event may name it
                if (views.get(ViewStores.VOICES, "v/" + job.getString("voiceId")).isEmpty()) continue;
                JsonObject progress = views.get(ViewStores.PROGRESS, job.getString("jobId")).orElse(null);
                judgeJob(job, progress, now, settings).ifPresent(failed -> {
                    log.warn("training job {}: {}", failed.getJobId(), failed.getMessage());
                    publisher.publish(context, Topics.TRAINING_PROGRESS, failed.getJobId(), failed);
                });
            }
            if (page.size() < PAGE) break;
            after = page.get(page.size() - 1).getKey();
        }
        after = null;
        while (true) {
            var page = views.scan(ViewStores.SYNTH_REQUESTS, "", after, PAGE);
            for (Map.Entry<String, String> e : page) {
                if (e.getKey().startsWith("v/")) continue; // the per-voice index
                JsonObject request = new JsonObject(e.getValue());
                String id = request.getString("requestId");
                JsonObject completed = views.get(ViewStores.SYNTH_COMPLETED, id).orElse(null);
                JsonObject summary = views.get(ViewStores.SYNTH_CHUNKS, "s/" + id).orElse(null);
                judgeSynthesis(request, summary, completed, now, settings).ifPresent(failed -> {
                    log.warn("synthesis {}: {}", id, failed.getError());
                    publisher.publish(context, Topics.SYNTHESIS_COMPLETED, id, failed);
                });
            }
            if (page.size() < PAGE) break;
            after = page.get(page.size() - 1).getKey();
        }
    }

    /** FAILED for a job that waited or stalled past its deadline; empty while it is fine or final. */
    public static Optional<TrainingProgress> judgeJob(JsonObject job, JsonObject progress, long now, Settings s) {
        String state = progress == null ? "QUEUED" : progress.getString("state");
        if ("SUCCEEDED".equals(state) || "FAILED".equals(state)) return Optional.empty();
        String why;
        int epoch = job.getInteger("epoch", 0);
        if (progress == null) {
            long requested = millis(job.getString("requestedAt"));
            if (requested <= 0 || now - requested <= s.queuedDeadline().toMillis()) return Optional.empty();
            why = "no training worker took the job within " + hours(s.queuedDeadline()) + "; " + REASON_MARK;
        } else {
            // the last time the job advanced: a heartbeat repeating the same step keeps the worker alive, not the job (issue 22)
            long last = progress.getLong("progressedMillis", progress.getLong("eventMillis", 0L));
            // a deferred job is silent by design until its window opens
            if ("DEFERRED".equals(state)) last = Math.max(last, millis(progress.getString("deferredUntil")));
            if (last <= 0 || now - last <= s.stallDeadline().toMillis()) return Optional.empty();
            epoch = Math.max(epoch, progress.getInteger("epoch", 0));
            why = "no progress from the training worker for " + s.stallDeadline().toMinutes() + " min (last: "
                    + progress.getString("state") + ", step " + progress.getInteger("step", 0) + "); " + REASON_MARK;
        }
        return Optional.of(TrainingProgress.newBuilder().setJobId(job.getString("jobId")).setTenantId(job.getString("tenantId"))
                .setVoiceId(job.getString("voiceId")).setEpoch(epoch).setState(TrainingState.FAILED)
                .setStep(progress == null ? 0 : progress.getInteger("step", 0)).setTotalSteps(0)
                .setWorkerId("ingest-watchdog").setMessage(why).setEventTime(Instant.ofEpochMilli(now)).build());
    }

    /** A failed completion for a synthesis that waited or stalled past its deadline; empty while it is fine or final. */
    public static Optional<SynthesisCompleted> judgeSynthesis(JsonObject request, JsonObject chunkSummary, JsonObject completed,
                                                             long now, Settings s) {
        if (completed != null) return Optional.empty(); // succeeded, failed or deleted: final
        String why;
        int chunkCount = 0;
        if (chunkSummary == null) {
            long requested = request.getLong("requestedMillis", 0L);
            if (requested <= 0 || now - requested <= s.queuedDeadline().toMillis()) return Optional.empty();
            why = "no chunk was synthesised within " + hours(s.queuedDeadline()) + "; " + REASON_MARK;
        } else {
            long last = chunkSummary.getLong("lastAt", 0L);
            if (last <= 0 || now - last <= s.stallDeadline().toMillis()) return Optional.empty();
            chunkCount = chunkSummary.getInteger("total", 0);
            why = "no new chunk for " + s.stallDeadline().toMinutes() + " min (" + chunkSummary.getInteger("done", 0) + " of "
                    + chunkCount + " done); " + REASON_MARK;
        }
        AudioFormat format;
        try {
            format = AudioFormat.valueOf(request.getString("format", "WAV"));
        } catch (IllegalArgumentException e) {
            format = AudioFormat.WAV;
        }
        return Optional.of(SynthesisCompleted.newBuilder().setRequestId(request.getString("requestId"))
                .setTenantId(request.getString("tenantId")).setVoiceId(request.getString("voiceId")).setSucceeded(false)
                .setFormat(format).setChunkCount(chunkCount).setError(why).setEventTime(Instant.ofEpochMilli(now)).build());
    }

    private static long millis(String iso) {
        try {
            return iso == null ? 0 : Instant.parse(iso).toEpochMilli();
        } catch (RuntimeException e) {
            return 0;
        }
    }

    private static String hours(Duration d) {
        return d.toMinutes() % 60 == 0 && d.toHours() > 0 ? d.toHours() + " h" : d.toMinutes() + " min";
    }
}
