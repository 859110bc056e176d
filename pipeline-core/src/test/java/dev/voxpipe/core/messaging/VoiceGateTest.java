package dev.voxpipe.core.messaging;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.voxpipe.core.topics.TopicSpec;
import dev.voxpipe.core.topics.Topics;
import dev.voxpipe.schemas.VoiceCreated;
import dev.voxpipe.schemas.common.ConsentAttestation;
import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class VoiceGateTest {

    private static VoiceCreated voice(String id, Instant revokedAt) {
        return VoiceCreated.newBuilder().setTenantId("t").setVoiceId(id).setName("n").setLanguage("en")
                .setConsent(ConsentAttestation.newBuilder().setAttestedBy("a").setStatement("s").setAttestedAt(Instant.EPOCH)
                        .setRevokedAt(revokedAt).build())
                .setCreatedAt(Instant.EPOCH).build();
    }

    @Test
    void refusesDeletedVoicesAndRevokedConsentOnly() {
        VoiceGate gate = new VoiceGate();
        gate.apply("voice_a", voice("voice_a", null));
        assertEquals(Optional.empty(), gate.refusal("voice_a"));
        assertEquals(Optional.empty(), gate.refusal("voice_never_heard_of"), "only positive signals refuse");
        gate.apply("voice_a", voice("voice_a", Instant.ofEpochMilli(5)));
        assertEquals(Optional.of(VoiceGate.CONSENT_REVOKED), gate.refusal("voice_a"));
        gate.apply("voice_a", null);
        assertEquals(Optional.of(VoiceGate.DELETED), gate.refusal("voice_a"));
        gate.apply("voice_b", null);
        assertEquals(Optional.of(VoiceGate.DELETED), gate.refusal("voice_b"), "a tombstone of a voice never seen still refuses");
    }

    @Test
    void compactedTopicsKeepTombstonesLongerThanAnyWorkTopicKeepsRecords() {
        long longestWork = Topics.ALL.stream().filter(t -> !t.compacted() && t.retention() != null)
                .mapToLong(t -> t.retention().toMillis()).max().orElseThrow();
        for (TopicSpec t : Topics.ALL) {
            if (!t.compacted()) continue;
            long tombstones = Long.parseLong(t.configs().get("delete.retention.ms"));
            assertTrue(tombstones > longestWork, t.name() + " keeps tombstones " + tombstones + " ms, work lives " + longestWork + " ms");
        }
    }
}
