package dev.voxpipe.core.messaging;

import dev.voxpipe.core.serde.AvroWireDeserializer;
import dev.voxpipe.core.serde.SchemaRegistryClient;
import dev.voxpipe.core.topics.Topics;
import dev.voxpipe.schemas.VoiceCreated;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Which voices no work may be done for any more, read from the voices topic: a voice whose
 * consent was revoked (re-published with {@code consent.revokedAt}) or that was deleted (a
 * tombstone). Work queued before the revocation or deletion is refused by the workers that check
 * here (the trainer before and during a job, the synth worker per chunk). Only positive signals
 * count: a voice this view has never heard of is not refused, so a worker that reads the topic
 * late never refuses a live voice. The voices topic keeps tombstones for
 * {@code delete.retention.ms}, longer than any work topic keeps its records (see Topics).
 */
public final class VoiceGate implements AutoCloseable {

    public static final String DELETED = "the voice was deleted";
    public static final String CONSENT_REVOKED = "the voice's consent was revoked";

    private final Map<String, String> refused = new ConcurrentHashMap<>();
    private final TopicView<VoiceCreated> view;

    /** A gate fed by {@link #apply} only, for tests and single-process use. */
    public VoiceGate() {
        this.view = null;
    }

    public VoiceGate(Properties kafka, SchemaRegistryClient registry) {
        this.view = new TopicView<>(Topics.VOICES, kafka, new AvroWireDeserializer<>(registry, VoiceCreated.class), this::apply);
    }

    public VoiceGate start() {
        if (view != null) view.start();
        return this;
    }

    public boolean awaitCaughtUp(Duration timeout) throws InterruptedException {
        return view == null || view.awaitCaughtUp(timeout);
    }

    /** One record of the voices topic: a tombstone deletes, a revoked consent refuses, anything else allows. */
    public void apply(String voiceId, VoiceCreated voice) {
        if (voiceId == null) return;
        if (voice == null) {
            refused.put(voiceId, DELETED);
        } else if (voice.getConsent() != null && voice.getConsent().getRevokedAt() != null) {
            refused.put(voiceId, CONSENT_REVOKED);
        } else {
            refused.remove(voiceId);
        }
    }

    /** Why no work may be done for the voice, or empty when it may. */
    public Optional<String> refusal(String voiceId) {
        return voiceId == null ? Optional.empty() : Optional.ofNullable(refused.get(voiceId));
    }

    @Override
    public void close() {
        if (view != null) view.close();
    }
}
